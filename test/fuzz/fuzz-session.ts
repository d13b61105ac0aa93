/**
 * One fuzzing session against a running server: create the fixtures, send batches of generated
 * requests until the time is up, check every answer, then check the server is alive and the
 * kept data intact. Distinct failures are collected (not stopped at) so one run lists them all.
 */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import type { TestServer } from '../helpers/server.ts';
import { checkAfterRun } from './after-run-checks.ts';
import { ResponseSchemas, checkAnswer, type FailureKind } from './answer-checks.ts';
import { checkKeptData, createFixtures } from './fixtures.ts';
import { NoAnswer, curlLine, sendFuzzRequest, sendTruncatedRequest, type FuzzAnswer, type FuzzRequest } from './fuzz-request.ts';
import { startHealthzPoller, type HealthzStats } from './healthz-poller.ts';
import { attributeStalls, startStallRecorder, type RequestSpan } from './loop-stalls.ts';
import { readOperations } from './operations.ts';
import { requestArbitrary, type RequestContext } from './request-arbitrary.ts';

export interface FuzzOptions {
  seconds: number;
  seed: number;
  /** Requests in flight at once (one fast-check run is one batch of this many). */
  concurrency: number;
  requestTimeoutMs: number;
  /** Replays one batch: the `FUZZ_PATH` printed beside a failure. */
  replayPath?: string;
  /** Only operations whose `METHOD /path` matches. */
  only?: RegExp;
  /** The demo plugin's app secret and verify token the server was started with. */
  appSecret: string;
  verifyToken: string;
  log?: (line: string) => void;
}

export interface FailureRecord {
  kind: FailureKind;
  operation: string;
  status: number | string;
  detail: string;
  count: number;
  example: FuzzRequest;
  curl: string;
  /** `FUZZ_SEED=… FUZZ_PATH=…`: replays the batch that first showed it. */
  replay: string;
  /** For a 5xx: what the server logged under that request id. */
  cause?: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  batches: number;
  statusCounts: Record<string, number>;
  failures: FailureRecord[];
  keptDataProblems: string[];
  /** Problems after the run: health, the admin key, inbound processing (after-run-checks.ts). */
  afterRunProblems: string[];
  healthz: HealthzStats;
  maxEventLoopDelayMs: number;
  /** The longest event-loop stalls and the requests in flight during each. */
  stalls: { ms: number; suspects: string[] }[];
  /** Operations no request got a 2xx from: the generators never got past their checks. */
  neverSucceeded: string[];
  slowest: { operation: string; ms: number; status: number | string; notes: string; curl: string }[];
  /** Error lines the server logged that no answer showed (background work). */
  loggedErrors: { message: string; count: number }[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const normalise = (s: string) => s.replace(UUID, '<id>').replace(/\d+/g, 'N').slice(0, 120);

/**
 * Failures of the HTTP edge (answered before any route ran) look the same on every operation:
 * one entry for all of them, not one per operation.
 */
const EDGE_KINDS = new Set<FailureKind>(['not-an-envelope', 'no-request-id', 'request-id-mismatch']);

function causeFromLogs(s: TestServer, requestId: string | undefined): string | undefined {
  if (!requestId) return undefined;
  const line = s.logs.find((l) => l.reqId === requestId && Number(l.level) >= 50);
  const err = line?.err as { message?: string; stack?: string } | undefined;
  if (!err) return undefined;
  const frame = err.stack?.split('\n').find((f) => f.includes('/src/'));
  return `${err.message}${frame ? ` ${frame.trim()}` : ''}`;
}

export async function runFuzzSession(s: TestServer, adminKey: string, options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => {});
  const doc = await (await fetch(`${s.url}/openapi.json`)).json();
  const operations = readOperations(doc).filter((op) => !options.only || options.only.test(op.id));
  if (!operations.length) throw new Error(`no operation matches ${options.only}`);
  const fixtures = await createFixtures(s, adminKey);
  const schemas = new ResponseSchemas(doc);
  const ctx: RequestContext = {
    doc,
    pools: fixtures.pools,
    adminKey,
    limitedKey: fixtures.limitedKey,
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
  };
  const perOperation = new Map(operations.map((op) => [op.id, requestArbitrary(op, ctx)]));
  const anyRequest = fc.constantFrom(...operations).chain((op) => perOperation.get(op.id)!);
  const batch = fc.array(anyRequest, { minLength: options.concurrency, maxLength: options.concurrency });
  log(`fuzzing ${operations.length} operations for ${options.seconds} s, seed ${options.seed}, ${options.concurrency} in flight`);

  const failures = new Map<string, FailureRecord>();
  const statusCounts: Record<string, number> = {};
  const slowest: FuzzReport['slowest'] = [];
  const logLinesBefore = s.logs.length;
  // A connection per request: a reset then belongs to the request that got it, not to
  // whichever earlier request left the reused socket half-closed.
  const agent = new http.Agent({ keepAlive: false, maxSockets: options.concurrency });
  const byId = new Map(operations.map((op) => [op.id, op]));
  const display = (r: FuzzRequest) => curlLine('$CHAKRA_URL', r, { [adminKey]: 'CHAKRA_KEY', [fixtures.limitedKey]: 'CHAKRA_LIMITED_KEY' });
  let requests = 0;
  let batches = 0;

  const record = (request: FuzzRequest, kind: FailureKind, status: number | string, detail: string, path: string, requestId?: string) => {
    // A 500 is told apart by what the server logged, not by its (always identical) answer.
    const cause = causeFromLogs(s, requestId);
    const what = kind === 'server-error' && cause ? cause : detail;
    const signature = `${kind}|${EDGE_KINDS.has(kind) ? '*' : request.operation}|${status}|${normalise(what)}`;
    const existing = failures.get(signature);
    if (existing) {
      existing.count++;
      return;
    }
    const failure: FailureRecord = {
      kind,
      operation: request.operation,
      status,
      detail,
      count: 1,
      example: request,
      curl: display(request),
      replay: `FUZZ_SEED=${options.seed} FUZZ_PATH=${path} FUZZ_CONCURRENCY=${options.concurrency}`,
      cause,
    };
    failures.set(signature, failure);
    log(
      `FAIL ${kind} ${request.operation} → ${status}: ${detail.slice(0, 200)}\n     ${failure.curl.slice(0, 600)}\n     replay: ${failure.replay} npm run fuzz`,
    );
  };

  const spans: RequestSpan[] = [];
  const succeeded = new Set<string>();
  const sendOne = async (request: FuzzRequest, path: string) => {
    requests++;
    const startedAt = performance.now();
    const span: RequestSpan = {
      startedAt,
      endedAt: Infinity,
      label: `${request.method} ${request.path.slice(0, 120)} (${request.notes.join('; ')})`,
    };
    spans.push(span);
    try {
      await exchange(request, path);
    } finally {
      span.endedAt = performance.now();
    }
  };
  const exchange = async (request: FuzzRequest, path: string) => {
    let answer: FuzzAnswer;
    try {
      answer = request.truncateBy
        ? await sendTruncatedRequest(s.url, request, options.requestTimeoutMs)
        : await sendFuzzRequest(s.url, request, options.requestTimeoutMs, agent);
    } catch (e) {
      const code = e instanceof NoAnswer ? e.code : (e as Error).message;
      statusCounts[code] = (statusCounts[code] ?? 0) + 1;
      // The server can always answer a request it has read the head of.
      record(request, 'no-answer', code, `no answer: ${code}`, path);
      return;
    }
    statusCounts[answer.status] = (statusCounts[answer.status] ?? 0) + 1;
    if (answer.status >= 200 && answer.status < 300) succeeded.add(request.operation);
    if (slowest.length < 5 || answer.durationMs > slowest[slowest.length - 1].ms) {
      slowest.push({
        operation: request.operation,
        ms: answer.durationMs,
        status: answer.status,
        notes: request.notes.join('; '),
        curl: display(request),
      });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
    }
    const requestId = answer.headers['x-request-id'] as string | undefined;
    for (const f of checkAnswer(byId.get(request.operation)!, answer, schemas))
      record(request, f.kind, answer.status, f.detail, path, requestId);
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const poller = startHealthzPoller(s.url);
  const stallRecorder = startStallRecorder();
  // fast-check stops waiting for the batch in flight when the time is up: keep hold of it, so
  // that the run ends only once every request sent has its answer.
  let inFlight: Promise<unknown> = Promise.resolve();
  const property = fc.asyncProperty(batch, async (requestsInBatch) => {
    const path = String(batches++);
    inFlight = Promise.all(requestsInBatch.map((r) => sendOne(r, options.replayPath ?? path)));
    await inFlight;
    return true;
  });
  await fc.assert(property, {
    seed: options.seed,
    path: options.replayPath,
    numRuns: options.replayPath ? 1 : Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: options.seconds * 1000,
    markInterruptAsFailure: false,
    endOnFailure: true,
  });
  await inFlight;
  const healthz = await poller.stop();
  const stalls = attributeStalls(stallRecorder.stop(), spans);
  loopDelay.disable();
  agent.destroy();

  const afterRunProblems = await checkAfterRun(s, adminKey, fixtures.pools, options.appSecret);
  const keptDataProblems = await checkKeptData(s, fixtures.kept);

  const logged = new Map<string, number>();
  for (const line of s.logs.slice(logLinesBefore)) {
    if (Number(line.level) < 50) continue;
    const err = line.err as { message?: string } | undefined;
    const message = normalise(`${line.msg}${err?.message ? `: ${err.message}` : ''}`);
    logged.set(message, (logged.get(message) ?? 0) + 1);
  }

  return {
    seed: options.seed,
    requests,
    batches,
    statusCounts,
    failures: [...failures.values()],
    keptDataProblems,
    afterRunProblems,
    healthz,
    maxEventLoopDelayMs: Math.round(loopDelay.max / 1e6),
    stalls,
    neverSucceeded: options.replayPath ? [] : operations.map((op) => op.id).filter((id) => !succeeded.has(id)),
    slowest,
    loggedErrors: [...logged].map(([message, count]) => ({ message, count })),
  };
}

/** The report as lines for a terminal. */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `seed ${r.seed}: ${r.requests} requests in ${r.batches} batches; statuses ${JSON.stringify(r.statusCounts)}`,
    `/healthz during the run: ${r.healthz.polls} polls, max ${r.healthz.maxMs} ms, p99 ${r.healthz.p99Ms} ms, ${r.healthz.failures} failed; event loop delay max ${r.maxEventLoopDelayMs} ms`,
    'slowest requests:',
    ...r.slowest.map((x) => `  ${x.ms} ms ${x.operation} → ${x.status} (${x.notes})`),
    'longest event-loop stalls, with the requests in flight (none: the fuzzer generating):',
    ...r.stalls.map(
      (st) => `  ${st.ms} ms: ${st.suspects.length ? st.suspects.map((x) => x.slice(0, 220)).join(' | ') : '(no request in flight)'}`,
    ),
  ];
  if (r.neverSucceeded.length) lines.push(`operations with no 2xx in this run: ${r.neverSucceeded.join(', ')}`);
  if (r.loggedErrors.length) lines.push('server logged errors:', ...r.loggedErrors.map((e) => `  ${e.count}× ${e.message}`));
  for (const p of [...r.afterRunProblems, ...r.keptDataProblems]) lines.push(`AFTER THE RUN: ${p}`);
  lines.push(`${r.failures.length} distinct failures`);
  for (const f of r.failures) {
    lines.push(
      `- ${f.kind} ${f.operation} → ${f.status} (${f.count}×): ${f.detail.slice(0, 300)}`,
      ...(f.cause ? [`    cause: ${f.cause}`] : []),
      `    ${f.example.notes.join('; ')}`,
      `    ${f.curl.slice(0, 1000)}`,
      `    replay: ${f.replay} npm run fuzz`,
    );
  }
  return lines.join('\n');
}
