/**
 * The server as users run it: real `npm start` / `chakra serve` child processes, signals,
 * restarts, a second process on the same database, and the CLI beside a running server.
 * Runs on the backend TEST_DB selects; where the backends differ by design (PGlite is one
 * process per data directory) each backend's own promise is asserted.
 */
import { statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from '../src/core/package-version.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { runCli, startChildServer, type ChildServer } from './helpers/child-server.ts';
import { call } from './helpers/server.ts';

const demoKeyLines = (out: string) => out.split('\n').filter((l) => l.startsWith('Demo API key: '));

const processGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/**
 * A request the server is surely handling when a signal comes: headers and the start of the
 * body now, the rest when `finish` is called. (A request merely sent before the signal may
 * still be unread on a connection the shutdown closes as idle.)
 */
function requestInTwoParts(url: string, key: string) {
  const body = JSON.stringify({ limit: 5 });
  const req = http.request(`${url}/v1/ext/procedure/lead/process/list`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
  });
  req.write(body.slice(0, 5));
  return { answer, finish: () => req.end(body.slice(5)) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether something can listen on the port again (the stopped server let go of it). */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });

let db: TestDatabase;
const running: ChildServer[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL');
  await db?.drop();
});

async function start(env: Record<string, string> = {}, command?: string[]) {
  const server = await startChildServer({ ...db.env, ...env }, command);
  running.push(server);
  return server;
}

describe(`server process lifecycle (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let first: ChildServer;
  let demoKey: string;
  let createdKey: string;

  it('npm start prints the demo key exactly once and serves with it', async () => {
    first = await start({}, ['npm', 'start', '--silent']);
    const lines = demoKeyLines(first.stdout());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Demo API key: chk_[A-Za-z0-9_-]{43}$/);
    demoKey = lines[0].slice('Demo API key: '.length);
    // Next to it, where the console is and the demo user's sign-in link.
    const out = first.stdout();
    expect(out).toContain(
      `Demo API key: ${demoKey}\nConsole: ${first.url}/console\nDemo sign-in link (valid 24 h): ${first.url}/console/setup?token=`,
    );
    // Logs: ISO timestamps, and the version on the ready line.
    const ready = JSON.parse(
      first
        .stdout()
        .split('\n')
        .find((l) => l.includes('"chakra ready"'))!,
    );
    expect(ready).toMatchObject({ version: PACKAGE_VERSION, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
    expect((await call(first.url, 'GET', '/v1/health', { key: demoKey })).status).toBe(200);
    const created = await call(first.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: demoKey,
      body: { name: 'survivor', role: 'inside_sales' },
    });
    expect(created.status).toBe(200);
    createdKey = created.json._data.key;
  });

  it('the CLI beside a running server: `keys` works on both backends (PGlite: through the control socket), other commands wait on PGlite', async () => {
    const res = await runCli(['keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'cli'], db.env);
    expect(res.code, res.stderr).toBe(0);
    const key = res.stdout.trim().split('\n').at(-1)!;
    expect((await call(first.url, 'GET', '/v1/health', { key })).status).toBe(200);
    if (db.backend === 'pglite') {
      expect(statSync(path.join(db.dataDir, 'chakra.sock')).mode & 0o777).toBe(0o600);
      const migrate = await runCli(['migrate'], db.env);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toMatch(/^error: the embedded database in .* is in use by process \d+ \(a running chakra server\)\.\n/);
      expect(migrate.stderr).toMatch(/for this command stop the server first, or use the admin API \(docs\/cli\.md\)/);
      expect(migrate.stdout).toBe('');
    }
  });

  it('a second server on the same database: refused on PGlite, serves alongside on PostgreSQL', async () => {
    if (db.backend === 'pglite') {
      const err = await startChildServer(db.env).catch((e: Error) => e);
      expect(String(err)).toMatch(/exited with 1 before ready/);
      expect(String(err)).toMatch(/embedded database in .* is in use by process \d+/);
    } else {
      const second = await start({ KEY_CACHE_TTL_MS: '500' });
      expect(demoKeyLines(second.stdout())).toHaveLength(0);
      // A key revoked through one instance is refused by the other once its cache entry ages out.
      const doomed = await call(first.url, 'POST', '/v1/admin/teams/demo/api-keys', {
        key: demoKey,
        body: { name: 'doomed', role: 'inside_sales' },
      });
      expect((await call(second.url, 'GET', '/v1/health', { key: doomed.json._data.key })).status).toBe(200);
      expect((await call(first.url, 'DELETE', `/v1/admin/teams/demo/api-keys/${doomed.json._data.id}`, { key: demoKey })).status).toBe(200);
      expect((await call(first.url, 'GET', '/v1/health', { key: doomed.json._data.key })).status).toBe(401);
      await new Promise((r) => setTimeout(r, 600));
      expect((await call(second.url, 'GET', '/v1/health', { key: doomed.json._data.key })).json._meta.code).toBe('API_KEY_REVOKED');
      const [a, b] = await Promise.all([
        call(first.url, 'GET', '/v1/ext/config', { key: createdKey }),
        call(second.url, 'GET', '/v1/ext/config', { key: createdKey }),
      ]);
      expect(b.json._data).toEqual(a.json._data);
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    // The first server is unaffected.
    expect((await call(first.url, 'GET', '/v1/health', { key: demoKey })).status).toBe(200);
  });

  it('SIGTERM finishes cleanly, and a restart keeps every key and never prints the demo key again', async () => {
    const inflight = requestInTwoParts(first.url, demoKey);
    await sleep(300);
    // To the `npm start` process alone, as a supervisor signals the one pid it started: npm
    // hands it on to the server it exec'd (no shell between them) and exits with it.
    const exited = first.signal('SIGTERM');
    await sleep(300);
    inflight.finish();
    const answer = await inflight.answer;
    expect(answer.status, answer.text).toBe(200);
    expect(await exited).toBe(0);
    expect(first.stdout()).toMatch(/"msg":"stopped"/);
    expect(processGone(first.serverPid)).toBe(true);
    expect(await portFree(Number(new URL(first.url).port))).toBe(true);

    const again = await start();
    expect(demoKeyLines(again.stdout())).toHaveLength(0);
    expect((await call(again.url, 'GET', '/v1/health', { key: demoKey })).status).toBe(200);
    expect((await call(again.url, 'GET', '/v1/health', { key: createdKey })).status).toBe(200);
    expect(await again.stop('SIGTERM')).toBe(0);
  });

  it('the CLI works once the server has stopped', async () => {
    const res = await runCli(['keys', 'list', '--team', 'demo', '--json'], db.env);
    expect(res.code, res.stderr).toBe(0);
    const names = JSON.parse(res.stdout).map((k: any) => k.name);
    expect(names).toEqual(expect.arrayContaining(['demo', 'survivor']));
  });
});

describe('concurrent start', () => {
  let fresh: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase();
  });
  afterAll(() => fresh?.drop());

  it('two processes started at once on one fresh database migrate once and mint one demo key (PostgreSQL) / one wins (PGlite)', async () => {
    const results = await Promise.allSettled([startChildServer(fresh.env), startChildServer(fresh.env)]);
    const up = results.filter((r): r is PromiseFulfilledResult<ChildServer> => r.status === 'fulfilled').map((r) => r.value);
    running.push(...up);
    const keys = up.flatMap((server) => demoKeyLines(server.stdout()));
    expect(keys).toHaveLength(1);
    if (fresh.backend === 'postgres') {
      const refusals = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      expect(up, refusals.join('\n')).toHaveLength(2);
      const key = keys[0].slice('Demo API key: '.length);
      for (const server of up) expect((await call(server.url, 'GET', '/v1/health', { key })).status).toBe(200);
      const migrations = await runCli(['migrate'], fresh.env);
      expect(migrations.stdout.trim()).toBe('database is up to date');
    } else {
      expect(up).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(String(refused.reason)).toMatch(/is in use by process/);
    }
    for (const server of up) expect(await server.stop('SIGTERM')).toBe(0);
  });
});
