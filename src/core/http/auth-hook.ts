import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { secretsEqual } from '../auth/key-material.ts';
import type { TeamPrincipal } from '../auth/principal.ts';
import type { SessionStore } from '../auth/session-store.ts';
import { hasPrivilege } from '../auth/privileges.ts';
import type { KeyStore } from '../auth/key-store.ts';
import { AppError } from '../errors.ts';
import type { RateDecision, RateLimiter } from '../rate-limit.ts';
import type { Privilege } from '../auth/privileges.ts';
import { appendRouteHook } from './route-hooks.ts';
import { sessionTokenOf } from './session-cookie.ts';

/** `Authorization: Bearer <token>`; the token is group 1. */
export const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Adds to every route that declares `config.auth` an onRequest hook that authenticates the bearer key, applies the per-key rate limit and checks the
 * route's privilege, in that order, before the body is even read. Written with callbacks,
 * not async: with a cached key and the in-memory limiter the whole check runs synchronously,
 * which is what keeps an authenticated request close to a bare one (docs/performance.md).
 */
/** What the check needs from the process: the system token, the key cache and the limiter. */
export interface AuthServices {
  config: { adminToken?: string };
  keys: KeyStore;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
}

/** Requests that change something: made with a session, they must carry its CSRF token. */
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installAuth(app: FastifyInstance, ctx: AuthServices) {
  const adminToken = ctx.config.adminToken;

  // No closures are created per request here: under tsx every named closure costs a runtime
  // defineProperty call, which showed up in profiles of the cached-key path.
  function decide(principal: TeamPrincipal, wanted: Privilege | undefined, decision: RateDecision, done: HookHandlerDoneFunction) {
    if (!decision.allowed) {
      const err = new AppError('RATE_LIMITED', { retryAfterMs: decision.retryAfterMs });
      err.headers['retry-after'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      return done(err);
    }
    if (wanted && !hasPrivilege(principal.privileges, wanted)) {
      return done(new AppError('PRIVILEGE_MISSING', { role: principal.roleShortId, privilege: wanted }));
    }
    done();
  }

  function admit(request: FastifyRequest, principal: TeamPrincipal, wanted: Privilege | undefined, done: HookHandlerDoneFunction) {
    request.principal = principal;
    const decision = ctx.rateLimiter.take(principal.ownerId);
    if (decision instanceof Promise) decision.then((d) => decide(principal, wanted, d, done), done);
    else decide(principal, wanted, decision, done);
  }

  /**
   * A console session (the cookie) is checked exactly as a key is: the user's role gives the
   * privileges, the same limiter counts the requests. Changes need the session's CSRF token:
   * a page of another site can make the browser send the cookie, but cannot read the token.
   */
  function withSession(request: FastifyRequest, token: string, wanted: Privilege | undefined, done: HookHandlerDoneFunction) {
    ctx.sessions.authenticate(token).then((principal) => {
      const given = request.headers['x-csrf-token'];
      if (MUTATING.has(request.method) && !ctx.sessions.csrfMatches(token, typeof given === 'string' ? given : undefined)) {
        return done(new AppError('CSRF_TOKEN_INVALID'));
      }
      admit(request, principal, wanted, done);
    }, done);
  }

  function hookFor(mode: 'key' | 'admin' | 'session', privilege: Privilege | undefined) {
    const wanted = mode === 'admin' ? 'admin' : privilege;
    return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
      const header = request.headers.authorization;
      if (!header || mode === 'session') {
        const session = sessionTokenOf(request.headers.cookie);
        if (session) return withSession(request, session, wanted, done);
        return done(new AppError(mode === 'session' ? 'SESSION_INVALID' : 'API_KEY_MISSING'));
      }
      const match = BEARER.exec(header);
      if (!match) return done(new AppError('API_KEY_MALFORMED'));
      const token = match[1];

      if (mode === 'admin' && adminToken && secretsEqual(token, adminToken)) {
        request.principal = { kind: 'system' };
        return done();
      }
      const cached = ctx.keys.check(token);
      if (cached instanceof AppError) return done(cached);
      if (cached) return admit(request, cached, wanted, done);
      ctx.keys.authenticate(token).then((principal) => admit(request, principal, wanted, done), done);
    };
  }

  app.addHook('onRoute', (route) => {
    const mode = route.config?.auth ?? 'none';
    if (mode !== 'none') appendRouteHook(route, 'onRequest', hookFor(mode, route.config?.privilege));
  });
}
