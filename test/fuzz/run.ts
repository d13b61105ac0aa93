/**
 * `npm run fuzz`: starts the real server in this process on a fresh embedded database, fuzzes
 * every operation of its /openapi.json over HTTP, prints the report and exits 1 on any failure.
 *
 *   FUZZ_SECONDS=60        how long to send requests
 *   FUZZ_SEED=123          the seed (printed on every run; the same seed sends the same requests)
 *   FUZZ_PATH=42           with FUZZ_SEED: replay only that batch (printed beside each failure)
 *   FUZZ_CONCURRENCY=4     requests in flight at once
 *   FUZZ_ONLY='photo'      only operations whose "METHOD /path" matches this regular expression
 *   TEST_DB=postgres       run on the machine's PostgreSQL instead of PGlite
 */
import { startTestServer } from '../helpers/server.ts';
import { formatReport, runFuzzSession } from './fuzz-session.ts';

/** The app secret the demo plugin verifies Meta's signatures with, during the run. */
const APP_SECRET = 'fuzz-app-secret';
const VERIFY_TOKEN = 'fuzz-verify-token';

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${v}`);
  return n;
};

const seed = num('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
const seconds = num('FUZZ_SECONDS', 60);
console.log(`fuzz: seed ${seed} (replay with FUZZ_SEED=${seed}), ${seconds} s`);

const server = await startTestServer({
  DEMO_WHATSAPP_APP_SECRET: APP_SECRET,
  DEMO_WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
  // The run sends thousands of requests from one key: the rate limit is not what is under test.
  RATE_LIMIT_PER_SECOND: '1000000',
  LOG_LEVEL: 'warn',
});
let exitCode = 0;
try {
  const report = await runFuzzSession(server, server.demoKey, {
    seconds,
    seed,
    concurrency: num('FUZZ_CONCURRENCY', 4),
    requestTimeoutMs: num('FUZZ_REQUEST_TIMEOUT_MS', 20_000),
    replayPath: process.env.FUZZ_PATH || undefined,
    only: process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    log: (line) => console.log(line),
  });
  console.log(`\n${formatReport(report)}`);
  if (report.failures.length || report.keptDataProblems.length || report.afterRunProblems.length) exitCode = 1;
} finally {
  await server.close();
}
process.exit(exitCode);
