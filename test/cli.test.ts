/** The `chakra` command run as users run it, against a stopped server's database. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACE_FILE } from '../src/app.ts';
import { PACKAGE_VERSION } from '../src/core/package-version.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { DOTENV_BLANKS, PROJECT_DIR, runCli } from './helpers/child-server.ts';

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
    const res = await cli(
      'keys',
      'create',
      '--team',
      'demo',
      '--role',
      'inside_sales',
      '--name',
      'cli-key',
      '--expires',
      '2099-01-01T00:00:00Z',
    );
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

  it('users reset-link prints a single-use sign-in link; a user no team has is named', async () => {
    const res = await cli('users', 'reset-link', 'JOHN@paisapay.com');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^Sign-in link for john@paisapay\.com \(single use, valid until \d{4}-\d\d-\d\dT[\d:.]+Z\):\nhttp:\/\/127\.0\.0\.1:3000\/console\/setup\?token=[\w-]{43}\n$/,
    );
    const missing = await cli('users', 'reset-link', 'nobody@example.com');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: no user "nobody@example.com" in any team');
  });

  it('usage mistakes name the problem', async () => {
    expect((await cli('keys', 'create', '--team', 'demo', '--role', 'admin')).stderr).toMatch(/^error: --name is required/);
    expect((await cli('keys', 'create', '--team', 'nope', '--role', 'admin', '--name', 'x')).stderr).toMatch(/^error: unknown team "nope"/);
    expect((await cli('keys', 'create', '--team', 'demo', '--role', 'ghost', '--name', 'x')).stderr).toMatch(
      /^error: role: unknown role ghost/,
    );
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

  it('--version, `keys` alone, and --help on every command answer on stdout with exit code 0', async () => {
    const version = await cli('--version');
    expect(version).toMatchObject({ code: 0, stdout: `${PACKAGE_VERSION}\n` });
    const keys = await cli('keys');
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^Usage: chakra keys <create\|list\|revoke>/);
    for (const sub of ['create', 'list', 'revoke']) expect(keys.stdout).toMatch(new RegExp(`^  ${sub} --team <team>`, 'm'));
    const commands = [['serve'], ['migrate'], ['apply'], ['keys', 'create'], ['keys', 'list'], ['keys', 'revoke'], ['sandbox']];
    const helps = await Promise.all(commands.map((c) => cli(...c, c.length > 1 ? '-h' : '--help')));
    helps.forEach((help, i) => {
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: chakra ${commands[i].join(' ')}\\b`));
      expect(help.stderr).toBe('');
    });
  }, 60_000);

  it("a wrong command line: plain lines naming every problem, then that command's usage", async () => {
    const missing = await cli('keys', 'create');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^error: --team is required\nerror: --role is required\nerror: --name is required\n\nUsage: chakra keys create /,
    );
    const unknown = await cli('keys', 'list', '--team', 'demo', '--bogus');
    expect(unknown.stderr).toMatch(/^error: unknown option --bogus\n\nUsage: chakra keys list /);
    const noValue = await cli('serve', '--role');
    expect(noValue.stderr).toMatch(/^error: --role needs a value\n\nUsage: chakra serve /);
    const revoke = await cli('keys', 'revoke');
    expect(revoke.stderr).toMatch(/^error: --team is required\nerror: the key to revoke is required/);
    for (const res of [missing, unknown, noValue, revoke]) expect(res.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  }, 60_000);

  it('keys revoke takes the prefix keys list shows, as well as the id', async () => {
    const created = JSON.parse((await cli('keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'by-prefix', '--json')).stdout);
    const revoked = await cli('keys', 'revoke', '--team', 'demo', created.keyPrefix);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked ${created.id} {2}${created.keyPrefix}… {2}by-prefix .* revoked {2}`));
    const none = await cli('keys', 'revoke', '--team', 'demo', 'chk_nothing');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('error: team demo has no API key with the id or prefix "chk_nothing"\n');
  }, 60_000);

  it('`npx chakra … --json` and `npm run -s chakra -- … --json` print parseable JSON alone on stdout', async () => {
    const run = promisify(execFile);
    const env = { ...DOTENV_BLANKS, ...process.env, LOG_LEVEL: 'warn', ...db.env };
    const viaNpx = await run('npx', ['chakra', 'keys', 'create', '--team', 'demo', '--role', 'admin', '--name', 'npx', '--json'], {
      cwd: PROJECT_DIR,
      env,
    });
    expect(JSON.parse(viaNpx.stdout)).toMatchObject({ name: 'npx', key: expect.stringMatching(/^chk_/) });
    const viaNpm = await run('npm', ['run', '-s', 'chakra', '--', 'keys', 'list', '--team', 'demo', '--json'], { cwd: PROJECT_DIR, env });
    expect(JSON.parse(viaNpm.stdout).map((k: { name: string }) => k.name)).toContain('npx');
  }, 60_000);

  it('a .env in the working directory fills in settings, and never overrides the environment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chakra-dotenv-'));
    writeFileSync(
      path.join(dir, '.env'),
      '# settings for this directory\nexport DATA_DIR=./from-dotenv\nPORT="eighty" # a mistake, to be seen\n',
    );
    // No DATA_DIR or PORT in the environment: both come from the file.
    const fromFile = await runCli(['migrate'], {}, dir);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toBe('configuration error: PORT must be an integer from 0 to 65535, got "eighty"\n');
    // PORT set in the environment wins over the file; DATA_DIR still comes from it.
    const fromEnv = await runCli(['migrate'], { PORT: '4321' }, dir);
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stdout).toMatch(/^applied: 001_core/);
    expect(existsSync(path.join(dir, 'from-dotenv', 'pglite'))).toBe(true);
  }, 60_000);
});
