import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ajvErrorsToDetails } from '../ajv-details.ts';
import { AppError } from '../errors.ts';
import { drainUnreadBody } from './drain-unread-body.ts';

const LOCATION_PREFIX: Record<string, string> = { body: '', querystring: 'query.', params: 'path.', headers: 'header.' };

/** Turns Fastify's schema-validation error into one "<field>: <reason>" per failure. */
function fromValidation(err: FastifyError): AppError {
  const prefix = LOCATION_PREFIX[err.validationContext ?? 'body'] ?? '';
  const details = ajvErrorsToDetails((err.validation ?? []) as any[], prefix);
  const first = details[0] ?? { path: 'body', code: 'invalid', message: 'is invalid' };
  return new AppError(
    'VALIDATION_FAILED',
    { path: first.path, reason: first.message },
    { details, messages: details.map((d) => `${d.path}: ${d.message}`) },
  );
}

/** The SQLSTATE of a database error refusing a value (classes 22 and 54), else undefined. */
export function refusedValueState(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code) ? code : undefined;
}

/** Maps anything thrown into the catalogue; Fastify's own errors become their catalogue entry. */
export function toAppError(err: FastifyError | Error, bodyLimit: number): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  if (fe.validation) return fromValidation(fe);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: (err as any).contentType ?? 'this content type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', { reason: 'the body is empty but Content-Type is application/json' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON', { reason: err.message });
  }
  if (fe.statusCode === 400 && err instanceof SyntaxError) return new AppError('INVALID_JSON', { reason: err.message });
  // The client closed the connection while its body was being read (Node's request stream
  // fails with exactly this): its doing, and no one is left to read the answer — not a server
  // failure to log and count as a 500.
  if (fe.code === 'ECONNRESET' && err.message === 'aborted')
    return new AppError('MALFORMED_REQUEST', { reason: 'the connection was closed before the whole body arrived' });
  // A value the database refuses (data exception, size limit) came from the request: a 400,
  // not a 500. Validation should have caught it; this keeps a gap from becoming a crash.
  const sqlState = refusedValueState(err);
  if (sqlState) return new AppError('VALIDATION_FAILED', { path: 'body', reason: `a value could not be stored (SQLSTATE ${sqlState})` });
  if (fe.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE', { limit: bodyLimit });
  if (fe.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: 'this content type' });
  return new AppError('INTERNAL');
}

export function errorBody(err: AppError, requestId: string) {
  return {
    _data: null,
    _meta: { code: err.code, requestId, details: err.details },
    _errors: err.messages,
    message: err.messages[0],
  };
}

export function sendError(err: AppError, request: FastifyRequest, reply: FastifyReply) {
  drainUnreadBody(request, reply);
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  return reply
    .code(err.status)
    .type('application/json; charset=utf-8')
    .send(errorBody(err, String(request.id)));
}
