/**
 * `createClient`: the typed client. `raw` is openapi-fetch over every operation of the document;
 * the resources are thin, hand-shaped methods on top of it that answer `_data` (lists answer
 * `{data, meta}`) and throw `ChakraApiError`. Both go through the same retrying fetch.
 */
import createFetchClient from 'openapi-fetch';
import type { RawClient } from './call.ts';
import type { paths } from './generated/openapi.ts';
import { adminResource } from './resources/admin.ts';
import { configResource } from './resources/config.ts';
import { eventsResource } from './resources/events.ts';
import { jobsResource } from './resources/jobs.ts';
import { photosResource } from './resources/photos.ts';
import { processesResource } from './resources/processes.ts';
import { tasksResource } from './resources/tasks.ts';
import { usersResource } from './resources/users.ts';
import { viewsResource } from './resources/views.ts';
import { webhooksResource } from './resources/webhooks.ts';
import { type FetchLike, type RetryOptions, retryingFetch } from './retry.ts';
import { data, init } from './call.ts';
import type { RequestOptions, ResponseData } from './types.ts';
import { whatsappResource } from './whatsapp/index.ts';

export interface ClientOptions {
  /** The server's address, e.g. `http://127.0.0.1:3000` (no `/v1`). */
  baseUrl: string;
  /** An API key (`chk_…`), sent as `Authorization: Bearer`. Leave it out in a browser signed in with a session cookie. */
  apiKey?: string;
  /** Whether a browser sends its cookies: `'include'` for a page signed in with a session (the web console). */
  credentials?: 'omit' | 'same-origin' | 'include';
  /** The session's CSRF token, read at each POST/PUT/PATCH/DELETE and sent as `X-CSRF-Token` when it answers one. */
  csrfToken?: () => string | undefined;
  /** A `fetch` to use instead of the global one (a proxy agent, a test double). */
  fetch?: FetchLike;
  /** Backoff for retried calls, or `false` for none (docs/sdk.md#retries-and-idempotency). */
  retry?: RetryOptions | false;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
}

export function createClient(options: ClientOptions) {
  // Looked up at each call, not captured: a global fetch replaced later (a test, a polyfill) is used.
  const baseFetch: FetchLike = options.fetch ?? ((request, extra) => globalThis.fetch(request, extra));
  const raw: RawClient = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    fetch: retryingFetch(withCsrfToken(baseFetch, options.csrfToken), options.retry),
    headers: options.apiKey === undefined ? { ...options.headers } : { ...options.headers, Authorization: `Bearer ${options.apiKey}` },
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return {
    /** The typed openapi-fetch client: every operation of the document, with retries and idempotency keys. */
    raw,
    processes: processesResource(raw),
    tasks: tasksResource(raw),
    views: viewsResource(raw),
    users: usersResource(raw),
    photos: photosResource(raw),
    config: configResource(raw),
    jobs: jobsResource(raw),
    webhooks: webhooksResource(raw),
    whatsapp: whatsappResource(raw),
    admin: adminResource(raw),
    /** The live stream of changes to processes (Server-Sent Events), reconnecting by itself. */
    events: eventsResource({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      credentials: options.credentials,
      headers: options.headers,
      fetch: baseFetch,
    }),
    /** `GET /v1/health`: resolves when the key is valid, throws `ChakraApiError` (401) otherwise. */
    health: (requestOptions?: RequestOptions): Promise<ResponseData<'checkApiKey'>> => data(raw.GET('/v1/health', init(requestOptions))),
  };
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Adds `X-CSRF-Token` to every state-changing attempt (retries included), read when it is sent. */
function withCsrfToken(fetchImpl: FetchLike, csrfToken: (() => string | undefined) | undefined): FetchLike {
  if (!csrfToken) return fetchImpl;
  return (request, extra) => {
    const token = csrfToken();
    if (token && MUTATING.has(request.method)) request.headers.set('X-CSRF-Token', token);
    return fetchImpl(request, extra);
  };
}

export type ChakraClient = ReturnType<typeof createClient>;
