/**
 * Types of the facade, derived from the generated `operations` by operationId. They never name a
 * component schema: operationIds are stable, component names are not (they may be renamed as the
 * document grows), so regenerating `generated/openapi.ts` cannot break these.
 */
import type { operations } from './generated/openapi.ts';

export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type SuccessBody<K extends OperationId> = operations[K]['responses'] extends { 200: infer R } ? JsonContent<R> : never;

/** The JSON body an operation takes. */
export type RequestBody<K extends OperationId> = JsonContent<NonNullable<operations[K]['requestBody']>>;
/** `_data` of an operation's success answer. */
export type ResponseData<K extends OperationId> = SuccessBody<K> extends { _data: infer D } ? D : never;
/** `_meta` of an operation's success answer. */
export type ResponseMeta<K extends OperationId> = SuccessBody<K> extends { _meta: infer M } ? M : never;
/** The query parameters an operation takes. */
export type QueryParams<K extends OperationId> = NonNullable<operations[K]['parameters']['query']>;

/** Per-call options, the last argument of every facade method. */
export interface RequestOptions {
  /** Aborts the call, its retries and the waits between them. */
  signal?: AbortSignal;
  /** Extra headers for this call (e.g. your own `x-request-id`). */
  headers?: Record<string, string>;
  /**
   * The `Idempotency-Key` for a mutating call. By default every POST/PUT/PATCH/DELETE gets a fresh
   * UUID, reused by its retries; give your own to make a call safe to repeat across processes, or
   * `false` to send none (the call is then not retried after a 5xx or a network error).
   */
  idempotencyKey?: string | false;
}

/** What every facade list method answers: one page (`_data`) and what the server says about it (`_meta`). */
export interface ListPage<K extends OperationId> {
  data: ResponseData<K>;
  meta: ResponseMeta<K>;
}
