/**
 * The server as users run it: real `npm start` / `chakra serve` child processes, signals,
 * restarts, a second process on the same database, and the CLI beside a running server.
 * Runs on the backend TEST_DB selects; where the backends differ by design (PGlite is one
 * process per data directory) each backend's own promise is asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { runCli, startChildServer, type ChildServer } from './helpers/child-server.ts';
import { call } from './helpers/server.ts';

const demoKeyLines = (out: string) => out.split('\n').filter((l) => l.startsWith('Demo API key: '));

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
    expect((await call(first.url, 'GET', '/v1/health', { key: demoKey })).status).toBe(200);
    const created = await call(first.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: demoKey, body: { name: 'survivor', role: 'inside_sales' } });
    expect(created.status).toBe(200);
    createdKey = created.json._data.key;
  });

  it('the CLI beside a running server: refuses on PGlite with a clear message, works on PostgreSQL', async () => {
    const res = await runCli(['keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'cli'], db.env);
    if (db.backend === 'pglite') {
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/is in use by process \d+ \(a running chakra server\)/);
      expect(res.stderr).toMatch(/use the admin API \(docs\/cli\.md\) or stop the server first/);
      expect(res.stdout).toBe('');
    } else {
      expect(res.code, res.stderr).toBe(0);
      const key = res.stdout.trim().split('\n').at(-1)!;
      expect((await call(first.url, 'GET', '/v1/health', { key })).status).toBe(200);
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
      const doomed = await call(first.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: demoKey, body: { name: 'doomed', role: 'inside_sales' } });
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
    const inflight = call(first.url, 'GET', '/v1/ext/config', { key: demoKey });
    await first.stop('SIGTERM'); // npm itself dies of the signal; the server below it must stop cleanly
    expect((await inflight).status).toBe(200);
    expect(first.stdout()).toMatch(/"msg":"stopped"/);

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
