#!/usr/bin/env node
// `npm run build`: compiles src/ to JavaScript in dist/ (or the directory given), which
// bin/chakra.js then runs instead of the TypeScript sources. dist/ mirrors src/, so the files
// the code reads beside it (migrations/, examples/, package.json) are found from either.
// The stamp records when the build began: bin/chakra.js ignores a build older than src/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'error: building needs TypeScript, a dev dependency: install with `npm ci` (not --omit=dev), build, then `npm prune --omit=dev`\n',
  );
  process.exit(1);
}

const builtFrom = Date.now();
rmSync(outDir, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, '.build-stamp.json'), `${JSON.stringify({ builtFrom })}\n`);
console.log(`built ${path.relative(root, outDir) || '.'}/`);
