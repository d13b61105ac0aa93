import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { PluginConfigOut, PluginConfigUpdate, PluginParams } from './schemas.ts';
import { getPluginConfig, updatePluginConfig } from './service.ts';
import { named } from '../../core/http/openapi-document.ts';

const Success = named('Success', Type.Object({ success: Type.Boolean() }));

export function pluginConfigRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const tags = ['whatsapp'];
    app.get<{ Params: Static<typeof PluginParams> }>(
      '/v1/ext/plugin/whatsapp/:pluginId/config',
      {
        config: { auth: 'key', privilege: 'whatsapp:manage' },
        schema: {
          tags,
          summary: 'Fetch WhatsApp plugin configuration',
          operationId: 'getWhatsappPluginConfig',
          params: PluginParams,
          response: { 200: Envelope(PluginConfigOut), ...errorResponses },
        },
      },
      async (request) => ok(await getPluginConfig(ctx.db, teamIdOf(request), request.params.pluginId)),
    );
    app.post<{ Params: Static<typeof PluginParams>; Body: Static<typeof PluginConfigUpdate> }>(
      '/v1/ext/plugin/whatsapp/:pluginId/update-config',
      {
        config: { auth: 'key', privilege: 'whatsapp:manage', idempotent: true },
        schema: {
          tags,
          summary: 'Update WhatsApp plugin configuration',
          operationId: 'updateWhatsappPluginConfig',
          description: 'Changes only the fields given; an empty string clears a URL.',
          params: PluginParams,
          body: PluginConfigUpdate,
          response: { 200: Envelope(Success), ...errorResponses },
        },
      },
      async (request) => ok(await updatePluginConfig(ctx.db, teamIdOf(request), request.params.pluginId, request.body ?? {})),
    );
  };
}
