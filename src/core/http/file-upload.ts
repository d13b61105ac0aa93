/**
 * A one-file multipart upload, already read into `request.body` by @fastify/multipart with
 * `attachFieldsToBody: 'keyValues'` (so Idempotency-Key can compare bodies): the file as a
 * Buffer under `fileField`, text fields as strings.
 */
import multipart, { type FastifyMultipartOptions } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, invalid } from '../errors.ts';

/**
 * Registers the multipart parser in a route plugin's scope, and marks each request once its
 * body has been read: an error before that mark is the body's fault (multipart-errors.ts).
 */
export async function acceptUploads(app: FastifyInstance, limits: FastifyMultipartOptions['limits']): Promise<void> {
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits });
  app.decorateRequest('uploadRead', false);
  app.addHook('preHandler', async (request) => {
    request.uploadRead = true;
  });
}

export function readFileUpload(
  request: FastifyRequest,
  fileField: string,
  noun: string,
): { bytes: Buffer; text(field: string): string | undefined } {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: request.headers['content-type'] ?? '(none)' });
  const body = (request.body ?? {}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(body)) {
    if (Buffer.isBuffer(value) && field !== fileField)
      throw invalid(field, `is not a file field of this upload (send ${noun} as "${fileField}")`);
  }
  const bytes = body[fileField];
  if (!Buffer.isBuffer(bytes)) throw invalid(fileField, `is required: send ${noun} as the multipart file field "${fileField}"`);
  return {
    bytes,
    text(field) {
      const value = body[field];
      if (typeof value !== 'string') return undefined;
      if (value.includes('\u0000')) throw invalid(field, 'contains the NUL character, which cannot be stored');
      return value;
    },
  };
}
