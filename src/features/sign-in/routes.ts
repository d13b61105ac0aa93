import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserPrincipal } from '../../core/auth/principal.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorsAt, errorResponses } from '../../core/http/route-schema.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../../core/http/session-cookie.ts';
import type { AppContext } from '../../context.ts';
import { Session, SetPasswordBody, SignedOut, SignInBody, SignInLink, UserRefParams } from './schemas.ts';
import { createSignInLink, currentUser, type NewSession, setPasswordWithLink, signIn, signOut, signOutEverywhere } from './service.ts';

/** Routes taking the session cookie only (no API key): the document names that scheme. */
const sessionOnly = { auth: 'session' } as const;
const sessionSecurity = [{ sessionCookie: [] }];

export function signInRoutes(ctx: AppContext) {
  const publicBaseUrl = ctx.config.publicBaseUrl;
  const tags = ['sign-in'];
  const client = (request: FastifyRequest) => ({ address: request.ip, userAgent: request.headers['user-agent'] ?? null });

  function answerSession(request: FastifyRequest, reply: FastifyReply, session: NewSession) {
    setSessionCookie(request, reply, publicBaseUrl, session.token, session.expiresAt);
    return ok({ user: session.user, csrfToken: ctx.sessions.csrfTokenFor(session.token) });
  }

  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof SignInBody> }>(
      '/v1/ext/auth/sign-in',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'Sign in to the console',
          operationId: 'signIn',
          description:
            'Checks an email (or username) and password and opens a session: the answer sets the `chakra_session` cookie ' +
            '(HttpOnly, SameSite=Lax) and gives the CSRF token. Repeated failures for one account or from one address are ' +
            'answered 429 with `Retry-After`.',
          security: [],
          body: SignInBody,
          response: { 200: Envelope(Session), ...errorsAt(400, 401, 429, 500) },
        },
      },
      async (request, reply) =>
        answerSession(request, reply, await signIn(ctx, request.body.email, request.body.password, client(request))),
    );

    app.post<{ Body: Static<typeof SetPasswordBody> }>(
      '/v1/ext/auth/setup',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'Choose a password with a sign-in link',
          operationId: 'setPasswordWithLink',
          description:
            "Sets the user's password from a sign-in link (first sign-in or reset; single-use, valid 24 hours), ends the " +
            "user's other sessions and signs them in, as `signIn` does.",
          security: [],
          body: SetPasswordBody,
          response: { 200: Envelope(Session), ...errorsAt(400, 500) },
        },
      },
      async (request, reply) =>
        answerSession(request, reply, await setPasswordWithLink(ctx, request.body.token, request.body.password, client(request))),
    );

    app.get(
      '/v1/ext/auth/session',
      {
        config: sessionOnly,
        schema: {
          tags,
          summary: 'The signed-in user',
          operationId: 'getSession',
          description: 'Who the session cookie belongs to, with the CSRF token (a reloaded console page asks this first).',
          security: sessionSecurity,
          response: { 200: Envelope(Session), ...errorsAt(401, 429, 500) },
        },
      },
      async (request) => {
        const principal = request.principal as UserPrincipal;
        const token = sessionTokenOf(request.headers.cookie)!;
        return ok({ user: await currentUser(ctx, principal), csrfToken: ctx.sessions.csrfTokenFor(token) });
      },
    );

    for (const [path, operationId, summary, everywhere] of [
      ['/v1/ext/auth/sign-out', 'signOut', 'Sign out (this session)', false],
      ['/v1/ext/auth/sign-out-everywhere', 'signOutEverywhere', "Sign out everywhere (all the user's sessions)", true],
    ] as const) {
      app.post(
        path,
        {
          config: sessionOnly,
          schema: {
            tags,
            summary,
            operationId,
            description: 'Ends the session(s) at once on this server, within KEY_CACHE_TTL_MS on the others, and clears the cookie.',
            security: sessionSecurity,
            response: { 200: Envelope(SignedOut), ...errorsAt(401, 403, 429, 500) },
          },
        },
        async (request, reply) => {
          const principal = request.principal as UserPrincipal;
          let sessionsEnded = 1;
          if (everywhere) sessionsEnded = await signOutEverywhere(ctx, principal.userId);
          else await signOut(ctx, principal);
          clearSessionCookie(request, reply, publicBaseUrl);
          return ok({ sessionsEnded });
        },
      );
    }

    app.post<{ Params: Static<typeof UserRefParams> }>(
      '/v1/ext/user/:id/sign-in-link',
      {
        config: { auth: 'key', privilege: 'admin' },
        schema: {
          tags: ['users'],
          summary: 'Make a sign-in link for a user',
          operationId: 'createSignInLink',
          description:
            'A single-use link (valid 24 hours) with which the user chooses a password: for a first sign-in, or a ' +
            'forgotten password. Earlier unused links of the user stop working. Needs the `admin` privilege: the link ' +
            'lets whoever holds it act as the user.',
          params: UserRefParams,
          response: { 200: Envelope(SignInLink), ...errorResponses },
        },
      },
      async (request) => ok(await createSignInLink(ctx, ctx.db, teamIdOf(request), request.params.id)),
    );
  };
}
