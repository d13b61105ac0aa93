import type { RouteOptions } from 'fastify';

type HookName = 'onRequest' | 'preHandler' | 'onSend' | 'onResponse';

/**
 * Attaches a hook to one route (from an onRoute hook). Route-level hooks see the route's
 * options in a closure, so the hot path never calls `request.routeOptions`, a getter that
 * builds a fresh object on every access.
 */
export function appendRouteHook(route: RouteOptions, name: HookName, hook: (...args: any[]) => unknown): void {
  const existing = route[name] as unknown;
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  (route as any)[name] = [...list, hook];
}
