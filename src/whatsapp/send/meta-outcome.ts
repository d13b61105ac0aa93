/** What Meta's answer to a send means for the message: sent, worth retrying, or failed for good. */
import { AppError } from '../../core/errors.ts';
import type { GraphAnswer } from '../graph/graph-client.ts';

/** Meta's error as kept on a FAILED chat message (docs/whatsapp.md#pacing-queued-sends-and-retries). */
export interface MetaFailure {
  code: number | null;
  title: string;
  details: string | null;
}

// Temporary on Meta's side: unknown/service errors, rate limits (app, WABA, number throughput,
// pair rate) and "something went wrong". Everything else is the request's fault.
const RETRY_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131056]);

interface MetaErrorObject {
  message?: string;
  code?: number;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: { details?: string };
}

export type SendResult = { kind: 'sent'; wamid: string | null } | { kind: 'retry' | 'failed'; failure: MetaFailure };

function failureOf(answer: GraphAnswer): MetaFailure {
  const e = ((answer.body as { error?: MetaErrorObject } | null)?.error ?? {}) as MetaErrorObject;
  const message = typeof e.message === 'string' ? e.message : `Graph API answered ${answer.status}`;
  return {
    code: typeof e.code === 'number' ? e.code : null,
    // Meta's messages start "(#131030) …"; the title is the part after the code.
    title: e.error_user_title ?? message.replace(/^\(#\d+\)\s*/, ''),
    details: e.error_data?.details ?? e.error_user_msg ?? null,
  };
}

export function resultOfAnswer(answer: GraphAnswer): SendResult {
  if (answer.status >= 200 && answer.status < 300) {
    return { kind: 'sent', wamid: (answer.body as { messages?: { id?: string }[] } | null)?.messages?.[0]?.id ?? null };
  }
  const failure = failureOf(answer);
  const retry = answer.status >= 500 || answer.status === 429 || (failure.code !== null && RETRY_CODES.has(failure.code));
  return { kind: retry ? 'retry' : 'failed', failure };
}

/** A Graph API that timed out or could not be reached: worth another attempt. */
export function resultOfUnreachable(err: unknown): SendResult {
  if (!(err instanceof AppError) || (err.code !== 'UPSTREAM_TIMEOUT' && err.code !== 'UPSTREAM_UNAVAILABLE')) throw err;
  return { kind: 'retry', failure: { code: null, title: err.message, details: null } };
}
