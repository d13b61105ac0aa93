/** The chat store: every message sent or received through a plugin (decisions.md §4). */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
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
  /** The text the customer sees, when the payload alone does not say (a rendered template). */
  text?: string | null;
  procedureId?: string | null;
  processId?: string | null;
}

/** Stores a message we sent (contact and chat found or created) in the caller's transaction. */
export async function recordOutgoing(tx: Queryable, m: OutgoingMessage) {
  const contactId = await repo.contactFor(tx, m.teamId, m.to);
  const chatId = await repo.chatFor(tx, { teamId: m.teamId, pluginId: m.pluginId, phoneNumberId: m.phoneNumberId, contactId, incoming: false });
  const id = randomUUID();
  await repo.insertMessage(tx, {
    id,
    team_id: m.teamId,
    chat_id: chatId,
    contact_id: contactId,
    plugin_id: m.pluginId,
    procedure_id: m.procedureId ?? null,
    process_id: m.processId ?? null,
    external_id: m.wamid,
    direction: 'OUTGOING',
    data_type: typeof m.payload.type === 'string' ? m.payload.type : 'text',
    text: m.text ?? textOf(m.payload),
    payload: m.payload,
    delivery_status: m.deliveryStatus,
  });
  return id;
}

export async function messagesForPhone(db: Queryable, teamId: string, phone: string, page: number, limit: number) {
  const rows = await repo.messagesForPhone(db, teamId, phone, limit + 1, (page - 1) * limit);
  return { page: rows.slice(0, limit).map(toChatMessageView), meta: { page, limit, hasMore: rows.length > limit } };
}
