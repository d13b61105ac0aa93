/**
 * CORS for browser clients on other origins (CORS_ORIGINS). Installed only when origins are
 * configured, so a server without them pays nothing per request and sends no CORS headers.
 *
 * - A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin, for a
 *   path that has routes, is answered here with 204 and the Access-Control-Allow-* headers,
 *   before any authentication: browsers never send credentials on a preflight.
 * - Any other request from an allowed origin gets Access-Control-Allow-Origin and
 *   Access-Control-Expose-Headers, errors included, so a page can read a 401 or a 429.
 * - A request from any other origin gets no CORS headers, and a preflight from it is answered
 *   as any OPTIONS request is (405 with the envelope): the browser then refuses the call.
 * - Every answer carries `Vary: Origin`, since whether it holds CORS headers depends on it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** Request headers a client may send beyond the CORS-safelisted ones. */
// X-Chakra-SDK: ChakraHQ's chat SDK sends it from browsers (its calling client runs there).
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id, X-Chakra-SDK';
/** Response headers a page may read beyond the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, Idempotent-Replayed, Allow, Content-Disposition';
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * @param origins `*` for any origin, or exact origins as browsers send them (`https://app.example.com`).
 * @param allowedMethods the methods that have a route at a path (method-not-allowed.ts).
 */
export function installCors(app: FastifyInstance, origins: '*' | string[], allowedMethods: (path: string) => string[]): void {
  if (origins !== '*' && origins.length === 0) return;
  const originSet = new Set(origins === '*' ? [] : origins);
  const allowed = origins === '*' ? () => true : (origin: string) => originSet.has(origin);

  app.addHook('onRequest', function cors(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed(origin)) return done();
    // The page's own origin, never `*`: the answer is then right whether or not the browser
    // sends credentials, and a cache keyed on Origin (Vary) stays correct.
    reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      const methods = allowedMethods(request.url.split('?')[0]);
      // A path without routes falls through to the 404 with the envelope.
      if (methods.length > 0) {
        reply
          .code(204)
          .header('access-control-allow-methods', methods.join(', '))
          .header('access-control-allow-headers', ALLOWED_HEADERS)
          .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS))
          .send();
        return;
      }
    }
    reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    done();
  });
}
