/**
 * Meta's message-template endpoints, passed through for the plugin that owns the WABA (or the
 * template): the request as sent, Meta's status and body as answered
 * (docs/whatsapp.md#message-templates-meta-pass-through).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { notFound } from '../../core/errors.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { upstreamErrorResponses } from '../../core/http/route-schema.ts';
import { describedAs, named } from '../../core/http/openapi-document.ts';
import { graphFor, GraphVersion, type GraphAnswer } from '../graph/graph-client.ts';
import { getPluginOfWaba } from '../plugins/service.ts';
import { refreshTemplates, wabaOfTemplate } from './template-cache.ts';

const WabaParams = Type.Object({ ver: GraphVersion, wabaId: Type.String({ pattern: '^[0-9]{1,32}$' }) });
const TemplateParams = Type.Object({ ver: GraphVersion, templateId: Type.String({ pattern: '^[0-9]{1,32}$' }) });

/** A body passed to Meta, or Meta's answer passed back, unchanged. */
const MetaJson = named('MetaJson', Type.Object({}, { additionalProperties: true, description: "JSON in Meta's Graph API shape" }));
const TemplateCreate = named('MetaTemplateCreate', MetaJson, {
  examples: [
    {
      name: 'appointment_reminder',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, see you on {{2}}.', example: { body_text: [['Asha', 'Monday 11:00']] } }],
    },
  ],
});
const TemplateEdit = named('MetaTemplateEdit', MetaJson, {
  examples: [{ components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way!' }] }],
});

const queryOf = (request: FastifyRequest) => request.url.split('?')[1];
const answer = (reply: FastifyReply, meta: GraphAnswer) =>
  reply.code(meta.status).type('application/json; charset=utf-8').send(JSON.stringify(meta.body));

export function templateRoutes(ctx: AppContext) {
  const client = (plugin: Parameters<typeof graphFor>[1]) => graphFor(ctx, plugin);

  return async (app: FastifyInstance) => {
    const tags = ['whatsapp'];
    const config = { auth: 'key', privilege: 'whatsapp:manage' } as const;
    const path = '/v1/ext/plugin/whatsapp/api/:ver/:wabaId/message_templates';

    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      app.route<{ Params: Static<typeof WabaParams> }>({
        method,
        url: path,
        config: method === 'GET' ? config : { ...config, idempotent: true },
        schema: {
          tags,
          summary:
            { GET: 'List message templates', POST: 'Create message template', DELETE: 'Delete message template' }[method] +
            ' (Meta pass-through)',
          operationId: { GET: 'listMessageTemplates', POST: 'createMessageTemplate', DELETE: 'deleteMessageTemplate' }[method],
          description: 'Forwarded to `{graph}/{ver}/{wabaId}/message_templates` with the query string and body as sent.',
          params: WabaParams,
          ...(method === 'POST' ? { body: TemplateCreate } : {}),
          response: { 200: describedAs("Meta's JSON, as Meta answered it.", MetaJson), ...upstreamErrorResponses },
        },
        handler: async (request, reply) => {
          const plugin = await getPluginOfWaba(ctx.db, teamIdOf(request), request.params.wabaId);
          const meta = await client(plugin).call(method, `${request.params.ver}/${request.params.wabaId}/message_templates`, {
            query: queryOf(request),
            body: method === 'POST' ? request.body : undefined,
          });
          return answer(reply, meta);
        },
      });
    }

    app.post<{ Params: Static<typeof TemplateParams> }>(
      '/v1/ext/plugin/whatsapp/api/:ver/:templateId',
      {
        config: { ...config, idempotent: true },
        schema: {
          tags,
          summary: 'Edit message template (Meta pass-through)',
          operationId: 'editMessageTemplate',
          description: 'Forwarded to `{graph}/{ver}/{templateId}` through the plugin of the WABA that has the template.',
          params: TemplateParams,
          body: TemplateEdit,
          response: { 200: describedAs("Meta's JSON, as Meta answered it.", MetaJson), ...upstreamErrorResponses },
        },
      },
      async (request, reply) => {
        const { ver, templateId } = request.params;
        const teamId = teamIdOf(request);
        // The template names no WABA: it must be in one of the team's WABAs' template lists
        // (never just "readable by a token", which a token shared between teams would allow).
        const wabaId = await wabaOfTemplate(ctx.db, teamId, templateId, async () => {
          const wabas = await ctx.db.query<{ waba_id: string }>('select waba_id from whatsapp_business_accounts where team_id = $1', [
            teamId,
          ]);
          for (const { waba_id } of wabas)
            await refreshTemplates(ctx.db, client(await getPluginOfWaba(ctx.db, teamId, waba_id)), teamId, waba_id);
        });
        if (!wabaId) throw notFound('template', templateId);
        const plugin = await getPluginOfWaba(ctx.db, teamId, wabaId);
        return answer(reply, await client(plugin).call('POST', `${ver}/${templateId}`, { body: request.body }));
      },
    );
  };
}
