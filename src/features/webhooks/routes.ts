/** Platform event subscriptions: `/v1/ext/webhooks`, their delivery log, and replays. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import {
  DeliveriesMeta,
  DeliveriesQuery,
  DeliveryOut,
  DeliveryParams,
  SubscriptionCreate,
  SubscriptionOut,
  SubscriptionParams,
  SubscriptionUpdate,
} from './schemas.ts';
import * as service from './service.ts';

const tags = ['webhooks'];
const manage = { auth: 'key' as const, privilege: 'webhook:manage' as const };
const subscriptionResponse = { 200: Envelope(SubscriptionOut), ...errorResponses };

export function webhookRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof SubscriptionCreate> }>(
      '/v1/ext/webhooks',
      {
        config: { ...manage, idempotent: true },
        schema: {
          tags,
          summary: 'Subscribe to platform events',
          operationId: 'createWebhookSubscription',
          description: 'Deliveries are signed, retried and logged (docs/webhooks.md).',
          body: SubscriptionCreate,
          response: subscriptionResponse,
        },
      },
      async (request) => ok(await service.createSubscription(ctx, teamIdOf(request), request.body)),
    );

    app.get(
      '/v1/ext/webhooks',
      {
        config: manage,
        schema: {
          tags,
          summary: 'List webhook subscriptions',
          operationId: 'listWebhookSubscriptions',
          response: { 200: Envelope(Type.Array(SubscriptionOut)), ...errorResponses },
        },
      },
      async (request) => ok(await service.listSubscriptions(ctx.db, teamIdOf(request))),
    );

    app.get<{ Params: Static<typeof SubscriptionParams> }>(
      '/v1/ext/webhooks/:id',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Fetch a webhook subscription',
          operationId: 'getWebhookSubscription',
          params: SubscriptionParams,
          response: subscriptionResponse,
        },
      },
      async (request) => ok(await service.getSubscription(ctx.db, teamIdOf(request), request.params.id)),
    );

    app.patch<{ Params: Static<typeof SubscriptionParams>; Body: Static<typeof SubscriptionUpdate> }>(
      '/v1/ext/webhooks/:id',
      {
        config: { ...manage, idempotent: true },
        schema: {
          tags,
          summary: 'Change or re-enable a webhook subscription',
          operationId: 'updateWebhookSubscription',
          params: SubscriptionParams,
          body: SubscriptionUpdate,
          response: subscriptionResponse,
        },
      },
      async (request) => ok(await service.updateSubscription(ctx, teamIdOf(request), request.params.id, request.body)),
    );

    app.delete<{ Params: Static<typeof SubscriptionParams> }>(
      '/v1/ext/webhooks/:id',
      {
        config: { ...manage, idempotent: true },
        schema: {
          tags,
          summary: 'Delete a webhook subscription (and its delivery log)',
          operationId: 'deleteWebhookSubscription',
          params: SubscriptionParams,
          response: subscriptionResponse,
        },
      },
      async (request) => ok(await service.deleteSubscription(ctx, teamIdOf(request), request.params.id)),
    );

    app.get<{ Params: Static<typeof SubscriptionParams>; Querystring: Static<typeof DeliveriesQuery> }>(
      '/v1/ext/webhooks/:id/deliveries',
      {
        config: manage,
        schema: {
          tags,
          summary: "A subscription's deliveries, newest first, with every attempt",
          operationId: 'listWebhookDeliveries',
          params: SubscriptionParams,
          querystring: DeliveriesQuery,
          response: { 200: Envelope(Type.Array(DeliveryOut), DeliveriesMeta), ...errorResponses },
        },
      },
      async (request) => {
        const { page, meta } = await service.listDeliveries(ctx.db, teamIdOf(request), request.params.id, request.query);
        return ok(page, meta);
      },
    );

    app.post<{ Params: Static<typeof DeliveryParams> }>(
      '/v1/ext/webhook-deliveries/:id/replay',
      {
        config: { ...manage, idempotent: true },
        schema: {
          tags,
          summary: 'Send a delivery again (same delivery id)',
          operationId: 'replayWebhookDelivery',
          params: DeliveryParams,
          response: { 200: Envelope(DeliveryOut), ...errorResponses },
        },
      },
      async (request) => ok(await service.replayDelivery(ctx, teamIdOf(request), request.params.id)),
    );
  };
}
