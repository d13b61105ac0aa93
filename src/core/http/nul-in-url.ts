/**
 * `%00` in a path segment or a query value decodes to the NUL character, which PostgreSQL cannot
 * store or compare: refused at the door, naming the parameter, instead of by the database.
 */
import type { FastifyRequest } from 'fastify';
import { invalid, type AppError } from '../errors.ts';

/** The 400 for a request whose path or query parameters hold a NUL, else undefined. Costs one `includes` when there is none. */
export function nulInUrl(request: FastifyRequest): AppError | undefined {
  if (!request.url.includes('%00')) return undefined;
  for (const [where, values] of [
    ['path', request.params],
    ['query', request.query],
  ] as const) {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      if ([value].flat().some((v) => typeof v === 'string' && v.includes('\u0000'))) {
        return invalid(`${where}.${name}`, 'contains %00 (the NUL character), which cannot be stored');
      }
    }
  }
  return undefined;
}
