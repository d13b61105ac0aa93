/**
 * Answers for requests that never reach a route, in the same envelope and with a request id
 * like every other answer (docs/api.md#envelope):
 * - Fastify's router refuses the path: malformed percent-encoding (`FST_ERR_BAD_URL`) or a path
 *   segment over the parameter limit (`FST_ERR_MAX_PARAM_LENGTH`) — `frameworkErrors`;
 * - Node's HTTP parser refuses the request before Fastify sees it: headers over the size limit,
 *   broken framing, a body cut short, a timeout — the server's `clientError` event.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, invalid } from '../errors.ts';
import { errorBody, sendError, toAppError } from './error-handler.ts';

/**
 * Longest path parameter, in characters once decoded. It is also the longest primary-key value
 * (features/processes/service.ts takes it from here), so every key is addressable in a path
 * (`…/process/{pkShortId}/{pkValue}`).
 */
export const MAX_PATH_PARAM_LENGTH = 1000;

/** How long a refused connection stays open for the client to finish sending and read the answer. */
const LINGER_MS = 2000;

/** Fastify's `frameworkErrors`: the router's refusals, answered in the envelope. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // The onRequest hooks (which set x-request-id) have not run for a request the router refused.
  reply.header('x-request-id', request.id);
  let appError: AppError;
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      appError = invalid(
        'path',
        'is not valid percent-encoding (each % must start an escape such as %2F, and the escapes must spell UTF-8)',
      );
      break;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      appError = new AppError('URI_TOO_LONG', { limit: MAX_PATH_PARAM_LENGTH });
      break;
    default:
      appError = toAppError(error, 0);
  }
  return sendError(appError, request, reply);
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node refuses a request without one by itself,
 * with an empty 400 outside the envelope, unless the server is built with `requireHostHeader:
 * false`; then this refuses it, inside the envelope.
 */
export function missingHostHeader(request: FastifyRequest): AppError | undefined {
  if (request.raw.httpVersion !== '1.1' || request.headers.host) return undefined;
  return new AppError('MALFORMED_REQUEST', { reason: 'HTTP/1.1 requires a Host header' });
}

type ParserError = NodeJS.ErrnoException & { reason?: string };

function clientErrorFor(err: ParserError, maxHeaderSize: number): AppError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('HEADERS_TOO_LARGE', { limit: maxHeaderSize });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('REQUEST_TIMEOUT');
    case 'HPE_INVALID_EOF_STATE':
      return new AppError('MALFORMED_REQUEST', { reason: 'the connection was closed before the whole body (Content-Length) arrived' });
    default:
      return new AppError('MALFORMED_REQUEST', { reason: `not valid HTTP/1.1 (${err.reason ?? err.message})` });
  }
}

/**
 * Fastify's `clientErrorHandler`: answers what Node's parser refused with the envelope, then
 * closes the connection — after a pause, not at once: closing a socket that still has unread
 * bytes makes the kernel reset it, and the client loses the answer it was about to read.
 */
export function clientErrorHandler(log: FastifyBaseLogger) {
  // Once refused, a connection's parser keeps failing on every later byte: answer only once.
  const answered = new WeakSet<Socket>();
  return function onClientError(err: ParserError, socket: Socket) {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (answered.has(socket)) return;
    answered.add(socket);
    const inFlight = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      // Part of an answer is already on the wire: nothing more can be said on this connection.
      socket.destroy();
      return;
    }
    // The server is built without its own maxHeaderSize: Node's (16 KiB, or --max-http-header-size).
    const appError = clientErrorFor(err, http.maxHeaderSize);
    const requestId = randomUUID();
    log.info(
      { reqId: requestId, err: { code: err.code, message: err.message }, statusCode: appError.status },
      'refused a request the HTTP parser could not read',
    );
    const body = JSON.stringify(errorBody(appError, requestId));
    socket.end(
      `HTTP/1.1 ${appError.status} ${http.STATUS_CODES[appError.status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
