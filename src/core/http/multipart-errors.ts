/**
 * A multipart body that cannot be parsed is the client's mistake, answered 400 with the envelope.
 * The parser (@fastify/multipart over busboy) reports it with plain Errors, before the route's
 * handler runs: that moment — an upload route's request whose body is not read yet — is how
 * such an error is told apart from a failure of the server's own.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, invalid } from '../errors.ts';

const REASONS: [RegExp, string][] = [
  [/boundary not found/i, 'the Content-Type has no multipart boundary'],
  [/needle cannot have a length bigger/i, 'the multipart boundary is longer than 70 characters'],
  [/unexpected end of (multipart data|form)|part terminated early/i, 'the multipart body ends before its closing boundary'],
  [/malformed part header/i, 'a part of the multipart body has a malformed header'],
  [/prototype property is not allowed/i, 'a field name (__proto__, constructor, prototype) is not allowed'],
];

export function multipartParseError(err: Error & { statusCode?: number }, request: FastifyRequest): AppError | undefined {
  if (err instanceof AppError || request.uploadRead !== false || !request.isMultipart()) return undefined;
  if (err.statusCode === 413) return undefined; // a size limit: the catalogue's 413
  const reason = REASONS.find(([pattern]) => pattern.test(err.message))?.[1] ?? `the multipart body cannot be read (${err.message})`;
  return invalid('body', reason);
}
