/**
 * A short run of the fuzzer (test/fuzz/, `npm run fuzz` for a long one) on every `npm test`:
 * hostile requests to every operation of /openapi.json, and afterwards the server alive and the
 * data nothing could name unchanged. On both backends: what the database refuses differs between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { formatReport, runFuzzSession, type FailureRecord } from './fuzz/fuzz-session.ts';

const APP_SECRET = 'fuzz-app-secret';
const VERIFY_TOKEN = 'fuzz-verify-token';
/** Fixed, so that a failure here replays with `FUZZ_SEED=… npm run fuzz`; FUZZ_SEED overrides it. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const SECONDS = Number(process.env.FUZZ_TEST_SECONDS ?? 25);

/**
 * Failures known and being fixed: the run lists them but does not fail on them. Remove an entry
 * with its fix, so that the fuzzer guards it from then on. Empty: everything it found is fixed.
 */
const KNOWN_OPEN: { kind: FailureRecord['kind']; operation: RegExp; why: string }[] = [];

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    DEMO_WHATSAPP_APP_SECRET: APP_SECRET,
    DEMO_WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    RATE_LIMIT_PER_SECOND: '1000000',
    LOG_LEVEL: 'warn',
  });
});
afterAll(() => s?.close());

describe('fuzzing every operation', () => {
  it(
    'no 5xx, always the envelope and a request id, 2xx bodies as declared, the server alive and kept data intact',
    async () => {
      const report = await runFuzzSession(s, s.demoKey, {
        seconds: SECONDS,
        seed: SEED,
        concurrency: 4,
        requestTimeoutMs: 20_000,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
      });
      console.log(formatReport(report));
      const unexpected = report.failures.filter((f) => !KNOWN_OPEN.some((k) => k.kind === f.kind && k.operation.test(f.operation)));
      expect(unexpected.map((f) => `${f.kind} ${f.operation} → ${f.status}: ${f.detail}\n  ${f.curl}\n  ${f.replay} npm run fuzz`)).toEqual(
        [],
      );
      expect(report.afterRunProblems).toEqual([]);
      expect(report.keptDataProblems).toEqual([]);
      expect(report.requests).toBeGreaterThan(200);
    },
    SECONDS * 1000 + 90_000,
  );
});
