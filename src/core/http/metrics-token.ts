/**
 * METRICS_TOKEN: when set, `/metrics` answers only a scraper that sends it as a bearer token.
 * Metrics reveal route names, traffic and queue sizes, so an operator who cannot keep the port
 * off the public network can still keep them private.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { secretsEqual } from '../auth/key-material.ts';
import { AppError } from '../errors.ts';
import { BEARER } from './auth-hook.ts';

/** An onRequest hook that lets through only `Authorization: Bearer <token>` (compared in constant time). */
export function requireMetricsToken(token: string) {
  return function checkMetricsToken(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (match && secretsEqual(match[1], token)) return done();
    // One answer for a missing, malformed or wrong token: nothing to learn by trying.
    const err = new AppError('METRICS_TOKEN_REQUIRED');
    err.headers['www-authenticate'] = 'Bearer realm="metrics"';
    done(err);
  };
}
