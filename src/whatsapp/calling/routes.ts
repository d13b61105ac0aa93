/**
 * WhatsApp Calling, passed through to Meta as ChakraHQ's chat SDK calls it
 * (docs/whatsapp.md#calling): `/v1/whatsapp/{ver}/{phone-number-id}/settings`,
 * `/call_permissions` and `/calls`. The number must be one of the caller's team's (404 before
 * anything reaches Meta); the version segment, query and body go to Meta as given, and Meta's
 * JSON comes back as Meta answered it. SIP credentials pass through, never stored or logged.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { describedAs } from '../../core/http/openapi-document.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { upstreamErrorResponses } from '../../core/http/route-schema.ts';
import { graphFor, type GraphAnswer } from '../graph/graph-client.ts';
import { metaErrorReply } from '../messages/meta-error.ts';
import { getPluginOfNumber } from '../plugins/service.ts';
import { recordOutgoingCall } from './call-log.ts';
import { CallAction, CallingParams, CallingSettingsUpdate, MetaAnswer, PermissionsQuery, SettingsQuery } from './schemas.ts';

type Params = Static<typeof CallingParams>;

const queryOf = (request: FastifyRequest) => request.url.split('?')[1];
const isSuccess = (answer: GraphAnswer) => answer.status >= 200 && answer.status < 300;

/** Meta's JSON as Meta answered it; Meta's refusal keeps Meta's status, with `_errors` and Meta's `error`. */
function passBack(request: FastifyRequest, reply: FastifyReply, answer: GraphAnswer) {
  if (!isSuccess(answer)) return metaErrorReply(reply, request.id, answer, { keepStatus: true });
  return reply.code(answer.status).type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
}

const response = { 200: describedAs("Meta's JSON, as Meta answered it.", MetaAnswer), ...upstreamErrorResponses };

export function callingRoutes(ctx: AppContext) {
  /** Asks Meta through the plugin that owns the number (404 before Meta when it is not the team's). */
  async function forward(request: FastifyRequest<{ Params: Params }>, method: 'GET' | 'POST', leaf: string) {
    const { ver, pnid } = request.params;
    const plugin = await getPluginOfNumber(ctx.db, teamIdOf(request), pnid);
    const answer = await graphFor(ctx, plugin).call(method, `${ver}/${pnid}/${leaf}`, {
      query: queryOf(request),
      body: method === 'POST' ? request.body : undefined,
    });
    return { plugin, answer };
  }

  return async (app: FastifyInstance) => {
    const tags = ['whatsapp'];
    const base = '/v1/whatsapp/:ver/:pnid';

    app.get<{ Params: Params; Querystring: Static<typeof SettingsQuery> }>(
      `${base}/settings`,
      {
        config: { auth: 'key', privilege: 'whatsapp:manage' },
        schema: {
          tags,
          summary: "Get a number's calling settings (Meta pass-through)",
          operationId: 'getCallingSettings',
          description: "Meta's `GET /{phone-number-id}/settings`. `include_sip_credentials=true` adds the SIP passwords.",
          params: CallingParams,
          querystring: SettingsQuery,
          response,
        },
      },
      async (request, reply) => passBack(request, reply, (await forward(request, 'GET', 'settings')).answer),
    );

    app.post<{ Params: Params; Body: Static<typeof CallingSettingsUpdate> }>(
      `${base}/settings`,
      {
        config: { auth: 'key', privilege: 'whatsapp:manage', idempotent: true },
        schema: {
          tags,
          summary: "Update a number's calling settings (Meta pass-through)",
          operationId: 'updateCallingSettings',
          description: "Meta's `POST /{phone-number-id}/settings`: calling on or off, call button, call hours, callback permission, SIP.",
          params: CallingParams,
          body: CallingSettingsUpdate,
          response,
        },
      },
      async (request, reply) => passBack(request, reply, (await forward(request, 'POST', 'settings')).answer),
    );

    app.get<{ Params: Params; Querystring: Static<typeof PermissionsQuery> }>(
      `${base}/call_permissions`,
      {
        config: { auth: 'key', privilege: 'whatsapp:send' },
        schema: {
          tags,
          summary: 'Whether a customer lets the business call (Meta pass-through)',
          operationId: 'getCallPermissions',
          description: "Meta's `GET /{phone-number-id}/call_permissions?user_wa_id=…`: the permission and what may be done next.",
          params: CallingParams,
          querystring: PermissionsQuery,
          response,
        },
      },
      async (request, reply) => passBack(request, reply, (await forward(request, 'GET', 'call_permissions')).answer),
    );

    app.post<{ Params: Params; Body: Static<typeof CallAction> }>(
      `${base}/calls`,
      {
        config: { auth: 'key', privilege: 'whatsapp:send', idempotent: true },
        schema: {
          tags,
          summary: 'Start, accept, reject or end a call (Meta pass-through)',
          operationId: 'sendCallAction',
          description:
            "Meta's `POST /{phone-number-id}/calls`: `connect` (a business-initiated call, with the SDP offer), `pre_accept`, " +
            '`accept` (with the SDP answer), `reject` and `terminate`. A started call is logged in the chat store at once; ' +
            "its progress arrives through Meta's `calls` webhook events.",
          params: CallingParams,
          body: CallAction,
          response,
        },
      },
      async (request, reply) => {
        const { plugin, answer } = await forward(request, 'POST', 'calls');
        const callId = isSuccess(answer) ? (answer.body as { calls?: { id?: unknown }[] } | null)?.calls?.[0]?.id : undefined;
        if (request.body.action === 'connect' && typeof callId === 'string' && request.body.to) {
          // The call is placed; failing to log it must not turn Meta's success into an error.
          await recordOutgoingCall(ctx.db, {
            teamId: plugin.team_id,
            pluginId: plugin.id,
            phoneNumberId: request.params.pnid,
            to: request.body.to.replace(/\D/g, ''),
            callId,
            bizOpaqueCallbackData: request.body.biz_opaque_callback_data,
          }).catch((err) => request.log.error({ err: (err as Error).message, callId }, 'placed call not logged in the chat store'));
        }
        return passBack(request, reply, answer);
      },
    );
  };
}
