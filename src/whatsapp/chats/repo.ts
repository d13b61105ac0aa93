/** SQL for contacts, chats and chat messages. Every statement is scoped by team. */
import type { Queryable } from '../../core/db/types.ts';

export interface ChatMessageRow {
  id: string;
  team_id: string;
  chat_id: string;
  contact_id: string;
  plugin_id: string;
  procedure_id: string | null;
  process_id: string | null;
  external_id: string | null;
  direction: 'OUTGOING' | 'INCOMING';
  data_type: string;
  text: string | null;
  payload: Record<string, unknown>;
  delivery_status: string;
  error: object | null;
  source_type: string;
  created_at: Date;
  updated_at: Date;
  /** joined from the contact */
  phone_number: string;
}

/** The contact for a phone number, created on first use. */
export async function contactFor(tx: Queryable, teamId: string, phone: string): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `insert into contacts (id, team_id, phone_number) values (gen_random_uuid(), $1, $2)
     on conflict (team_id, phone_number) do update set updated_at = contacts.updated_at
     returning id`,
    [teamId, phone],
  );
  return rows[0].id;
}

/** The chat between a sending number and a contact, created on first use; its last-message time moved. */
export async function chatFor(tx: Queryable, c: { teamId: string; pluginId: string; phoneNumberId: string; contactId: string; incoming: boolean }): Promise<string> {
  const rows = await tx.query<{ id: string }>(
    `insert into chats (id, team_id, plugin_id, whatsapp_phone_number_id, contact_id, last_message_at, last_incoming_message_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), case when $5::boolean then now() end)
     on conflict (whatsapp_phone_number_id, contact_id) do update
       set last_message_at = now(), updated_at = now(),
           last_incoming_message_at = case when $5::boolean then now() else chats.last_incoming_message_at end
     returning id`,
    [c.teamId, c.pluginId, c.phoneNumberId, c.contactId, c.incoming],
  );
  return rows[0].id;
}

export async function insertMessage(
  tx: Queryable,
  m: Omit<ChatMessageRow, 'created_at' | 'updated_at' | 'phone_number' | 'source_type'>,
): Promise<void> {
  await tx.run(
    `insert into chat_messages (id, team_id, chat_id, contact_id, plugin_id, procedure_id, process_id, external_id, direction,
                                data_type, text, payload, delivery_status, error)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14::jsonb)`,
    [
      m.id, m.team_id, m.chat_id, m.contact_id, m.plugin_id, m.procedure_id, m.process_id, m.external_id, m.direction, m.data_type, m.text,
      JSON.stringify(m.payload), m.delivery_status, m.error === null ? null : JSON.stringify(m.error),
    ],
  );
}

const MESSAGE_SELECT = `select m.*, c.phone_number from chat_messages m join contacts c on c.id = m.contact_id`;

export async function findMessage(db: Queryable, teamId: string, id: string): Promise<ChatMessageRow | undefined> {
  return (await findMessages(db, teamId, [id]))[0];
}

export async function findMessages(db: Queryable, teamId: string, ids: string[]): Promise<ChatMessageRow[]> {
  return ids.length ? db.query<ChatMessageRow>(`${MESSAGE_SELECT} where m.id = any($1::uuid[]) and m.team_id = $2`, [ids, teamId]) : [];
}

/** Messages exchanged with one customer phone, newest first. */
export async function messagesForPhone(db: Queryable, teamId: string, phone: string, limit: number, offset: number): Promise<ChatMessageRow[]> {
  return db.query<ChatMessageRow>(
    `${MESSAGE_SELECT} where m.team_id = $1 and c.team_id = $1 and c.phone_number = $2
      order by m.created_at desc, m.id desc limit $3 offset $4`,
    [teamId, phone, limit, offset],
  );
}

export interface ChatRow {
  id: string;
  team_id: string;
  plugin_id: string;
  whatsapp_phone_number_id: string;
  status: string;
  last_message_at: Date | null;
  last_incoming_message_at: Date | null;
  created_at: Date;
  updated_at: Date;
  contact_id: string;
  contact_name: string | null;
  phone_number: string;
  last_message_id: string | null;
}

const CHAT_ORDER = { createdAt: 'created_at', updatedAt: 'updated_at', lastMessageAt: 'last_message_at' } as const;
export type ChatOrderField = keyof typeof CHAT_ORDER;

/** A page of the team's chats; `search` matches the customer's phone digits or name. */
export async function listChats(
  db: Queryable,
  teamId: string,
  q: { orderField: ChatOrderField; descending: boolean; search?: string; limit: number; offset: number },
): Promise<ChatRow[]> {
  const dir = q.descending ? 'desc' : 'asc';
  return db.query<ChatRow>(
    `select c.*, k.name as contact_name, k.phone_number,
            (select m.id from chat_messages m where m.chat_id = c.id order by m.created_at desc, m.id desc limit 1) as last_message_id
       from chats c join contacts k on k.id = c.contact_id
      where c.team_id = $1 and ($2::text is null or k.phone_number like $2 or k.name ilike $2)
      order by c.${CHAT_ORDER[q.orderField]} ${dir} nulls last, c.id ${dir}
      limit $3 offset $4`,
    // The search text matches literally: LIKE's own characters are escaped.
    [teamId, q.search === undefined ? null : `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, q.limit, q.offset],
  );
}

export async function findChat(db: Queryable, teamId: string, chatId: string): Promise<{ id: string } | undefined> {
  const rows = await db.query<{ id: string }>('select id from chats where id = $1 and team_id = $2', [chatId, teamId]);
  return rows[0];
}

export async function messagesOfChat(db: Queryable, teamId: string, chatId: string, limit: number, offset: number): Promise<ChatMessageRow[]> {
  return db.query<ChatMessageRow>(`${MESSAGE_SELECT} where m.chat_id = $1 and m.team_id = $2 order by m.created_at desc, m.id desc limit $3 offset $4`, [
    chatId,
    teamId,
    limit,
    offset,
  ]);
}
