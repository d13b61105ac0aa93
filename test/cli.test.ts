/** The `chakra` command run as users run it, against a stopped server's database. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACE_FILE } from '../src/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { runCli } from './helpers/child-server.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const cli = (...args: string[]) => runCli(args, db.env);

describe('chakra CLI', () => {
  it('migrate applies once, then reports the database up to date', async () => {
    expect((await cli('migrate')).stdout).toMatch(/^applied: 001_core/);
    expect((await cli('migrate')).stdout.trim()).toBe('database is up to date');
  });

  it('apply creates, then changes nothing the second time', async () => {
    const first = await cli('apply', DEMO_WORKSPACE_FILE);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/: \d+ created, 0 updated, 0 unchanged \(teams: demo\)/);
    expect(first.stdout).toMatch(/generated sandbox secret: teams\[0\]\.whatsappPlugins\[0\]\.accessToken/);
    const second = await cli('apply', DEMO_WORKSPACE_FILE);
    expect(second.stdout).toMatch(/: 0 created, 0 updated, \d+ unchanged/);
    expect(second.stdout).not.toMatch(/generated/);
  });

  it('apply refuses an invalid file with every problem on its own line and exit code 1', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'chakra-ws-')), 'bad.yaml');
    writeFileSync(
      file,
      'version: 1\nteams:\n  - shortId: demo\n    name: Demo\n    procedures:\n      - shortId: p\n        name: P\n' +
        '        attributes: [{ shortId: a, name: A, type: strng }]\n' +
        '        states: [{ shortId: NEW, name: New, status: OPEN, default: start }, { shortId: NEW, name: Again, status: OPEN }]\n',
    );
    const res = await cli('apply', file);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      'error: teams[0].procedures[0].attributes[0].type: unknown type "strng"',
      'error: teams[0].procedures[0].states: duplicate shortId NEW',
    ]);
    expect((await cli('apply', '/no/such/file.yaml')).stderr).toMatch(/^error: cannot read \/no\/such\/file\.yaml: ENOENT/);
  });

  it('keys create prints the key alone on the last line; --json prints an object', async () => {
    const res = await cli('keys', 'create', '--team', 'demo', '--role', 'inside_sales', '--name', 'cli-key', '--expires', '2099-01-01T00:00:00Z');
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^chk_[A-Za-z0-9_-]{43}$/);
    expect(lines[0]).toMatch(/^Created API key "cli-key" \(.+\) for team demo, role inside_sales, expires 2099-01-01T00:00:00.000Z\.$/);

    const json = await cli('keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'json-key', '--json');
    const created = JSON.parse(json.stdout);
    expect(created).toMatchObject({ name: 'json-key', role: 'admin', team: 'demo', key: expect.stringMatching(/^chk_/) });
  });

  it('keys list shows no secrets; keys revoke marks the key revoked', async () => {
    const created = JSON.parse((await cli('keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'to-revoke', '--json')).stdout);
    const list = await cli('keys', 'list', '--team', 'demo');
    expect(list.stdout).toMatch(new RegExp(`${created.id} {2}chk_\\S+… {2}to-revoke {2}role=admin {2}active`));
    expect(list.stdout).not.toContain(created.key);
    const revoked = await cli('keys', 'revoke', '--team', 'demo', created.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked .* revoked {2}expires=never/);
  });

  it('usage mistakes name the problem', async () => {
    expect((await cli('keys', 'create', '--team', 'demo', '--role', 'admin')).stderr).toMatch(/^error: --name is required/);
    expect((await cli('keys', 'create', '--team', 'nope', '--role', 'admin', '--name', 'x')).stderr).toMatch(/^error: unknown team "nope"/);
    expect((await cli('keys', 'create', '--team', 'demo', '--role', 'ghost', '--name', 'x')).stderr).toMatch(/^error: role: unknown role ghost/);
    expect((await cli('keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'x', '--expires', 'soon')).stderr).toMatch(
      /^error: expiresAt: must be an ISO-8601 time or epoch milliseconds/,
    );
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown command "frobnicate"\n\nUsage: chakra <command>/);
    expect((await cli('serve', '--role', 'boss')).stderr).toMatch(/^error: --role must be api, worker or all, got "boss"/);
    // Four of these open the embedded database one after another (it admits one process at a time).
  }, 120_000);

  it('a malformed setting stops the process with one line naming the variable', async () => {
    const res = await runCli(['migrate'], { ...db.env, PORT: 'eighty' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('configuration error: PORT must be an integer from 0 to 65535, got "eighty"\n');
    const noKey = await runCli(['serve'], { DATA_DIR: db.dataDir, DATABASE_URL: 'postgres://127.0.0.1/x', CHAKRA_SECRET_KEY: '' });
    expect(noKey.stderr).toMatch(/^configuration error: CHAKRA_SECRET_KEY is required when DATABASE_URL is set/);
    const missing = await runCli(['serve'], { ...db.env, CHAKRA_WORKSPACE: '/no/such/workspace.yaml' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('configuration error: CHAKRA_WORKSPACE: cannot read /no/such/workspace.yaml: ENOENT\n');
  });
});
