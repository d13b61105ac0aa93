/**
 * From openapi-fetch's `{data, error, response}` to what the facade returns: the body, its
 * `_data`, or a page, and a `ChakraApiError` for every answer that is not a success.
 */
import type { Client } from 'openapi-fetch';
import { ChakraApiError } from './errors.ts';
import type { paths } from './generated/openapi.ts';
import type { RequestOptions } from './types.ts';

/** The typed openapi-fetch client over every operation of the document (`client.raw`). */
export type RawClient = Client<paths>;

interface Outcome {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The success body as it came (pass-through answers have no envelope). */
export async function body(call: Promise<Outcome>): Promise<any> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ChakraApiError({ status: response.status, body: error, headers: response.headers, url: response.url });
  return data;
}

/** `_data` of the success envelope. */
export async function data(call: Promise<Outcome>): Promise<any> {
  return (await body(call))?._data;
}

/** `{data: _data, meta: _meta}` of the success envelope. */
export async function page(call: Promise<Outcome>): Promise<any> {
  const envelope = await body(call);
  return { data: envelope?._data, meta: envelope?._meta ?? {} };
}

/** openapi-fetch's per-call init from the facade's options. */
export function init(options: RequestOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  // `false` goes down as an empty key, which the retrying fetch removes (retry.ts).
  if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey === false ? '' : options.idempotencyKey;
  return { signal: options.signal, headers };
}

/** A file for a multipart upload, in the shapes browsers and Node hold files in. */
export type UploadableFile = Blob | ArrayBuffer | Uint8Array;

export function toBlob(file: UploadableFile): Blob {
  if (file instanceof Blob) return file;
  // A copy: a Uint8Array may view part of a larger (or shared) buffer.
  return new Blob([file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(file)]);
}

/** Sends a FormData untouched (the runtime sets the multipart boundary). */
export const formBody = { bodySerializer: (form: unknown) => form as FormData };
