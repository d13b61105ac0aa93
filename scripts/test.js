#!/usr/bin/env node
// `npm test`: the whole suite on the embedded database (PGlite), then everything that touches
// a database again on the machine's PostgreSQL. TEST_DB=pglite or TEST_DB=postgres runs one pass.
// Extra arguments go to vitest (e.g. `npm test -- test/auth.test.ts`).
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const only = process.env.TEST_DB;
const passes = [
  { backend: 'pglite', args: extra },
  // Unit tests beside the code do not touch a database; the integration tests in test/ do. The
  // CLI's own tests (3 minutes of one-shot commands) run on PGlite only: on PostgreSQL the CLI is
  // exercised by the process lifecycle and crash tests, which start and stop it on DATABASE_URL.
  { backend: 'postgres', args: extra.length ? extra : ['test/', '--exclude', 'test/cli.test.ts'] },
].filter((p) => !only || p.backend === only);

for (const pass of passes) {
  console.log(`\n=== tests on ${pass.backend} ===`);
  const result = spawnSync('npx', ['vitest', 'run', ...pass.args], { stdio: 'inherit', env: { ...process.env, TEST_DB: pass.backend } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
