import type { TeamPrincipal } from '../auth/principal.ts';
import type { FastifyRequest } from 'fastify';

/** The calling key or signed-in user; only for routes whose auth mode is 'key'. */
export function teamPrincipalOf(request: FastifyRequest): TeamPrincipal {
  const p = request.principal;
  if (!p || p.kind === 'system') throw new Error('route requires a team API key or a session');
  return p;
}

/** The team of the calling key or signed-in user; only for routes whose auth mode is 'key'. */
export function teamIdOf(request: FastifyRequest): string {
  return teamPrincipalOf(request).teamId;
}
