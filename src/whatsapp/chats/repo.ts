/** SQL for contacts, chats and chat messages. Every statement is scoped by team. */
import type { Queryable } from '../../core/db/types.ts';
import { datedColumns, type DatedRow } from '../../core/db/dated-rows.ts';

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

export type NewChatMessage = Omit<ChatMessageRow, 'chat_id' | 'contact_id' | 'created_at' | 'updated_at' | 'source_type'> & {
  whatsapp_phone_number_id: string;
};

/**
 * Stores a message in one statement: the customer's contact and the chat between the sending
 * number and the customer are found or created, the chat's last-message times moved, and —
 * with `enqueue` — the message is put on the durable send queue. One statement is one
 * transaction and one round trip, which is what a send costs most on a busy server.
 */
export async function insertChatMessage(q: Queryable, m: NewChatMessage, options: { enqueue?: boolean } = {}): Promise<ChatMessageRow> {
  const rows = await q.query<ChatMessageRow>(
    `with contact as (
       insert into contacts (id, team_id, phone_number) values (gen_random_uuid(), $2, $3)
       on conflict (team_id, phone_number) do update set updated_at = contacts.updated_at
       returning id),
     chat as (
       insert into chats (id, team_id, plugin_id, whatsapp_phone_number_id, contact_id, last_message_at, last_incoming_message_at)
       select gen_random_uuid(), $2, $4, $5, contact.id, now(), case when $6 = 'INCOMING' then now() end from contact
       on conflict (whatsapp_phone_number_id, contact_id) do update
         set last_message_at = now(), updated_at = now(),
             last_incoming_message_at = case when $6 = 'INCOMING' then now() else chats.last_incoming_message_at end
       returning id, contact_id),
     message as (
       insert into chat_messages (id, team_id, chat_id, contact_id, plugin_id, procedure_id, process_id, external_id, direction,
                                  data_type, text, payload, delivery_status, error)
       select $1, $2, chat.id, chat.contact_id, $4, $7, $8, $9, $6, $10, $11, $12::jsonb, $13, $14::jsonb from chat
       returning *),
     queued as (
       insert into whatsapp_send_queue (message_id, team_id, plugin_id, phone_number_id)
       select id, team_id, plugin_id, $5 from message where $15::boolean)
     select message.*, $3::text as phone_number from message`,
    [
      m.id,
      m.team_id,
      m.phone_number,
      m.plugin_id,
      m.whatsapp_phone_number_id,
      m.direction,
      m.procedure_id,
      m.process_id,
      m.external_id,
      m.data_type,
      m.text,
      JSON.stringify(m.payload),
      m.delivery_status,
      m.error === null ? null : JSON.stringify(m.error),
      options.enqueue === true,
    ],
  );
  return rows[0];
}

export interface IncomingMessage {
  id: string;
  phone_number: string;
  whatsapp_phone_number_id: string;
  external_id: string;
  data_type: string;
  text: string | null;
  payload: Record<string, unknown>;
}

/**
 * Stores customers' messages (one plugin's, each wamid once) in one statement, as
 * insertChatMessage does one: contacts and chats found or created, last-message times moved.
 * Returns the stored rows in the order given.
 */
export async function insertIncomingMessages(
  q: Queryable,
  teamId: string,
  pluginId: string,
  messages: IncomingMessage[],
): Promise<ChatMessageRow[]> {
  if (!messages.length) return [];
  const rows = await q.query<ChatMessageRow & { ord: number }>(
    `with input as (
       select * from jsonb_to_recordset($3::jsonb)
         as x(ord int, id uuid, phone_number text, whatsapp_phone_number_id text, external_id text, data_type text, text text, payload jsonb)),
     -- Known customers are read, new ones inserted: no row rewritten just to learn its id.
     known as (
       select id, phone_number from contacts where team_id = $1 and phone_number in (select phone_number from input)),
     added as (
       insert into contacts (id, team_id, phone_number)
       select gen_random_uuid(), $1, phone_number from (select distinct phone_number from input) p
        where phone_number not in (select phone_number from known)
       on conflict (team_id, phone_number) do update set updated_at = contacts.updated_at
       returning id, phone_number),
     contact as (select * from known union all select * from added),
     chat as (
       insert into chats (id, team_id, plugin_id, whatsapp_phone_number_id, contact_id, last_message_at, last_incoming_message_at)
       select gen_random_uuid(), $1, $2, p.whatsapp_phone_number_id, c.id, now(), now()
         from (select distinct phone_number, whatsapp_phone_number_id from input) p join contact c using (phone_number)
       on conflict (whatsapp_phone_number_id, contact_id) do update
         set last_message_at = now(), last_incoming_message_at = now(), updated_at = now()
       returning id, contact_id, whatsapp_phone_number_id),
     message as (
       insert into chat_messages (id, team_id, chat_id, contact_id, plugin_id, external_id, direction, data_type, text, payload, delivery_status)
       select i.id, $1, chat.id, chat.contact_id, $2, i.external_id, 'INCOMING', i.data_type, i.text, i.payload, 'DELIVERED'
         from input i join contact c using (phone_number)
         join chat on chat.contact_id = c.id and chat.whatsapp_phone_number_id = i.whatsapp_phone_number_id
        order by i.ord
       returning *)
     select message.*, input.phone_number, input.ord from message join input using (id) order by input.ord`,
    [teamId, pluginId, JSON.stringify(messages.map((m, ord) => ({ ...m, ord })))],
  );
  return rows.map(({ ord: _, ...row }) => row);
}

/** Which of these wamids a team's chat store already holds. */
export async function existingWamids(q: Queryable, teamId: string, wamids: string[]): Promise<Set<string>> {
  if (!wamids.length) return new Set();
  const rows = await q.query<{ external_id: string }>(
    'select external_id from chat_messages where team_id = $1 and external_id = any($2::text[])',
    [teamId, wamids],
  );
  return new Set(rows.map((r) => r.external_id));
}

const MESSAGE_SELECT = `select m.*, c.phone_number from chat_messages m join contacts c on c.id = m.contact_id`;

export async function findMessages(db: Queryable, teamId: string, ids: string[]): Promise<ChatMessageRow[]> {
  return ids.length ? db.query<ChatMessageRow>(`${MESSAGE_SELECT} where m.id = any($1::uuid[]) and m.team_id = $2`, [ids, teamId]) : [];
}

/** Messages exchanged with one customer phone, newest first. */
export async function messagesForPhone(
  db: Queryable,
  teamId: string,
  phone: string,
  limit: number,
  offset: number,
): Promise<ChatMessageRow[]> {
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

export async function messagesOfChat(
  db: Queryable,
  teamId: string,
  chatId: string,
  limit: number,
  offset: number,
): Promise<ChatMessageRow[]> {
  return db.query<ChatMessageRow>(
    `${MESSAGE_SELECT} where m.chat_id = $1 and m.team_id = $2 order by m.created_at desc, m.id desc limit $3 offset $4`,
    [chatId, teamId, limit, offset],
  );
}

/** Moves chat messages to their sample times, then their chats' and contacts' times to match. */
export async function backdateChatMessages(q: Queryable, rows: DatedRow[]): Promise<void> {
  await q.run(
    `update chat_messages m set created_at = x.created_at, updated_at = x.updated_at
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where m.id = x.id`,
    datedColumns(rows),
  );
  await q.run(
    `with times as (
       select chat_id, contact_id, min(created_at) as first_at, max(created_at) as last_at,
              max(created_at) filter (where direction = 'INCOMING') as last_incoming_at
         from chat_messages where id = any($1::uuid[]) group by chat_id, contact_id),
     chats_moved as (
       update chats c set created_at = t.first_at, updated_at = t.last_at, last_message_at = t.last_at, last_incoming_message_at = t.last_incoming_at
         from times t where c.id = t.chat_id)
     update contacts k set created_at = t.first_at, updated_at = t.first_at from times t where k.id = t.contact_id`,
    [rows.map((r) => r.id)],
  );
}

/**
 * A call's row in the chat store, locked for this transaction: calls are logged as chat messages
 * (data type `call`) whose `external_id` is Meta's call id, so a conversation's history shows
 * them between its messages. The advisory lock orders a call's events when the answer to
 * `connect` and Meta's first webhook arrive together.
 */
export async function lockCallRow(tx: Queryable, teamId: string, callId: string): Promise<ChatMessageRow | undefined> {
  await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`call:${teamId}:${callId}`]);
  const rows = await tx.query<ChatMessageRow>(
    `select m.*, c.phone_number from chat_messages m join contacts c on c.id = m.contact_id
      where m.team_id = $1 and m.external_id = $2 and m.data_type = 'call'`,
    [teamId, callId],
  );
  return rows[0];
}

/** Moves a logged call on: its text and state. */
export async function updateCallRow(
  tx: Queryable,
  row: ChatMessageRow,
  text: string,
  payload: Record<string, unknown>,
): Promise<ChatMessageRow> {
  const rows = await tx.query<ChatMessageRow>(
    `update chat_messages set text = $3, payload = $4::jsonb, updated_at = now() where team_id = $1 and id = $2 returning *`,
    [row.team_id, row.id, text, JSON.stringify(payload)],
  );
  return { ...rows[0], phone_number: row.phone_number };
}
