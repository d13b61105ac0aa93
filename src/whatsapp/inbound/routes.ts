/**
 * The inbound webhook Meta calls (decisions.md §5): the subscription handshake, and events,
 * each checked against the plugin's app secret and stored as received before the 200.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.ts';
import { ok } from '../../core/envelope.ts';
import { AppError } from '../../core/errors.ts';
import { isUuid } from '../../features/attributes/check-value.ts';
import { findPluginById } from '../plugins/repo.ts';
import { pluginNotFound } from '../plugins/service.ts';
import { wakeInbound } from './process-events.ts';
import { storeInboundEvent } from './repo.ts';
import { checkHandshake, checkSignature } from './verify.ts';

/** Meta's payloads stay well under 3 MB; anything larger is not Meta. */
export const INBOUND_BODY_LIMIT = 4 * 1024 * 1024;

const Params = Type.Object({ pluginId: Type.String({ description: 'the WhatsApp plugin id' }) });

export function inboundRoutes(ctx: AppContext) {
  async function pluginOf(pluginId: string) {
    const plugin = isUuid(pluginId) ? await findPluginById(ctx.db, pluginId.toLowerCase()) : undefined;
    if (!plugin) throw pluginNotFound(pluginId);
    return plugin;
  }
  const secret = (sealed: string | null) => (sealed ? ctx.secrets.decrypt(sealed) : null);

  return async function (app: FastifyInstance) {
    // The signature covers the exact bytes: keep them, whatever the declared type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT }, (_request, body, done) => done(null, body));
    const config = { auth: 'none' } as const;
    const tags = ['whatsapp'];

    app.get<{ Params: Static<typeof Params>; Querystring: Record<string, string> }>(
      '/v1/webhooks/whatsapp/:pluginId',
      { config, schema: { tags, summary: "Meta's webhook subscription handshake (echoes hub.challenge)", security: [], params: Params } },
      async (request, reply) => {
        const plugin = await pluginOf(request.params.pluginId);
        const challenge = checkHandshake(request.query, secret(plugin.verify_token_enc));
        return reply.type('text/plain').send(challenge);
      },
    );

    app.post<{ Params: Static<typeof Params> }>(
      '/v1/webhooks/whatsapp/:pluginId',
      { config, schema: { tags, summary: "Meta's webhook events (signed with the app secret)", security: [], params: Params } },
      async (request) => {
        const plugin = await pluginOf(request.params.pluginId);
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        checkSignature(raw, request.headers['x-hub-signature-256'], secret(plugin.app_secret_enc));
        const text = raw.toString('utf8');
        let event: unknown;
        try {
          event = JSON.parse(text);
        } catch (err) {
          throw new AppError('INVALID_JSON', { reason: (err as Error).message });
        }
        if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new AppError('VALIDATION_FAILED', { path: 'body', reason: 'must be a JSON object' });
        // PostgreSQL text cannot hold NUL; an event carrying one raw is not Meta's.
        if (text.includes('\u0000')) throw new AppError('VALIDATION_FAILED', { path: 'body', reason: 'contains the NUL character' });
        await storeInboundEvent(ctx.db, { id: randomUUID(), teamId: plugin.team_id, pluginId: plugin.id, raw: text });
        wakeInbound(ctx, plugin.id);
        return ok({ received: true });
      },
    );
  };
}
