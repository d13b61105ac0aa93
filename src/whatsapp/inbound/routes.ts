/**
 * The inbound webhook Meta calls (docs/whatsapp.md#inbound-webhook): the subscription
 * handshake, and events, each checked against the plugin's app secret and stored as received
 * before the 200.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { documentedBody, named } from '../../core/http/openapi-document.ts';
import { errorsAt } from '../../core/http/route-schema.ts';
import { AppError, invalid } from '../../core/errors.ts';
import { nestsDeeperThan, tooDeepReason } from '../../core/http/json-body-checks.ts';
import { groupWriter } from '../../core/db/group-writer.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import { isUuid } from '../../core/uuid.ts';
import { findPluginById } from '../plugins/repo.ts';
import { pluginNotFound } from '../plugins/service.ts';
import { wakeInbound } from './inbound-worker.ts';
import * as repo from './repo.ts';
import { checkHandshake, checkSignature } from './verify.ts';

/** Meta's payloads stay well under 3 MB; anything larger is not Meta. */
const INBOUND_BODY_LIMIT = 4 * 1024 * 1024;

const Received = named('Received', Type.Object({ received: Type.Boolean() }));
// Read as bytes (the signature covers them), so described for the document only.
const rawEventBody = documentedBody(
  'application/json',
  named(
    'MetaWebhookEvent',
    Type.Object(
      {
        object: Type.String({ description: '`whatsapp_business_account`' }),
        entry: Type.Array(Type.Object({}, { additionalProperties: true })),
      },
      { additionalProperties: true, description: "Meta's webhook notification, as Meta sends it" },
    ),
    {
      examples: [
        {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '83784929738012',
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '917259775805', phone_number_id: '775966265503012' },
                    contacts: [{ profile: { name: 'Asha Rao' }, wa_id: '919876543210' }],
                    messages: [
                      {
                        from: '919876543210',
                        id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0VCMDVGRkM2QjY0MjQ2RkI1RjMA',
                        timestamp: '1796371200',
                        type: 'text',
                        text: { body: 'Hi, is the loan offer still open?' },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  ),
);
const Params = Type.Object({ pluginId: Type.String({ description: 'the WhatsApp plugin id' }) });

interface InboundPlugin {
  id: string;
  teamId: string;
  appSecret: string | null;
  verifyToken: string | null;
}

export function inboundRoutes(ctx: AppContext) {
  // Meta posts at a plugin many times a second: its lookup and secrets are cached for
  // KEY_CACHE_TTL_MS, like keys and configuration (a changed secret applies within that time).
  const plugins = new TtlCache<InboundPlugin | undefined>(ctx.config.keyCacheTtlMs);
  const secret = (sealed: string | null) => (sealed ? ctx.secrets.decrypt(sealed) : null);
  async function pluginOf(pluginId: string): Promise<InboundPlugin> {
    const plugin = isUuid(pluginId)
      ? await plugins.get(pluginId.toLowerCase(), async () => {
          const row = await findPluginById(ctx.db, pluginId.toLowerCase());
          return (
            row && { id: row.id, teamId: row.team_id, appSecret: secret(row.app_secret_enc), verifyToken: secret(row.verify_token_enc) }
          );
        })
      : undefined;
    if (!plugin) throw pluginNotFound(pluginId);
    return plugin;
  }
  // Events arriving together are stored by one statement (each answered once its row is committed).
  const store = groupWriter<repo.NewInboundEvent>((events) => repo.storeInboundEvents(ctx.db, events));

  return async (app: FastifyInstance) => {
    // The signature covers the exact bytes: keep them, whatever the declared type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT }, (_request, body, done) => done(null, body));
    const config = { auth: 'none' } as const;
    const tags = ['whatsapp'];

    app.get<{ Params: Static<typeof Params>; Querystring: Record<string, string> }>(
      '/v1/webhooks/whatsapp/:pluginId',
      {
        config,
        schema: {
          tags,
          summary: "Meta's webhook subscription handshake (echoes hub.challenge)",
          operationId: 'verifyWhatsappWebhook',
          security: [],
          params: Params,
          response: {
            200: { description: '`hub.challenge`, echoed.', content: { 'text/plain': { schema: { type: 'string' } } } },
            ...errorsAt(403, 404),
          },
        },
      },
      async (request, reply) => {
        const plugin = await pluginOf(request.params.pluginId);
        const challenge = checkHandshake(request.query, plugin.verifyToken);
        return reply.type('text/plain').send(challenge);
      },
    );

    app.post<{ Params: Static<typeof Params> }>(
      '/v1/webhooks/whatsapp/:pluginId',
      {
        config,
        schema: {
          tags,
          summary: "Meta's webhook events (signed with the app secret)",
          operationId: 'receiveWhatsappWebhookEvents',
          security: [],
          params: Params,
          description:
            'Meta posts here, signing the exact bytes with the app secret (`X-Hub-Signature-256`). The event is stored before the answer, then processed and forwarded in the background.',
          ...rawEventBody,
          response: { 200: Envelope(Received), ...errorsAt(400, 401, 404, 413) },
        },
      },
      async (request) => {
        const plugin = await pluginOf(request.params.pluginId);
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        checkSignature(raw, request.headers['x-hub-signature-256'], plugin.appSecret);
        const text = raw.toString('utf8');
        // Meta's events are shallow; a deep one would only overflow processing's stack.
        if (nestsDeeperThan(text)) throw invalid('body', tooDeepReason);
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch (err) {
          throw new AppError('INVALID_JSON', { reason: (err as Error).message });
        }
        if (typeof event !== 'object' || event === null || Array.isArray(event))
          throw new AppError('VALIDATION_FAILED', { path: 'body', reason: 'must be a JSON object' });
        // PostgreSQL text cannot hold NUL; an event carrying one raw is not Meta's.
        if (text.includes('\u0000')) throw new AppError('VALIDATION_FAILED', { path: 'body', reason: 'contains the NUL character' });
        await store.add({ id: randomUUID(), teamId: plugin.teamId, pluginId: plugin.id, raw: text });
        wakeInbound(ctx, plugin.id);
        return ok({ received: true });
      },
    );
  };
}
