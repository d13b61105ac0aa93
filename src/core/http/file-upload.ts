/**
 * A one-file multipart upload, already read into `request.body` by @fastify/multipart with
 * `attachFieldsToBody: 'keyValues'` (so Idempotency-Key can compare bodies): the file as a
 * Buffer under `fileField`, text fields as strings.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, invalid } from '../errors.ts';

export function readFileUpload(request: FastifyRequest, fileField: string, noun: string): { bytes: Buffer; text(field: string): string | undefined } {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: request.headers['content-type'] ?? '(none)' });
  const body = (request.body ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(body)) {
    if (Buffer.isBuffer(value) && field !== fileField) throw invalid(field, `is not a file field of this upload (send ${noun} as "${fileField}")`);
  }
  const bytes = body[fileField];
  if (!Buffer.isBuffer(bytes)) throw invalid(fileField, `is required: send ${noun} as the multipart file field "${fileField}"`);
  return { bytes, text: (field) => (typeof body[field] === 'string' ? (body[field] as string) : undefined) };
}
