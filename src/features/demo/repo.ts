/**
 * SQL for the demo sample data: the sending number to converse on, and the timestamps that
 * place the sample in the past. The rows themselves are written by the services requests use.
 */
import type { Queryable } from '../../core/db/types.ts';

export interface SendingNumber {
  plugin_id: string;
  phone_number_id: string;
}

/** The team's first WhatsApp number (the demo plugin's), if it has one. */
export async function firstSendingNumber(q: Queryable, teamId: string): Promise<SendingNumber | undefined> {
  const rows = await q.query<SendingNumber>(
    'select plugin_id, phone_number_id from whatsapp_phone_numbers where team_id = $1 order by created_at, phone_number_id limit 1',
    [teamId],
  );
  return rows[0];
}

export interface Dated {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

const columns = (rows: Dated[]) => [
  rows.map((r) => r.id),
  rows.map((r) => r.createdAt.toISOString()),
  rows.map((r) => r.updatedAt.toISOString()),
];

/** Moves processes to their sample times, then each one's record to its processes' first and last. */
export async function backdateProcesses(q: Queryable, rows: Dated[]): Promise<void> {
  await q.run(
    `update processes p set created_at = x.created_at, updated_at = x.updated_at
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where p.id = x.id`,
    columns(rows),
  );
  await q.run(
    `update records r set created_at = p.first_at, updated_at = p.last_at
       from (select record_id, min(created_at) as first_at, max(updated_at) as last_at
               from processes where id = any($1::uuid[]) and record_id is not null group by record_id) p
      where r.id = p.record_id`,
    [rows.map((r) => r.id)],
  );
}

/** Moves tasks to their sample times; a completed or cancelled one was closed when it was last updated. */
export async function backdateTasks(q: Queryable, rows: Dated[]): Promise<void> {
  await q.run(
    `update tasks t set created_at = x.created_at, updated_at = x.updated_at,
            completed_at = case when t.completed_at is not null then x.updated_at end,
            cancelled_at = case when t.cancelled_at is not null then x.updated_at end
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where t.id = x.id`,
    columns(rows),
  );
}

/** Moves chat messages to their sample times, then their chats' and contacts' times to match. */
export async function backdateChatMessages(q: Queryable, rows: Dated[]): Promise<void> {
  await q.run(
    `update chat_messages m set created_at = x.created_at, updated_at = x.updated_at
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where m.id = x.id`,
    columns(rows),
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
