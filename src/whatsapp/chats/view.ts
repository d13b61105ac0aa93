/** A chat message as the API shows it (docs/whatsapp.md#chat-store). */
import type { ChatMessageRow } from './repo.ts';
import type { ChatMessageView } from './schemas.ts';

export function toChatMessageView(m: ChatMessageRow): ChatMessageView {
  const payload = m.payload as { template?: { name?: string } };
  return {
    id: m.id,
    createdAt: m.created_at.getTime(),
    updatedAt: m.updated_at.getTime(),
    timestamp: m.created_at.getTime(),
    externalId: m.external_id,
    provider: 'whatsapp' as const,
    dataType: m.data_type,
    body: { body: m.text ?? '' },
    text: m.text ?? '',
    attachments: null,
    deliveryStatus: m.delivery_status,
    direction: m.direction,
    context: { contactIdentifier: m.phone_number, messageTemplateId: payload.template?.name ?? null },
    adhocAgent: null,
    source: { sourceId: null, sourceType: m.source_type },
    team: m.team_id,
    plugin: m.plugin_id,
    user: null,
    chat: m.chat_id,
    contact: m.contact_id,
    procedure: m.procedure_id,
    process: m.process_id,
    campaign: null,
    inReplyTo: null,
    error: m.error as ChatMessageView['error'],
  };
}

/** The text a Meta message shows, for the chat store (null when it has none, e.g. a sticker). */
export function textOf(message: Record<string, any>): string | null {
  const type = message.type as string | undefined;
  const part = type ? message[type] : undefined;
  if (!part || typeof part !== 'object') return null;
  if (type === 'text') return typeof part.body === 'string' ? part.body : null;
  if (type === 'interactive' && part.type === 'call_permission_reply') {
    const response = part.call_permission_reply?.response;
    return response === 'accept'
      ? 'Call permission: granted'
      : response === 'reject'
        ? 'Call permission: declined'
        : 'Call permission: replied';
  }
  if (type === 'interactive') return part.body?.text ?? null;
  if (type === 'location') return [part.name, part.address].filter(Boolean).join(', ') || null;
  if (type === 'reaction') return part.emoji ?? null;
  if (type === 'template') return null;
  return typeof part.caption === 'string' ? part.caption : null;
}
