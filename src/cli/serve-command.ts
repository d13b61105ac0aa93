import type { FastifyInstance } from 'fastify';
import { bootstrap, createLogger, openContext, startWorkers, type RunningContext } from '../app.ts';
import { loadConfig } from '../config.ts';
import { PACKAGE_VERSION } from '../core/package-version.ts';
import { teamsWithoutUsableAdminKey } from '../features/api-keys/service.ts';
import { buildServer } from '../server.ts';
import { openControlSocket } from './control-socket.ts';
import { keysControlHandler } from './keys-command.ts';
import { usersControlHandler } from './users-command.ts';
import { listenFailure, reservePort } from './reserve-port.ts';

/** How long in-flight work may take to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Runs the server until SIGTERM/SIGINT. `api` serves HTTP, `worker` runs background jobs
 * (bulk create/update), `all` does both. Every role can enqueue work; only workers run it.
 */
export async function serveCommand(role: 'api' | 'worker' | 'all'): Promise<void> {
  // Handlers go in first: a signal arriving while starting up (or a microsecond after the
  // ready line) must lead to a clean shutdown once started, not to Node's default exit.
  let requested: string | undefined;
  let stop: ((signal: string) => Promise<void>) | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      requested ??= signal;
      void stop?.(signal);
    });
  }

  const config = loadConfig();
  // The port before anything else: when it is taken, the start fails with one line, having
  // written nothing (no data directory, no migration, no demo key minted and lost).
  const reservation = role === 'worker' || config.port === 0 ? undefined : await reservePort(config.port, config.host);
  const log = createLogger(config.logLevel, 1, config.logFormat);
  let ctx: RunningContext | undefined;
  let app: FastifyInstance | undefined;
  let boot: Awaited<ReturnType<typeof bootstrap>>;
  try {
    ctx = await openContext(config, log);
    boot = await bootstrap(ctx);
    if (boot.migrations.length) log.info({ migrations: boot.migrations }, 'migrations applied');
    if (boot.workspaceApplied) log.info({ file: boot.workspaceApplied }, 'workspace applied');
    ({ app } = await buildServer(ctx));
    if (role !== 'worker') {
      await reservation?.release();
      await app.listen({ port: config.port, host: config.host }).catch((err) => {
        throw listenFailure(err, config.port, config.host) ?? err;
      });
    }
  } catch (err) {
    await reservation?.release();
    await app?.close();
    await ctx?.close();
    throw err;
  }

  // Printed once the port is ours, so a failed start never shows a key it then loses. The one
  // line a new user needs; printed on the first start only, since the key is stored hashed.
  if (boot.demoKey) process.stdout.write(`Demo API key: ${boot.demoKey}\n`);
  // PORT=0 without PUBLIC_BASE_URL: the port is known only now, and the links must name it.
  const listening = app.server.address();
  const publicBase =
    typeof listening === 'object' && listening ? config.publicBaseUrl.replace(/:0$/, `:${listening.port}`) : config.publicBaseUrl;
  if (role !== 'worker') process.stdout.write(`Console: ${publicBase}/console\n`);
  if (boot.demoSignInLink) {
    process.stdout.write(`Demo sign-in link (valid 24 h): ${publicBase}${boot.demoSignInLink.slice(config.publicBaseUrl.length)}\n`);
  }
  if (role !== 'worker' && !config.adminToken) {
    for (const { team, adminRole } of await teamsWithoutUsableAdminKey(ctx.db)) {
      if (!adminRole) continue;
      process.stdout.write(
        `Team ${team} has no usable admin API key. Create one (the server may keep running): npx chakra keys create --team ${team} --role ${adminRole} --name <name>\n`,
      );
    }
  }
  const workers = role === 'api' ? undefined : await startWorkers(ctx);
  // `chakra keys` beside a running embedded-database server goes through this socket.
  const control =
    ctx.db.kind === 'pglite'
      ? await openControlSocket(config.dataDir, { keys: keysControlHandler(ctx), users: usersControlHandler(ctx) }, log)
      : undefined;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : null;
  log.info(
    {
      version: PACKAGE_VERSION,
      node: process.version,
      role,
      port,
      database: ctx.db.kind,
      dataDir: ctx.db.kind === 'pglite' ? config.dataDir : undefined,
    },
    'chakra ready',
  );

  let stopping = false;
  const running = { app, ctx };
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await control?.close();
      const stopped = workers?.stop();
      await running.app.close();
      await stopped;
      await running.ctx.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  if (requested) await stop(requested);
}
