import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, operation } from '../../core/http/route-schema.ts';
import { ConfigData } from './schemas.ts';
import { configResponse } from './service.ts';

/**
 * The config changes only on apply, so its JSON is serialized once per loaded TeamConfig
 * (by the route's own response serializer) and sent as-is until the next reload.
 */
const serialized = new WeakMap<object, string>();

export function configRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    for (const url of ['/v1/ext/config', '/v1/config']) {
      app.get(
        url,
        {
          config: { auth: 'key', privilege: 'config:read' },
          schema: {
            tags: ['config'],
            summary: url === '/v1/config' ? 'Fetch config (older path)' : 'Fetch config',
            ...operation(
              'getConfig',
              "The caller's team configuration: all 17 documented keys; those this server does not model are empty arrays.",
              url === '/v1/config' && { method: 'GET', canonicalPath: '/v1/ext/config' },
            ),
            response: { 200: Envelope(ConfigData), ...errorResponses },
          },
        },
        async (request, reply) => {
          const data = configResponse(await ctx.configCache.get(teamIdOf(request)));
          let body = serialized.get(data);
          if (body === undefined) {
            body = reply.serialize(ok(data)) as string;
            serialized.set(data, body);
          }
          return reply.type('application/json; charset=utf-8').send(body);
        },
      );
    }
  };
}
