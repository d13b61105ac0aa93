import type { ProcedureDef } from '../../features/config/model.ts';
import { ChatMessageOut } from '../chats/schemas.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorsAt, upstreamErrorResponses } from '../../core/http/route-schema.ts';
import { phoneDigits } from '../../features/attributes/check-value.ts';
import { isUuid } from '../../core/uuid.ts';
import { procedureOf, resolveProcess } from '../../features/processes/service.ts';
import { metaErrorReply } from '../messages/meta-error.ts';
import { processPhone } from './process-phone.ts';
import { TemplateSendBody, type TemplateSend } from './schemas.ts';
import { MetaRefused, sendTemplate, type SendTarget } from './send-template.ts';

const PhoneParams = Type.Object({ pluginId: Type.String(), phone: Type.String({ description: 'recipient: digits with country code' }) });
const ProcessParams = Type.Object({ pluginId: Type.String(), ps: Type.String(), pkOrId: Type.String() });
const ProcessIdParams = Type.Object({ pluginId: Type.String(), processId: Type.String() });
const SendQuery = Type.Object({
  async: Type.Optional(Type.Boolean({ description: 'extension: queue the send and answer at once with deliveryStatus QUEUED' })),
});
const response = {
  200: Envelope(
    ChatMessageOut,
    Type.Object({ warning: Type.Optional(Type.String({ description: 'sent, but something is worth knowing' })) }),
  ),
  ...upstreamErrorResponses,
  ...errorsAt(422),
};

export function sendRoutes(ctx: AppContext) {
  /** Sends and answers the chat message; Meta's refusal keeps Meta's 4xx (a 5xx becomes 502). */
  async function send(request: FastifyRequest, reply: FastifyReply, pluginId: string, target: SendTarget) {
    try {
      const { async } = request.query as Static<typeof SendQuery>;
      const sent = await sendTemplate(ctx, teamIdOf(request), pluginId, target, request.body as TemplateSend, { async });
      return ok(sent.message, sent.warning ? { warning: sent.warning } : {});
    } catch (err) {
      if (err instanceof MetaRefused) return metaErrorReply(reply, request.id, err.answer, { keepStatus: false });
      throw err;
    }
  }

  async function processTarget(request: FastifyRequest, procedureKey: string | undefined, ref: string): Promise<SendTarget> {
    const teamId = teamIdOf(request);
    const config = await ctx.configCache.get(teamId);
    let procedure: ProcedureDef;
    if (procedureKey === undefined) {
      // The documented form without a procedure: the process id alone.
      const [row] = isUuid(ref)
        ? await ctx.db.query<{ procedure_id: string }>(
            'select procedure_id from processes where id = $1 and team_id = $2 and not is_deleted',
            [ref.toLowerCase(), teamId],
          )
        : [];
      if (!row) throw notFound('process', ref);
      procedure = procedureOf(config, row.procedure_id);
    } else {
      procedure = procedureOf(config, procedureKey);
    }
    const process = await resolveProcess(ctx.db, config, procedure, ref);
    const entity = procedure.entityId ? config.entities.find((e) => e.id === procedure.entityId) : undefined;
    return { to: processPhone(procedure, entity, process), procedureId: procedure.id, processId: process.id };
  }

  return async (app: FastifyInstance) => {
    const config = { auth: 'key', privilege: 'whatsapp:send', idempotent: true } as const;
    const tags = ['whatsapp'];
    app.post<{ Params: Static<typeof PhoneParams>; Body: TemplateSend }>(
      '/v1/ext/plugin/whatsapp/:pluginId/phoneNumber/:phone/send-template-message',
      {
        config,
        schema: {
          tags,
          summary: 'Send a template message to a phone number',
          operationId: 'sendTemplateMessageToPhone',
          params: PhoneParams,
          querystring: SendQuery,
          body: TemplateSendBody,
          response,
        },
      },
      async (request, reply) => {
        const to = phoneDigits(request.params.phone);
        if (!to.ok) throw invalid('path.phoneNumber', to.message);
        return send(request, reply, request.params.pluginId, { to: to.value as string });
      },
    );
    app.post<{ Params: Static<typeof ProcessParams>; Body: TemplateSend }>(
      '/v1/ext/plugin/whatsapp/:pluginId/process/:ps/:pkOrId/send-template-message',
      {
        config,
        schema: {
          tags,
          summary: "Send a template message to a process's phone",
          operationId: 'sendTemplateMessageToProcess',
          params: ProcessParams,
          querystring: SendQuery,
          body: TemplateSendBody,
          response,
        },
      },
      async (request, reply) =>
        send(request, reply, request.params.pluginId, await processTarget(request, request.params.ps, request.params.pkOrId)),
    );
    app.post<{ Params: Static<typeof ProcessIdParams>; Body: TemplateSend }>(
      '/v1/ext/plugin/whatsapp/:pluginId/process/:processId/send-template-message',
      {
        config,
        schema: {
          tags,
          summary: "Send a template message to a process's phone (by process id)",
          operationId: 'sendTemplateMessageToProcessById',
          params: ProcessIdParams,
          querystring: SendQuery,
          body: TemplateSendBody,
          response,
        },
      },
      async (request, reply) =>
        send(request, reply, request.params.pluginId, await processTarget(request, undefined, request.params.processId)),
    );
  };
}
