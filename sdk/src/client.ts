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
import { jobsResource } from './resources/jobs.ts';
import { photosResource } from './resources/photos.ts';
import { processesResource } from './resources/processes.ts';
import { tasksResource } from './resources/tasks.ts';
import { usersResource } from './resources/users.ts';
import { webhooksResource } from './resources/webhooks.ts';
import { type FetchLike, type RetryOptions, retryingFetch } from './retry.ts';
import { data, init } from './call.ts';
import type { RequestOptions, ResponseData } from './types.ts';
import { whatsappResource } from './whatsapp/index.ts';

export interface ClientOptions {
  /** The server's address, e.g. `http://127.0.0.1:3000` (no `/v1`). */
  baseUrl: string;
  /** An API key (`chk_…`), sent as `Authorization: Bearer`. */
  apiKey: string;
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
    fetch: retryingFetch(baseFetch, options.retry),
    headers: { ...options.headers, Authorization: `Bearer ${options.apiKey}` },
  });
  return {
    /** The typed openapi-fetch client: every operation of the document, with retries and idempotency keys. */
    raw,
    processes: processesResource(raw),
    tasks: tasksResource(raw),
    users: usersResource(raw),
    photos: photosResource(raw),
    config: configResource(raw),
    jobs: jobsResource(raw),
    webhooks: webhooksResource(raw),
    whatsapp: whatsappResource(raw),
    admin: adminResource(raw),
    /** `GET /v1/health`: resolves when the key is valid, throws `ChakraApiError` (401) otherwise. */
    health: (requestOptions?: RequestOptions): Promise<ResponseData<'checkApiKey'>> => data(raw.GET('/v1/health', init(requestOptions))),
  };
}

export type ChakraClient = ReturnType<typeof createClient>;
