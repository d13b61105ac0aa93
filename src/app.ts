/**
 * Builds the per-process context (database, secrets, caches, rate limiter, logger) and the
 * start-up steps shared by `chakra serve` and the tests: migrate, then bootstrap the workspace.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config.ts';
import { ConfigError } from './core/config-error.ts';
import type { AppContext, LocalState } from './context.ts';
import { AREAS } from './areas.ts';
import { KeyStore } from './core/auth/key-store.ts';
import { SessionStore } from './core/auth/session-store.ts';
import { createSignInLink } from './features/sign-in/service.ts';
import { migrate } from './core/db/migrate.ts';
import { openDatabase } from './core/db/open.ts';
import { memoryRateLimiter, redisRateLimiter } from './core/rate-limit.ts';
import { createSecretBox, resolveSecretKey } from './core/secrets.ts';
import { ConfigCache } from './features/config/cache.ts';
import { localStorage } from './core/storage/local-storage.ts';
import { s3Storage } from './core/storage/s3-storage.ts';
import { createUrlSigner } from './core/url-signer.ts';
import { noQueue, openJobQueue } from './core/queue/job-queue.ts';
import path from 'node:path';
import { createApiKey } from './features/api-keys/service.ts';
import { applyWorkspace } from './features/workspace/service.ts';
import { addDemoSampleData, type SampleDataSummary } from './features/demo/sample-data.ts';
import { ensureSortIndexes } from './features/processes/sort-indexes.ts';
import { parseWorkspaceText, validateWorkspace } from './features/workspace/validate.ts';

export const DEMO_WORKSPACE_FILE = fileURLToPath(new URL('../examples/demo-workspace.yaml', import.meta.url));
/** Serialises bootstrap across processes starting together on one database. */
const BOOTSTRAP_LOCK_KEY = 0x43_4b_42_53;

/** How long running background work may take to reach a safe point when the process stops. */
const QUEUE_STOP_GRACE_MS = 10_000;

export interface RunningContext extends AppContext {
  close(): Promise<void>;
}

export { createLogger } from './core/logger.ts';

/**
 * `queue: false` (one-shot CLI commands) skips starting the job queue: such a context cannot
 * enqueue, and starts faster.
 */
export async function openContext(config: AppConfig, log: FastifyBaseLogger, options: { queue?: boolean } = {}): Promise<RunningContext> {
  // With the embedded database the key file is made under the data directory's lock (taken by
  // openDatabase), so two first starts at once cannot race to create it.
  const embedded = !config.databaseUrl && !config.secretKey;
  let secretKey = embedded ? undefined : resolveSecretKey(config);
  const db = await openDatabase(config);
  try {
    secretKey ??= resolveSecretKey(config);
  } catch (err) {
    await db.close();
    throw err;
  }
  const secrets = createSecretBox(secretKey);
  const keys = new KeyStore(db, config.keyCacheTtlMs);
  const sessions = new SessionStore(db, config.keyCacheTtlMs, config.sessions.idleMinutes * 60_000, secretKey);
  const rateLimiter = config.redisUrl
    ? redisRateLimiter(config.redisUrl, config.rateLimit.perSecond, config.rateLimit.burst, (err) =>
        log.warn({ err: err.message }, 'rate limit store unreachable; allowing requests'),
      )
    : memoryRateLimiter(config.rateLimit.perSecond, config.rateLimit.burst);
  const configCache = new ConfigCache(db, config.keyCacheTtlMs);
  let queue = noQueue;
  if (options.queue !== false) {
    queue = await openJobQueue(db, { maintenanceSeconds: config.jobs.maintenanceSeconds }, log);
    for (const area of AREAS) for (const q of area.queues ?? []) await queue.declare(q.name, { oneWaitingPerKey: q.oneWaitingPerKey });
  }
  const ctx = {
    config,
    db,
    secrets,
    keys,
    sessions,
    rateLimiter,
    configCache,
    log,
    files: config.storage.driver === 's3' ? s3Storage(config.storage) : localStorage(path.join(config.dataDir, 'files')),
    urlSigner: createUrlSigner(secretKey, config.publicBaseUrl),
    queue,
    local: localState(config),
    async close() {
      await queue.stop(QUEUE_STOP_GRACE_MS);
      await keys.close();
      await sessions.close();
      await rateLimiter.close();
      await db.close();
    },
  };
  if (options.queue !== false) for (const area of AREAS) area.onOpen?.(ctx);
  return ctx;
}

/** Every area's in-memory state for a new context. */
function localState(config: AppConfig): LocalState {
  const local: Record<string, unknown> = {};
  for (const area of AREAS) {
    for (const [key, make] of Object.entries(area.local ?? {})) {
      if (key in local) throw new Error(`two areas make ctx.local.${key}`);
      local[key] = make(config);
    }
  }
  return local as unknown as LocalState;
}

export interface BootstrapResult {
  migrations: string[];
  /** Set only on the very first start of an empty database without CHAKRA_WORKSPACE. */
  demoKey?: string;
  /** With the demo key: a sign-in link for the demo team's first user (docs/console.md#sign-in). */
  demoSignInLink?: string;
  workspaceApplied?: string;
  /** What DEMO_SAMPLE_DATA added, on the first start that applied the demo workspace. */
  sampleData?: SampleDataSummary;
}

/**
 * Migrates, then applies CHAKRA_WORKSPACE (every start) or, on an empty database, the demo
 * workspace plus one admin key for the demo team. Runs under a transaction-scoped advisory
 * lock so two processes starting together neither race the apply nor mint two demo keys.
 */
export async function bootstrap(ctx: AppContext, env: Record<string, string | undefined> = process.env): Promise<BootstrapResult> {
  const migrations = await migrate(ctx.db);
  // PGlite runs no autovacuum: give its planner statistics at every start.
  if (ctx.db.kind === 'pglite') await ctx.db.exec('analyze');
  const file = ctx.config.workspaceFile;
  let text: string;
  try {
    text = readFileSync(file ?? DEMO_WORKSPACE_FILE, 'utf8');
  } catch (err) {
    throw new ConfigError(`CHAKRA_WORKSPACE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const ws = validateWorkspace(parseWorkspaceText(text));
  const result = await ctx.db.tx(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
    if (file) {
      await applyWorkspace(tx, ws, { secrets: ctx.secrets, env });
      return { migrations, workspaceApplied: file };
    }
    const [{ n }] = await tx.query<{ n: number }>('select count(*)::int as n from teams');
    if (n > 0) return { migrations };
    const summary = await applyWorkspace(tx, ws, { secrets: ctx.secrets, env });
    const team = summary.teams[0];
    const created = await createApiKey(tx, team.id, { name: 'demo', role: 'admin', description: 'created at the first start' });
    const firstUser = ws.teams[0].users?.[0]?.username;
    const link = firstUser ? await createSignInLink(ctx, tx, team.id, firstUser) : undefined;
    // In the same transaction as the workspace: a first start cut short leaves an empty
    // database, and the next start (a first start again) writes the sample exactly once.
    const sampleData = ctx.config.demoSampleData ? await addDemoSampleData(ctx.db, tx, team.id) : undefined;
    return { migrations, workspaceApplied: DEMO_WORKSPACE_FILE, demoKey: created.key, demoSignInLink: link?.url, sampleData };
  });
  if (result.sampleData) ctx.log.info(result.sampleData, 'demo sample data added (DEMO_SAMPLE_DATA)');
  // Outside the apply's transaction: building an index on a large table takes a while.
  await ensureSortIndexes(ctx.db);
  ctx.configCache.invalidate();
  ctx.keys.clear();
  ctx.sessions.clear();
  return result;
}

/**
 * Starts this process's share of the background work (`serve --role worker|all`). The handle's
 * `stop` makes running jobs stop after their current chunk; `ctx.close()` then waits for them.
 */
export async function startWorkers(ctx: AppContext): Promise<{ stop(): Promise<void> }> {
  const workers = AREAS.flatMap((area) => area.workers ?? []).map((make) => make(ctx));
  for (const worker of workers) await worker.start();
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
}
