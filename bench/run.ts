import { spawnSync } from 'node:child_process';
import { PROJECT_DIR } from './support.ts';

/** `npm run bench -- <name>`: runs bench/<name>.ts; its figures end stdout as one JSON line. */
const BENCHES = ['core', 'processes', 'bulk', 'whatsapp', 'webhooks', 'console'];

const name = process.argv[2];
if (!name || !BENCHES.includes(name)) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}>`);
  process.exit(2);
}
// Benchmarks measure what operators run: the JavaScript `npm run build` emits (docs/deployment.md),
// rebuilt here so that the figures are never those of stale code.
const build = spawnSync(process.execPath, ['scripts/build.js'], { cwd: PROJECT_DIR, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { run } = (await import(`./${name}.ts`)) as { run: () => Promise<Record<string, unknown>> };
const figures = await run();
console.log(JSON.stringify(figures));
