/**
 * The production start: `npm run build` writes JavaScript that the `chakra` bin runs without
 * tsx, and the built server finds the files it reads beside the code (migrations, the demo
 * workspace, package.json). The build goes into a temporary copy of the project's layout
 * (bin/, dist/, and links to node_modules, migrations, examples, package.json) with no src/,
 * so a fallback to the sources could not run, and the checkout is never touched while other
 * tests run from it.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from '../src/core/package-version.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { PROJECT_DIR, startChildServer } from './helpers/child-server.ts';
import { call } from './helpers/server.ts';

const run = promisify(execFile);
let db: TestDatabase;
let layout: string;

beforeAll(async () => {
  db = await createTestDatabase();
  layout = mkdtempSync(path.join(tmpdir(), 'chakra-built-'));
  mkdirSync(path.join(layout, 'bin'));
  copyFileSync(path.join(PROJECT_DIR, 'bin/chakra.js'), path.join(layout, 'bin/chakra.js'));
  for (const shared of ['node_modules', 'migrations', 'examples', 'package.json', 'web'])
    symlinkSync(path.join(PROJECT_DIR, shared), path.join(layout, shared));
}, 120_000);
afterAll(async () => {
  await db?.drop();
  if (layout) rmSync(layout, { recursive: true, force: true });
});

const chakra = (...args: string[]) =>
  run(process.execPath, [path.join(layout, 'bin/chakra.js'), ...args], { cwd: layout, env: { ...process.env, ...db.env } });

describe('npm run build', () => {
  it('compiles src/ into a dist/ that the bin runs without the sources', async () => {
    const build = await run(process.execPath, ['scripts/build.js', path.join(layout, 'dist')], { cwd: PROJECT_DIR });
    expect(build.stdout).toMatch(/built .*dist\//);
    expect(existsSync(path.join(layout, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(path.join(layout, 'dist/.build-stamp.json'))).toBe(true);
    expect(existsSync(path.join(layout, 'dist/app.test.js'))).toBe(false);
    const version = await chakra('--version');
    expect(version.stdout.trim()).toBe(PACKAGE_VERSION);
  }, 180_000);

  it('the built server migrates, applies the demo workspace, serves, and stops on SIGTERM', async () => {
    const server = await startChildServer(db.env, [process.execPath, path.join(layout, 'bin/chakra.js'), 'serve']);
    try {
      const key = /^Demo API key: (\S+)$/m.exec(server.stdout())?.[1];
      expect(key, server.stdout()).toBeDefined();
      expect((await call(server.url, 'GET', '/v1/ext/config', { key })).status).toBe(200);
      // The console is web/dist beside the build, shipped with it.
      expect((await call(server.url, 'GET', '/console/')).text).toContain('<div id="root"></div>');
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
  }, 60_000);

  it('a build older than src/ is not run: the bin says so and runs the sources', async () => {
    symlinkSync(path.join(PROJECT_DIR, 'src'), path.join(layout, 'src'));
    writeFileSync(path.join(layout, 'dist/.build-stamp.json'), JSON.stringify({ builtFrom: 0 }));
    const stale = await chakra('--version');
    expect(stale.stdout.trim()).toBe(PACKAGE_VERSION);
    expect(stale.stderr).toMatch(/src\/ changed since `npm run build`; running from source/);
  }, 60_000);
});
