import type { FastifyRequest } from 'fastify';

/** The team of the calling API key; only for routes whose auth mode is 'key'. */
export function teamIdOf(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind !== 'key') throw new Error('route requires a team API key');
  return p.teamId;
}
