/**
 * What a new user meets on the first starts, run as real processes: a busy port refused in one
 * line before anything is written, the hint printed when a team has no usable admin key, and
 * the key recovered with `chakra keys create` while the server runs (on PGlite through the
 * server's control socket), with the readable log format.
 */
import net from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACE_FILE } from '../src/app.ts';
import { PACKAGE_VERSION } from '../src/core/package-version.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { runCli, startChildServer, type ChildServer } from './helpers/child-server.ts';
import { call } from './helpers/server.ts';

let db: TestDatabase;
let server: ChildServer | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await server?.stop('SIGKILL');
  await db?.drop();
});

describe(`first start (${process.env.TEST_DB ?? 'pglite'})`, () => {
  it('a busy port: one line, exit 1, nothing written (no data directory, no migration, no key)', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen({ port: 0, host: '127.0.0.1' }, () => resolve()));
    const port = (squatter.address() as net.AddressInfo).port;
    const dataDir = path.join(db.dataDir, 'never-made');
    try {
      const res = await runCli(['serve'], { ...db.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`error: port ${port} on 127.0.0.1 is in use (another chakra server?); set PORT to use another\n`);
      expect(res.stdout).toBe('');
    } finally {
      squatter.close();
    }
    expect(existsSync(dataDir)).toBe(false);
    // The database was not touched either: every migration is still pending.
    expect((await runCli(['migrate'], db.env)).stdout).toMatch(/^applied: 001_core/);
  }, 60_000);

  it('a team without a usable admin key: the start says how to make one, and `keys create` works while the server runs', async () => {
    // A workspace file instead of the demo: the team is made, no demo key is minted.
    server = await startChildServer({ ...db.env, CHAKRA_WORKSPACE: DEMO_WORKSPACE_FILE, LOG_FORMAT: 'pretty', KEY_CACHE_TTL_MS: '0' });
    const out = server.stdout();
    expect(out).not.toMatch(/Demo API key/);
    expect(out).toContain(
      'Team demo has no usable admin API key. Create one (the server may keep running): npx chakra keys create --team demo --role admin --name <name>\n',
    );
    // The readable format: ISO time, level, message, fields; the version on the ready line.
    const logLines = out.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(logLines.length).toBeGreaterThan(1);
    for (const line of logLines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \S/);
    expect(logLines.find((l) => l.includes(' chakra ready '))).toContain(`version=${PACKAGE_VERSION}`);

    const created = await runCli(['keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'recovered', '--json'], db.env);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ name: 'recovered', role: 'admin', team: 'demo', key: expect.stringMatching(/^chk_/) });
    expect((await call(server.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: key.key })).status).toBe(200);

    // Revoked by the prefix the listing shows, as copied from it (with its ellipsis).
    const list = await runCli(['keys', 'list', '--team', 'demo'], db.env);
    expect(list.stdout).toContain(`${key.keyPrefix}…  recovered  role=admin  active`);
    const revoked = await runCli(['keys', 'revoke', '--team', 'demo', `${key.keyPrefix}…`], db.env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked ${key.id} .* revoked {2}`));
    expect((await call(server.url, 'GET', '/v1/health', { key: key.key })).status).toBe(401);

    // Mistakes made through the socket read as they do locally.
    const unknown = await runCli(['keys', 'create', '--team', 'nope', '--role', 'admin', '--name', 'x'], db.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: unknown team "nope"\n');
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);
});
