/**
 * Retries as a `fetch` wrapper, under openapi-fetch, so that the facade and `client.raw` behave
 * alike. What is retried (docs/sdk.md#retries-and-idempotency):
 *
 * - 429, for every call: the rate limiter refused it before it ran. `Retry-After` (seconds or an
 *   HTTP date) is the wait; longer than `maxDelayMs`, the 429 is returned instead of sleeping.
 * - 502/503/504 and network errors, for reads (GET, HEAD) and for calls that carry an
 *   `Idempotency-Key`. Every POST/PUT/PATCH/DELETE gets one here (a fresh UUID, kept across the
 *   retries of that call), so the server replays a request that already ran instead of running it
 *   twice; a call sent without one (`idempotencyKey: false`) is not replayed. Except: a 5xx the server itself answered with `UPSTREAM_*` on a mutating call (Meta
 *   failed or timed out; it may have sent the message) — the server does not store 5xx answers,
 *   so a retry would send again.
 * - 409 `IDEMPOTENCY_KEY_IN_PROGRESS` after a retry: the first attempt is still running on the
 *   server (its answer was lost); waiting and asking again gets the stored answer.
 *
 * Waits grow exponentially from `minDelayMs` to `maxDelayMs` with "equal jitter" (half fixed, half
 * random), so clients that failed together do not retry together.
 */

import { parseRetryAfter } from './errors.ts';
import { sleep } from './sleep.ts';

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** The first backoff (default 250 ms); it doubles with each retry. */
  minDelayMs?: number;
  /** The longest wait, backoff or `Retry-After` (default 10 s). */
  maxDelayMs?: number;
}

export type FetchLike = (input: Request, init?: any) => Promise<Response>;

const DEFAULTS = { retries: 3, minDelayMs: 250, maxDelayMs: 10_000 };
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const GATEWAY = new Set([502, 503, 504]);
const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Wraps `fetchImpl`: idempotency keys on mutating calls, then the retries above (none with `false`). */
export function retryingFetch(fetchImpl: FetchLike, options: RetryOptions | false | undefined): FetchLike {
  const { retries, minDelayMs, maxDelayMs } = options === false ? { ...DEFAULTS, retries: 0 } : { ...DEFAULTS, ...options };
  return async (request, init) => {
    const given = request.headers.get(IDEMPOTENCY_HEADER);
    // An empty key is the facade's `idempotencyKey: false`: send none, and do not replay the call.
    if (given === '') request.headers.delete(IDEMPOTENCY_HEADER);
    else if (given === null && MUTATING.has(request.method)) request.headers.set(IDEMPOTENCY_HEADER, newIdempotencyKey());
    const replayable = !MUTATING.has(request.method) || request.headers.has(IDEMPOTENCY_HEADER);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      let response: Response;
      try {
        // Each attempt sends a copy: a body stream can be read only once.
        response = await fetchImpl(last ? request : request.clone(), init);
      } catch (error) {
        if (last || !replayable || request.signal.aborted) throw error;
        await sleep(backoff(attempt, minDelayMs, maxDelayMs), request.signal);
        continue;
      }
      if (last) return response;
      const wait = await retryWait(response, { attempt, replayable, mutating: MUTATING.has(request.method), minDelayMs, maxDelayMs });
      if (wait === undefined) return response;
      // The answer is dropped: free its connection before waiting.
      await response.body?.cancel().catch(() => {});
      await sleep(wait, request.signal);
    }
  };
}

/**
 * A random UUID. Browsers offer `crypto.randomUUID` only to secure contexts (https, localhost);
 * a page served over plain http builds one from `getRandomValues`, which they always offer.
 */
function newIdempotencyKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Situation {
  attempt: number;
  replayable: boolean;
  mutating: boolean;
  minDelayMs: number;
  maxDelayMs: number;
}

/** How long to wait before retrying this answer, or `undefined` to return it. */
async function retryWait(response: Response, s: Situation): Promise<number | undefined> {
  const pause = backoff(s.attempt, s.minDelayMs, s.maxDelayMs);
  if (response.status === 429) {
    const header = response.headers.get('retry-after');
    const asked = parseRetryAfter(header);
    if (asked === undefined) return pause;
    return asked <= s.maxDelayMs ? asked : undefined;
  }
  if (GATEWAY.has(response.status)) {
    if (!s.replayable) return undefined;
    if (s.mutating && (await codeOf(response))?.startsWith('UPSTREAM_')) return undefined;
    return pause;
  }
  if (response.status === 409 && s.attempt > 0 && (await codeOf(response)) === 'IDEMPOTENCY_KEY_IN_PROGRESS') return pause;
  return undefined;
}

/** `_meta.code` of an envelope answer, read from a copy so the caller still gets the body. */
async function codeOf(response: Response): Promise<string | undefined> {
  if (!response.headers.get('content-type')?.includes('json')) return undefined;
  try {
    const body = (await response.clone().json()) as { _meta?: { code?: unknown } };
    return typeof body?._meta?.code === 'string' ? body._meta.code : undefined;
  } catch {
    return undefined;
  }
}

function backoff(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
