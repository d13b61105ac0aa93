/** The chat store: every message sent or received through a plugin (docs/whatsapp.md#chat-store). */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import * as repo from './repo.ts';
import { textOf, toChatMessageView } from './view.ts';

export interface OutgoingMessage {
  teamId: string;
  pluginId: string;
  phoneNumberId: string;
  /** The customer, as digits. */
  to: string;
  /** Meta's message object as sent. */
  payload: Record<string, unknown>;
  wamid: string | null;
  deliveryStatus: 'QUEUED' | 'SENT' | 'FAILED';
  /** Why Meta refused it (FAILED): Meta's code, title and details. */
  error?: object | null;
  /** The text the customer sees, when the payload alone does not say (a rendered template). */
  text?: string | null;
  procedureId?: string | null;
  processId?: string | null;
}

/**
 * Stores a message we sent (contact and chat found or created); answers the stored row. A
 * QUEUED one goes on the send queue in the same statement.
 */
export async function recordOutgoing(q: Queryable, m: OutgoingMessage): Promise<repo.ChatMessageRow> {
  return repo.insertChatMessage(
    q,
    {
      id: randomUUID(),
      team_id: m.teamId,
      phone_number: m.to,
      plugin_id: m.pluginId,
      whatsapp_phone_number_id: m.phoneNumberId,
      procedure_id: m.procedureId ?? null,
      process_id: m.processId ?? null,
      external_id: m.wamid,
      direction: 'OUTGOING',
      data_type: typeof m.payload.type === 'string' ? m.payload.type : 'text',
      text: m.text ?? textOf(m.payload),
      payload: m.payload,
      delivery_status: m.deliveryStatus,
      error: m.error ?? null,
    },
    { enqueue: m.deliveryStatus === 'QUEUED' },
  );
}

export interface Paging {
  page: number;
  limit: number;
}

const pageOf = <T>(rows: T[], p: Paging) => ({
  rows: rows.slice(0, p.limit),
  meta: { page: p.page, limit: p.limit, hasMore: rows.length > p.limit },
});

export async function listChats(
  db: Queryable,
  teamId: string,
  q: Paging & { orderField: repo.ChatOrderField; descending: boolean; search?: string },
) {
  const rows = await repo.listChats(db, teamId, { ...q, limit: q.limit + 1, offset: (q.page - 1) * q.limit });
  const { rows: chats, meta } = pageOf(rows, q);
  const lastIds = chats.flatMap((c) => (c.last_message_id ? [c.last_message_id] : []));
  const last = new Map((await repo.findMessages(db, teamId, lastIds)).map((m) => [m.id, toChatMessageView(m)]));
  return {
    page: chats.map((c) => ({
      id: c.id,
      createdAt: c.created_at.getTime(),
      updatedAt: c.updated_at.getTime(),
      team: c.team_id,
      plugin: c.plugin_id,
      whatsappPhoneNumberId: c.whatsapp_phone_number_id,
      contact: { id: c.contact_id, name: c.contact_name, phoneNumber: c.phone_number },
      lastMessageAt: c.last_message_at?.getTime() ?? null,
      lastIncomingMessageAt: c.last_incoming_message_at?.getTime() ?? null,
      lastMessage: c.last_message_id ? (last.get(c.last_message_id) ?? null) : null,
      unreadCount: 0,
      assignedTo: null,
      status: c.status,
      process: last.get(c.last_message_id ?? '')?.process ?? null,
    })),
    meta,
  };
}

export async function messagesOfChat(db: Queryable, teamId: string, chatId: string, p: Paging) {
  const chat = isUuid(chatId) ? await repo.findChat(db, teamId, chatId.toLowerCase()) : undefined;
  if (!chat) throw notFound('chat', chatId);
  const rows = await repo.messagesOfChat(db, teamId, chat.id, p.limit + 1, (p.page - 1) * p.limit);
  const { rows: page, meta } = pageOf(rows, p);
  return { page: page.map(toChatMessageView), meta };
}

export async function messagesForPhone(db: Queryable, teamId: string, phone: string, p: Paging) {
  const rows = await repo.messagesForPhone(db, teamId, phone, p.limit + 1, (p.page - 1) * p.limit);
  const { rows: page, meta } = pageOf(rows, p);
  return { page: page.map(toChatMessageView), meta };
}
