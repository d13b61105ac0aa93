/**
 * @chakra-server/sdk as it is published: `tsc -p sdk/tsconfig.json` builds ESM and declarations,
 * laid out as an install would be (node_modules/@chakra-server/sdk with package.json and dist/,
 * beside openapi-fetch) in a temporary directory, so the checkout is never touched. Plain Node
 * imports it by name and calls a real server; a TypeScript consumer type-checks against it. The
 * sources use nothing of Node, so the same code runs in a browser.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/child-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const SDK = path.join(PROJECT_DIR, 'sdk');
let layout: string;
let installed: string;
let s: TestServer;

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

beforeAll(async () => {
  layout = mkdtempSync(path.join(tmpdir(), 'chakra-sdk-'));
  installed = path.join(layout, 'node_modules/@chakra-server/sdk');
  mkdirSync(installed, { recursive: true });
  cpSync(path.join(SDK, 'package.json'), path.join(installed, 'package.json'));
  for (const dep of ['openapi-fetch', 'openapi-typescript-helpers'])
    symlinkSync(path.join(PROJECT_DIR, 'node_modules', dep), path.join(layout, 'node_modules', dep));
  writeFileSync(path.join(layout, 'package.json'), '{"type": "module"}\n');
  s = await startTestServer();
}, 120_000);
afterAll(async () => {
  await s?.close();
  if (layout) rmSync(layout, { recursive: true, force: true });
});

describe('the published package', () => {
  it('has the fields a registry needs: its own name, the root version, ESM, exports with types, dist only', () => {
    const pkg = JSON.parse(readFileSync(path.join(SDK, 'package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@chakra-server/sdk',
      version: root.version,
      type: 'module',
      sideEffects: false,
      files: ['dist'],
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      dependencies: { 'openapi-fetch': '0.17.0' },
    });
    expect(root.workspaces).toEqual(['sdk', 'web']);
  });

  it('its sources import nothing from Node (they run in browsers too)', () => {
    // generated/ is declarations only (its descriptions mention processes, not `process`).
    for (const file of filesUnder(path.join(SDK, 'src')).filter((f) => !f.includes(`${path.sep}generated${path.sep}`))) {
      const text = readFileSync(file, 'utf8');
      expect(/from ['"]node:|require\(|\bprocess\.|\bBuffer\b/.test(text), file).toBe(false);
    }
  });

  it('builds into ESM with declarations, which plain Node imports by name and runs against the server', async () => {
    await run(
      path.join(PROJECT_DIR, 'node_modules/.bin/tsc'),
      ['-p', path.join(SDK, 'tsconfig.json'), '--outDir', path.join(installed, 'dist')],
      {
        cwd: PROJECT_DIR,
      },
    );
    expect(existsSync(path.join(installed, 'dist/index.js'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/index.d.ts'))).toBe(true);
    for (const file of filesUnder(path.join(installed, 'dist')).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](node:|\.\.?\/[^'"]+\.ts['"])/);
    }
    const script = `
      import { createClient, ChakraApiError } from '@chakra-server/sdk';
      const client = createClient({ baseUrl: process.env.BASE_URL, apiKey: process.env.API_KEY });
      const config = await client.config.get();
      const error = await client.processes.get('lead', '00000000-0000-4000-8000-000000000000').catch((e) => e);
      console.log(config.team.shortId, error instanceof ChakraApiError, error.status, error.code);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: layout,
      env: { ...process.env, BASE_URL: s.url, API_KEY: s.demoKey },
    });
    expect(stdout.trim()).toBe('demo true 404 NOT_FOUND');
  }, 120_000);

  it('type-checks a consumer against the declarations (operation types flow into the facade)', async () => {
    writeFileSync(
      path.join(layout, 'consumer.ts'),
      [
        "import { createClient, type operations } from '@chakra-server/sdk';",
        "const client = createClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'chk_' });",
        'export async function main(): Promise<number> {',
        "  const lead = await client.processes.create('lead', { data: { lead_id: 'L-1' }, state: 'NEW' });",
        '  // @ts-expect-error status is one of OPEN, COMPLETED, CANCELLED',
        "  await client.processes.update('lead', lead.id, { status: 'DONE' });",
        "  const raw = await client.raw.GET('/v1/ext/background-job/{id}', { params: { path: { id: 'j' } } });",
        "  const job: operations['getBackgroundJob']['responses'][200]['content']['application/json']['_data'] | undefined = raw.data?._data;",
        '  return lead.createdAt + (job?.total ?? 0);',
        '}',
      ].join('\n'),
    );
    writeFileSync(
      path.join(layout, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          lib: ['ES2022', 'DOM'],
          types: [],
        },
        files: ['consumer.ts'],
      }),
    );
    // Built by the test before; vitest runs a file's tests in order.
    expect(existsSync(path.join(installed, 'dist/index.d.ts'))).toBe(true);
    const result = await run(path.join(PROJECT_DIR, 'node_modules/.bin/tsc'), ['-p', layout]).catch((e) => e);
    expect(result.stdout ?? '', result.stderr).toBe('');
  }, 120_000);
});
