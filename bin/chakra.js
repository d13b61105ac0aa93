#!/usr/bin/env node
// The `chakra` command. Runs the JavaScript that `npm run build` wrote to dist/ when it is there
// and was built from the sources as they are now; otherwise the TypeScript sources through
// tsx's loader (a checkout without a build, or edited since), which compiles at every start.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/cli/main.js', root);

/** When the build began (written by scripts/build.js), or undefined without a complete build. */
function builtFrom() {
  try {
    return JSON.parse(readFileSync(new URL('dist/.build-stamp.json', root), 'utf8')).builtFrom;
  } catch {
    return undefined;
  }
}

/** The newest modification time of the code under src/, tests aside (0 when src/ is not shipped). */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const child = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(child));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(child).mtimeMs);
  }
  return newest;
}

const stamp = builtFrom();
if (stamp !== undefined && existsSync(built) && newestSource(new URL('src/', root)) <= stamp) {
  await import(built.href);
} else {
  if (stamp !== undefined)
    process.stderr.write('chakra: src/ changed since `npm run build`; running from source (rebuild for a fast start)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
