import type { FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../auth/key-material.ts';
import { hasPrivilege } from '../auth/privileges.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * onRequest: authenticates the bearer key, applies the per-key rate limit and checks the
 * route's privilege, in that order, before the body is even read.
 */
export function authHook(ctx: AppContext) {
  const adminToken = ctx.config.adminToken;
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const config = request.routeOptions.config;
    const mode = config?.auth ?? 'none';
    if (mode === 'none') return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('API_KEY_MISSING');
    const match = BEARER.exec(header);
    if (!match) throw new AppError('API_KEY_MALFORMED');
    const token = match[1];

    if (mode === 'admin' && adminToken && secretsEqual(token, adminToken)) {
      request.principal = { kind: 'system' };
      return;
    }
    const principal = await ctx.keys.authenticate(token);
    request.principal = principal;

    const decision = await ctx.rateLimiter.take(principal.keyId);
    if (!decision.allowed) {
      const err = new AppError('RATE_LIMITED', { retryAfterMs: decision.retryAfterMs });
      err.headers['retry-after'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw err;
    }

    const wanted = mode === 'admin' ? 'admin' : config.privilege;
    if (wanted && !hasPrivilege(principal.privileges, wanted)) {
      throw new AppError('PRIVILEGE_MISSING', { role: principal.roleShortId, privilege: wanted });
    }
    void reply;
  };
}
