import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpSeries } from './http-series.ts';
import { appendRouteHook } from './route-hooks.ts';

/**
 * After every response: the request metrics, and one info line with method, route pattern,
 * status, milliseconds and (through the request's logger) its id. Never headers, bodies or
 * query strings: they carry keys and PII. One hook does both, attached per route so the
 * route pattern comes from a closure (requests no route matched are caught by is404).
 */
export function installRequestObserver(app: FastifyInstance, http: HttpSeries) {
  const observe = (request: FastifyRequest, reply: FastifyReply, route: string | null) => {
    const ms = reply.elapsedTime;
    http.record(request.method, route ?? 'unmatched', reply.statusCode, ms / 1000);
    request.log.info({ method: request.method, route, status: reply.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
  };
  app.addHook('onRoute', (route) => {
    const url = route.url;
    appendRouteHook(route, 'onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      observe(request, reply, url);
      done();
    });
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (request.is404) observe(request, reply, null);
    done();
  });
}
