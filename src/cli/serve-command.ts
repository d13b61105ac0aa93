import { bootstrap, createLogger, openContext, startWorkers } from '../app.ts';
import { loadConfig } from '../core/config.ts';
import { buildServer } from '../server.ts';

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
  const log = createLogger(config.logLevel);
  const ctx = await openContext(config, log);
  const boot = await bootstrap(ctx);
  if (boot.migrations.length) log.info({ migrations: boot.migrations }, 'migrations applied');
  if (boot.workspaceApplied) log.info({ file: boot.workspaceApplied }, 'workspace applied');
  // The one line a new user needs; printed on the first start only, since the key is stored hashed.
  if (boot.demoKey) process.stdout.write(`Demo API key: ${boot.demoKey}\n`);

  const { app } = await buildServer(ctx);
  if (role !== 'worker') await app.listen({ port: config.port, host: config.host });
  const workers = role === 'api' ? undefined : await startWorkers(ctx);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : null;
  log.info({ role, port, database: ctx.db.kind, dataDir: ctx.db.kind === 'pglite' ? config.dataDir : undefined }, 'chakra ready');

  let stopping = false;
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
      const stopped = workers?.stop();
      await app.close();
      await stopped;
      await ctx.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  if (requested) await stop(requested);
}
