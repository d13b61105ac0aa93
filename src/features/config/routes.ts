import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { ConfigData } from './schemas.ts';
import { configResponse } from './service.ts';

export function configRoutes(ctx: AppContext) {
  return async function (app: FastifyInstance) {
    for (const url of ['/v1/ext/config', '/v1/config']) {
      app.get(
        url,
        {
          config: { auth: 'key', privilege: 'config:read' },
          schema: {
            tags: ['config'],
            summary: url === '/v1/config' ? 'Fetch config (older path)' : 'Fetch config',
            description: "The caller's team configuration: all 17 documented keys; those this server does not model are empty arrays.",
            response: { 200: Envelope(ConfigData), ...errorResponses },
          },
        },
        async (request) => ok(configResponse(await ctx.configCache.get(teamIdOf(request)))),
      );
    }
  };
}
