/**
 * Starts the real server in this process on a random port, over a fresh test database,
 * exactly as `chakra serve` does (migrate, bootstrap, build, listen).
 */
import { Writable } from 'node:stream';
import { bootstrap, createLogger, openContext, startWorkers, type RunningContext } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestServer {
  url: string;
  ctx: RunningContext;
  db: TestDatabase;
  /** The demo team's admin key minted at the first start. */
  demoKey: string;
  /** The sign-in link for the demo team's first user (john@paisapay.com) minted at the first start. */
  demoSignInLink: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Starts the background workers, when the server was started without them. */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  existing?: TestDatabase,
  options: { workers?: boolean } = {},
): Promise<TestServer> {
  const db = existing ?? (await createTestDatabase());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  // The sandbox's pretend customer is off unless a test asks for it: its statuses would race the test's own.
  // So is the demo's sample data: tests count what they create.
  const fullEnv = { PORT: '0', LOG_LEVEL: 'info', SANDBOX_CALLBACKS: 'false', DEMO_SAMPLE_DATA: 'false', ...db.env, ...env };
  const config = loadConfig(fullEnv);
  const ctx = await openContext(config, createLogger(config.logLevel, sink));
  const boot = await bootstrap(ctx, fullEnv);
  const { app } = await buildServer(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  let workers = options.workers === false ? undefined : await startWorkers(ctx);
  const address = app.server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    ctx,
    db,
    demoKey: boot.demoKey ?? '',
    demoSignInLink: boot.demoSignInLink ?? '',
    logs,
    async startWorkers() {
      workers ??= await startWorkers(ctx);
    },
    async close() {
      await workers?.stop();
      await app.close();
      await ctx.close();
      if (!existing) await db.drop();
    },
  };
}

/** fetch with a bearer key and JSON body; returns status, headers and parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
