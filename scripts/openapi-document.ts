/**
 * `npm run openapi`: writes the OpenAPI document the server serves at /openapi.json to
 * sdk/openapi.json (or the file given), from the route schemas, without listening or touching a
 * real database (a throw-away embedded one). The typed client is generated from that file, and
 * CI regenerates both and fails when either differs from what is committed (docs/sdk.md).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, openContext } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { buildServer } from '../src/server.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const target = path.resolve(root, process.argv[2] ?? 'sdk/openapi.json');
const dataDir = mkdtempSync(path.join(tmpdir(), 'chakra-openapi-'));
try {
  // The committed document names the address a fresh `npm start` listens on.
  const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' });
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const ctx = await openContext(config, createLogger('error', quiet), { queue: false });
  try {
    const { app } = await buildServer(ctx);
    await app.ready();
    writeFileSync(target, `${JSON.stringify(app.swagger(), null, 2)}\n`);
    await app.close();
  } finally {
    await ctx.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`wrote ${path.relative(process.cwd(), target)}`);
