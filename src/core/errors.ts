/**
 * The one error catalogue. Every error the API returns is an entry here: a machine code,
 * an HTTP status and a message template whose {placeholders} are filled from params.
 * docs/errors.md lists the same entries; a test keeps the two in agreement.
 */
export const ERROR_CATALOGUE = {
  INVALID_JSON: { status: 400, message: 'body: invalid JSON ({reason})' },
  MALFORMED_REQUEST: { status: 400, message: 'request: {reason}' },
  VALIDATION_FAILED: { status: 400, message: '{path}: {reason}' },
  WORKSPACE_INVALID: { status: 400, message: '{path}: {reason}' },
  API_KEY_MISSING: { status: 401, message: 'Authorization: a bearer API key is required' },
  API_KEY_MALFORMED: { status: 401, message: 'Authorization: expected "Bearer <API key>"' },
  API_KEY_INVALID: { status: 401, message: 'Authorization: unknown API key' },
  API_KEY_REVOKED: { status: 401, message: 'Authorization: API key has been revoked' },
  API_KEY_EXPIRED: { status: 401, message: 'Authorization: API key expired at {expiresAt}' },
  SESSION_INVALID: { status: 401, message: 'chakra_session: this session has ended (signed out, expired or idle too long); sign in again' },
  SIGN_IN_FAILED: { status: 401, message: 'email or password: no active user has this email and password' },
  METRICS_TOKEN_REQUIRED: { status: 401, message: 'Authorization: /metrics requires "Bearer <METRICS_TOKEN>"' },
  PRIVILEGE_MISSING: { status: 403, message: 'role {role} lacks the privilege {privilege}' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    message: 'X-CSRF-Token: a change made with a console session must carry the token its sign-in answered with',
  },
  SETUP_LINK_INVALID: { status: 400, message: 'token: this sign-in link was already used or has expired; ask an admin for a new one' },
  LINK_INVALID: { status: 403, message: 'signature: this link is invalid or has expired' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, message: 'X-Hub-Signature-256: {reason}' },
  WEBHOOK_VERIFICATION_FAILED: { status: 403, message: '{path}: {reason}' },
  TEAM_FORBIDDEN: { status: 403, message: '{path}: your API key may only change team {team}' },
  SECRET_REFERENCE_FORBIDDEN: {
    status: 403,
    message: "{path}: only the server's operator may name environment variables or files; give the secret by value",
  },
  GRAPH_URL_FORBIDDEN: {
    status: 403,
    message: "{path}: only the server's operator may point a plugin at a Graph URL other than https://graph.facebook.com or sandbox",
  },
  NOT_FOUND: { status: 404, message: '{resource} {id} not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'route {method} {url} not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method {method} not allowed on {url} (allowed: {allowed})' },
  REQUEST_TIMEOUT: { status: 408, message: 'request: not received in full in time' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: 'Idempotency-Key: {key} was already used with a different request' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, message: 'Idempotency-Key: a request with key {key} is still in progress' },
  CONFLICT: { status: 409, message: '{path}: {reason}' },
  UNPROCESSABLE: { status: 422, message: '{path}: {reason}' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'body: larger than the limit of {limit} bytes' },
  URI_TOO_LONG: { status: 414, message: 'path: a segment is longer than {limit} characters' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type: {contentType} is not supported here' },
  SIGN_IN_SLOWED: { status: 429, message: 'too many failed sign-ins for this {what}; retry after {retryAfterSeconds} s' },
  RATE_LIMITED: { status: 429, message: 'Rate limit exceeded, retry after {retryAfterMs} ms' },
  EVENT_STREAMS_PER_KEY: { status: 429, message: 'events: this key already holds {limit} open streams on this server; close one first' },
  HEADERS_TOO_LARGE: { status: 431, message: 'headers: larger than the limit of {limit} bytes' },
  INTERNAL: { status: 500, message: 'internal error' },
  EVENT_STREAMS_FULL: { status: 503, message: 'events: this server holds its limit of {limit} open streams; retry shortly' },
  UPSTREAM_UNAVAILABLE: { status: 502, message: 'WhatsApp: {reason}' },
  UPSTREAM_ERROR: { status: 502, message: 'WhatsApp: {reason}' },
  UPSTREAM_TIMEOUT: { status: 504, message: 'WhatsApp: the Graph API did not answer within {timeoutMs} ms' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
}

/** At most this many problems are listed in one answer: enough to fix a request, bounded in size. */
export const MAX_LISTED_PROBLEMS = 50;

export class AppError extends Error {
  readonly status: number;
  readonly details: ErrorDetail[];
  /** Extra messages after the first one (e.g. several validation failures). */
  readonly messages: string[];
  headers: Record<string, string> = {};

  constructor(
    readonly code: ErrorCode,
    params: Record<string, string | number> = {},
    options: { details?: ErrorDetail[]; messages?: string[] } = {},
  ) {
    const entry = ERROR_CATALOGUE[code];
    const message = entry.message.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
    super(message);
    this.status = entry.status;
    this.details = (options.details ?? []).slice(0, MAX_LISTED_PROBLEMS);
    this.messages = options.messages?.length ? options.messages.slice(0, MAX_LISTED_PROBLEMS) : [message];
  }
}

/** Shorthand for the most common 400: a named field with a reason. */
export function invalid(path: string, reason: string, code: ErrorCode = 'VALIDATION_FAILED'): AppError {
  return new AppError(code, { path, reason }, { details: [{ path, code: 'invalid', message: reason }] });
}

export function notFound(resource: string, id: string): AppError {
  return new AppError('NOT_FOUND', { resource, id });
}
