import FindMyWay from 'find-my-way';
import type { FastifyInstance } from 'fastify';
import type { HTTPMethod } from 'find-my-way';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Fastify answers 404 for a known path with the wrong method; the contract wants 405.
 * This keeps a method-aware copy of the route table to tell the two apart.
 */
export function trackRoutesForMethodCheck(app: FastifyInstance) {
  const router = FindMyWay({ ignoreTrailingSlash: true });
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    for (const method of methods) {
      if (!METHODS.includes(method as HTTPMethod)) continue;
      try {
        router.on(method as HTTPMethod, route.url, () => {});
      } catch {
        // the same path registered twice under one method (aliases): already known
      }
    }
  });
  /** The methods that would have matched this path, or an empty list. */
  return function allowedMethods(path: string): string[] {
    return METHODS.filter((m) => router.find(m, path) !== null);
  };
}
