/** What every benchmark shares: a throwaway database, server child processes, autocannon runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

export const PROJECT_DIR = fileURLToPath(new URL('../', import.meta.url));
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's entry point as `npm run build` emits it (bench/run.ts builds before every run). */
export const SERVER_MAIN = 'dist/cli/main.js';

export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `chakra_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export interface Child {
  url: string;
  pid: number;
  stdout: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts an entry point (TypeScript or built JavaScript) on a free port and waits until /healthz (or /) answers. */
export async function startChild(args: string[], env: Record<string, string>, readyPath = '/healthz'): Promise<Child> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`${args.join(' ')} exited before it was ready:\n${stdout}`);
    if (i > 600) throw new Error(`${args.join(' ')} not ready after 60 s`);
    const ok = await fetch(url + readyPath).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    get stdout() {
      return stdout;
    },
    stop: () =>
      new Promise<void>((r) => {
        if (exited) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `chakra serve` on a benchmark database, rate limits out of the way and request logging off
 * (the baseline has none); returns the child and the demo key it printed.
 */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<{ server: Child; key: string }> {
  const server = await startChild([SERVER_MAIN, 'serve'], {
    DATABASE_URL: databaseUrl,
    CHAKRA_SECRET_KEY: 'c'.repeat(64),
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    LOG_LEVEL: 'warn',
    ...env,
  });
  return { server, key: /Demo API key: (\S+)/.exec(server.stdout)![1] };
}

/** A JSON client for the API with one key; any non-2xx answer throws with its body. */
export function jsonApi(baseUrl: string, key: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };
}

export interface LoadResult {
  /** Median of the per-second request counts. */
  rps: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
}

export interface LoadOptions {
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
  method?: 'GET' | 'POST' | 'PUT';
  /** A fresh JSON body for every request. */
  body?: () => unknown;
}

export async function load(url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const body = options.body;
  const result = await autocannon({
    url,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 10,
    method: options.method ?? 'GET',
    headers: { ...options.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { requests: [{ setupRequest: (req: any) => ({ ...req, body: JSON.stringify(body()) }) }] } : {}),
  });
  return { rps: result.requests.p50, p50ms: result.latency.p50, p99ms: result.latency.p99, non2xx: result.non2xx };
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; counted from the state field (3) here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/**
 * The server's own CPU time per request over `requests` requests (50 connections): far steadier
 * than throughput on a machine whose speed drifts, and blind to what the load generator costs.
 */
export async function cpuPerRequest(pid: number, url: string, headers: Record<string, string> = {}, requests = 60_000): Promise<number> {
  const before = cpuMs(pid);
  const result = await autocannon({ url, connections: 50, amount: requests, headers });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} responses were not 2xx`);
  return ((cpuMs(pid) - before) * 1000) / requests;
}

/**
 * The raw-driver yardstick: `workers` loops each running `op` back to back for `seconds`;
 * returns the median of the per-second operation counts.
 */
export async function rawLoop(op: () => Promise<unknown>, seconds: number, workers = 50): Promise<number> {
  const perSecond: number[] = [];
  let count = 0;
  const end = Date.now() + seconds * 1000;
  const ticker = setInterval(() => {
    perSecond.push(count);
    count = 0;
  }, 1000);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        await op();
        count++;
      }
    }),
  );
  clearInterval(ticker);
  const sorted = perSecond.sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * `rows` leads of the demo team written in one SQL statement (no history, no events: the data a
 * team has before the benchmark starts), spread over the lead's states in order, 30 s apart in
 * time, a third with a next action; then VACUUM ANALYZE.
 */
export async function seedLeads(
  pool: pg.Pool,
  ids: { team: string; procedure: string; entity: string; states: string[]; statuses: string[] },
  rows: number,
): Promise<void> {
  await pool.query(
    `insert into processes (id, team_id, procedure_id, entity_id, status, state_id, data, pk_value, created_at, updated_at, next_action_at)
     select gen_random_uuid(), $1, $2, $3, ($5::text[])[1 + g % $7], ($4::uuid[])[1 + g % $7],
            jsonb_build_object('lead_id', 'B-' || g, 'firstname', 'n' || (g % 1000), 'score', g % 11,
                               'source', (array['web', 'referral', 'walk_in', 'whatsapp'])[1 + g % 4]),
            'B-' || g, ts, ts, case when g % 3 = 0 then ts + make_interval(days => g % 90) end
       from generate_series(1, $6::int) g, lateral (select now() - make_interval(secs => g * 30) as ts) t`,
    [ids.team, ids.procedure, ids.entity, ids.states, ids.statuses, rows, ids.states.length],
  );
  await pool.query('vacuum analyze processes');
}
