/**
 * Meta's error on one of our endpoints: our envelope with Meta's message as
 * `_errors[0]`, and Meta's `error` object at the top level, so clients reading either style
 * work (docs/compatibility.md#whatsapp-messages-pass-through).
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { GraphAnswer } from '../graph/graph-client.ts';

export function metaErrorReply(reply: FastifyReply, requestId: string, meta: GraphAnswer, options: { keepStatus: boolean }) {
  const error = (meta.body as { error?: Record<string, unknown> })?.error ?? {
    message: `the Graph API answered ${meta.status}`,
    code: meta.status,
  };
  const message = new AppError('UPSTREAM_ERROR', { reason: String(error.error_user_msg ?? error.message ?? 'request refused') }).message;
  return (
    reply
      // Pass-through keeps Meta's status; a wrapped call keeps Meta's 4xx (the request was at fault) and says 502 for the rest.
      .code(options.keepStatus && meta.status >= 400 ? meta.status : meta.status >= 400 && meta.status < 500 ? meta.status : 502)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ _data: null, _meta: { code: 'UPSTREAM_ERROR', requestId, details: [] }, _errors: [message], message, error }))
  );
}
