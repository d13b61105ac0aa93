/** A chat message as the API shows it (docs/whatsapp.md), declared once: view type, response schema, OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum, Uuid } from '../../core/schema-types.ts';
import { named } from '../../core/http/openapi-document.ts';

export const ChatMessageOut = named(
  'ChatMessage',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    timestamp: Type.Number(),
    externalId: Nullable(Type.String({ description: "Meta's message id (wamid)" })),
    provider: Type.Literal('whatsapp'),
    dataType: Type.String(),
    body: Type.Object({ body: Type.String() }),
    text: Type.String(),
    attachments: Type.Null(),
    deliveryStatus: Type.String(),
    direction: StringEnum(['OUTGOING', 'INCOMING']),
    context: Type.Object({ contactIdentifier: Type.String(), messageTemplateId: Nullable(Type.String()) }),
    adhocAgent: Type.Null(),
    source: Type.Object({ sourceId: Type.Null(), sourceType: Type.String() }),
    team: Uuid,
    plugin: Uuid,
    user: Type.Null(),
    chat: Uuid,
    contact: Uuid,
    procedure: Nullable(Uuid),
    process: Nullable(Uuid),
    campaign: Type.Null(),
    inReplyTo: Type.Null(),
    error: Nullable(Type.Object({}, { additionalProperties: true, description: "Meta's error for a FAILED message" })),
  }),
);
export type ChatMessageView = Static<typeof ChatMessageOut>;

/** A conversation with one customer on one of the team's numbers, with its newest message. */
export const ChatOut = named(
  'Chat',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    team: Uuid,
    plugin: Uuid,
    whatsappPhoneNumberId: Type.String(),
    contact: Type.Object({ id: Uuid, name: Nullable(Type.String()), phoneNumber: Type.String() }),
    lastMessageAt: Nullable(Type.Number()),
    lastIncomingMessageAt: Nullable(Type.Number()),
    lastMessage: Nullable(ChatMessageOut),
    unreadCount: Type.Integer(),
    assignedTo: Type.Null(),
    status: Type.String(),
    process: Nullable(Uuid),
  }),
);

/** The page-numbered lists' `_meta`. */
export const ChatPageMeta = named(
  'ChatPageMeta',
  Type.Object({ page: Type.Integer(), limit: Type.Integer(), hasMore: Type.Boolean({ description: 'another page follows' }) }),
);
