/**
 * Meta's messages endpoint, passed through for one of the plugin's numbers: any message type,
 * mark-as-read, typing. The body goes to Meta as sent; a sent message answers
 * `_data.whatsappMessageId` (the documented wrapped shape) and is kept in the chat store.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { upstreamErrorResponses } from '../../core/http/route-schema.ts';
import { recordOutgoing } from '../chats/service.ts';
import { graphFor, GraphVersion } from '../graph/graph-client.ts';
import { getPhoneNumber, getPlugin } from '../plugins/service.ts';
import { metaErrorReply } from './meta-error.ts';
import { named } from '../../core/http/openapi-document.ts';

const Params = Type.Object({
  pluginId: Type.String(),
  ver: GraphVersion,
  pnid: Type.String({ pattern: '^[0-9]{1,32}$', description: 'the sending WhatsApp phone number id' }),
});
const MetaMessage = named(
  'MetaMessage',
  Type.Object(
    {},
    { additionalProperties: true, description: "Meta's message object (messaging_product, to, type, …), forwarded verbatim" },
  ),
  {
    examples: [
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '919876543210',
        type: 'text',
        text: { body: 'Your order #4521 has shipped.' },
      },
    ],
  },
);

const SessionMessageResult = named(
  'SessionMessageResult',
  Type.Object(
    { whatsappMessageId: Type.Optional(Type.String({ description: "Meta's message id (wamid), for a sent message" })) },
    {
      additionalProperties: true,
      description: "`whatsappMessageId` for a sent message; Meta's JSON for other calls (mark as read, typing)",
    },
  ),
);

export function messageRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof Params>; Body: Record<string, unknown> }>(
      '/v1/ext/plugin/whatsapp/:pluginId/api/:ver/:pnid/messages',
      {
        config: { auth: 'key', privilege: 'whatsapp:send', idempotent: true },
        schema: {
          tags: ['whatsapp'],
          summary: 'WhatsApp messages API (Meta pass-through)',
          operationId: 'sendSessionMessage',
          description:
            "Success: `_data.whatsappMessageId` for a sent message, Meta's JSON for other calls. Meta's errors keep Meta's status.",
          params: Params,
          body: MetaMessage,
          response: { 200: Envelope(SessionMessageResult), ...upstreamErrorResponses },
        },
      },
      async (request, reply) => {
        const teamId = teamIdOf(request);
        const { pluginId, ver, pnid } = request.params;
        const plugin = await getPlugin(ctx.db, teamId, pluginId);
        await getPhoneNumber(ctx.db, teamId, plugin.id, pnid);

        const meta = await graphFor(ctx, plugin).call('POST', `${ver}/${pnid}/messages`, { body: request.body });
        if (meta.status < 200 || meta.status >= 300) return metaErrorReply(reply, request.id, meta, { keepStatus: true });

        const wamid = (meta.body as { messages?: { id?: string }[] })?.messages?.[0]?.id;
        if (!wamid) return ok(meta.body);
        const to = String(request.body.to ?? '').replace(/[^\d]/g, '');
        if (to) {
          // The message is out; failing to record it must not turn Meta's success into an error.
          await recordOutgoing(ctx.db, {
            teamId,
            pluginId: plugin.id,
            phoneNumberId: pnid,
            to,
            payload: request.body,
            wamid,
            deliveryStatus: 'SENT',
          }).catch((err) => request.log.error({ err: (err as Error).message, wamid }, 'sent message not recorded in the chat store'));
        }
        return ok({ whatsappMessageId: wamid });
      },
    );
  };
}
