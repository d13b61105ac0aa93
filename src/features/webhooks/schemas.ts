/** Webhook subscription and delivery schemas (docs/webhooks.md), declared once. */
import { Type } from '@sinclair/typebox';
import { StringEnum, Uuid } from '../../core/schema-types.ts';
import { PLATFORM_EVENTS } from './outbox.ts';
import { MAX_OFFSET } from '../../core/http/paging.ts';
import { named } from '../../core/http/openapi-document.ts';

const EpochOrNull = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

const DELIVERY_STATES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

const Events = Type.Array(StringEnum(PLATFORM_EVENTS), { minItems: 1, uniqueItems: true, description: 'the platform events to receive' });
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL the events are POSTed to' });
const Description = Type.String({ maxLength: 500 });

export const SubscriptionCreate = named(
  'WebhookSubscriptionCreate',
  Type.Object({ url: Url, events: Events, description: Type.Optional(Description) }, { additionalProperties: false }),
  { examples: [{ url: 'https://hooks.example.com/chakra', events: ['process.created', 'process.updated'], description: 'CRM sync' }] },
);

export const SubscriptionUpdate = named(
  'WebhookSubscriptionUpdate',
  Type.Object(
    {
      url: Type.Optional(Url),
      events: Type.Optional(Events),
      description: Type.Optional(Type.Union([Description, Type.Null()])),
      enabled: Type.Optional(Type.Boolean({ description: 'true re-enables a disabled subscription (its failing streak starts over)' })),
    },
    { additionalProperties: false },
  ),
  { examples: [{ events: ['process.created', 'process.updated', 'process.deleted'], enabled: true }] },
);

export const SubscriptionOut = named(
  'WebhookSubscription',
  Type.Object({
    id: Uuid,
    url: Type.String(),
    events: Type.Array(Type.String()),
    description: Type.Union([Type.String(), Type.Null()]),
    enabled: Type.Boolean(),
    failingSince: EpochOrNull('epoch ms of the first failed attempt since the last success; null when healthy'),
    disabledAt: EpochOrNull('epoch ms; set when the subscription was disabled after failing for the whole retry window'),
    disabledReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  }),
);

const AttemptOut = named(
  'WebhookDeliveryAttempt',
  Type.Object({
    attempt: Type.Integer(),
    startedAt: Type.Number(),
    durationMs: Type.Integer(),
    statusCode: Type.Union([Type.Integer(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
    responseExcerpt: Type.Union([Type.String(), Type.Null()], { description: 'the first 1024 characters of the answer' }),
  }),
);

export const DeliveryOut = named(
  'WebhookDelivery',
  Type.Object({
    id: Uuid,
    subscriptionId: Type.Union([Uuid, Type.Null()]),
    destination: Type.String({ description: 'the subscription id, or `<pluginId>:passthrough` / `<pluginId>:chakra`' }),
    event: Type.String(),
    state: StringEnum(DELIVERY_STATES),
    attempts: Type.Integer(),
    createdAt: Type.Number(),
    nextAttemptAt: EpochOrNull('epoch ms of the next attempt while PENDING'),
    finishedAt: EpochOrNull('epoch ms when it was DELIVERED or FAILED'),
    lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    payload: Type.Unknown({ description: 'the body sent, parsed' }),
    attemptLog: Type.Array(AttemptOut),
  }),
);

export const SubscriptionParams = Type.Object({ id: Type.String({ description: 'webhook subscription id' }) });
export const DeliveryParams = Type.Object({ id: Type.String({ description: 'webhook delivery id (X-Chakra-Delivery-Id)' }) });

export const DeliveriesQuery = Type.Object({
  skip: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  state: Type.Optional(StringEnum(DELIVERY_STATES)),
});

export const DeliveriesMeta = named('WebhookDeliveriesMeta', Type.Object({ hasMore: Type.Boolean() }));
