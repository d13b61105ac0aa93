/**
 * The one error the client throws for an answer that is not a success. It reads both shapes the
 * server sends: its envelope (`_meta.code`, `_errors`, `_meta.details`, `_meta.requestId`) and
 * the WhatsApp pass-through's, which carries Meta's `error` object (at the top level, beside the
 * envelope, or alone when Meta's body is passed through verbatim). Network failures are not
 * wrapped: they surface as the `fetch` implementation's own error after the retries.
 */

/** One problem of a `VALIDATION_FAILED` (and similar) answer: `_meta.details[i]`. */
export interface ChakraErrorDetail {
  path?: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

/** Meta's error object, as the WhatsApp pass-through routes return it. */
export interface MetaError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  [key: string]: unknown;
}

export class ChakraApiError extends Error {
  override readonly name = 'ChakraApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The machine code (`_meta.code`), e.g. `VALIDATION_FAILED`; `undefined` when the body has none (a proxy's page, Meta's own body). */
  readonly code: string | undefined;
  /** One sentence per problem, each starting with the field it is about (`_errors`). */
  readonly errors: string[];
  /** `_meta.requestId`, else the `x-request-id` header: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  /** `_meta.details`: the problems as `{path, code, message}`. */
  readonly details: ChakraErrorDetail[];
  /** Meta's `error` object on WhatsApp pass-through answers. */
  readonly metaError: MetaError | undefined;
  /** The parsed body (or its text when it was not JSON). */
  readonly body: unknown;
  /** The URL that answered. */
  readonly url: string | undefined;
  /** `Retry-After` in milliseconds, when the answer had one (429). */
  readonly retryAfterMs: number | undefined;

  constructor(init: { status: number; body: unknown; headers?: Headers; url?: string }) {
    const body = init.body;
    const obj = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const meta = obj._meta && typeof obj._meta === 'object' ? (obj._meta as Record<string, unknown>) : {};
    const errors = Array.isArray(obj._errors) ? obj._errors.map(String) : [];
    const metaError = obj.error && typeof obj.error === 'object' ? (obj.error as MetaError) : undefined;
    const text =
      errors[0] ??
      (typeof obj.message === 'string' ? obj.message : undefined) ??
      metaError?.message ??
      (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${init.status}`);
    const code = typeof meta.code === 'string' ? meta.code : undefined;
    super(`${init.status}${code ? ` ${code}` : ''}: ${text}`);
    this.status = init.status;
    this.code = code;
    this.url = init.url || undefined;
    this.errors = errors.length ? errors : metaError?.message ? [metaError.message] : [];
    this.requestId = (typeof meta.requestId === 'string' ? meta.requestId : undefined) ?? init.headers?.get('x-request-id') ?? undefined;
    this.details = Array.isArray(meta.details) ? (meta.details as ChakraErrorDetail[]) : [];
    this.metaError = metaError;
    this.body = body;
    this.retryAfterMs = init.headers ? parseRetryAfter(init.headers.get('retry-after')) : undefined;
  }
}

/** `Retry-After` as milliseconds from now: whole seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
