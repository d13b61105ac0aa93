/** SQL for the durable send queue (rows beside their QUEUED chat messages). */
import type { Queryable } from '../../core/db/types.ts';
import type { MetaFailure } from './meta-outcome.ts';

export interface QueuedSend {
  message_id: string;
  team_id: string;
  plugin_id: string;
  /** Attempts including the one this claim starts. */
  attempts: number;
  /** Meta's message, as stored on the chat message. */
  payload: Record<string, unknown>;
}

export type SendOutcome = { messageId: string } & (
  | { status: 'SENT'; wamid: string | null }
  | { status: 'FAILED'; error: MetaFailure }
  | { status: 'RETRY'; error: MetaFailure; retryInMs: number }
);

/**
 * Claims up to `limit` due sends of a number, oldest first, counting the attempt. Their due
 * time moves `leaseMs` ahead, so sends claimed by a process that dies become due again then.
 */
export async function claimDueSends(db: Queryable, phoneNumberId: string, limit: number, leaseMs: number): Promise<QueuedSend[]> {
  const rows = await db.query<QueuedSend & { seq: number }>(
    `with due as (
       select message_id, seq from whatsapp_send_queue
        where phone_number_id = $1 and next_attempt_at <= now()
        order by next_attempt_at, seq limit $2 for update skip locked)
     update whatsapp_send_queue q
        set next_attempt_at = now() + $3 * interval '1 millisecond', attempts = q.attempts + 1
       from due, chat_messages m
      where q.message_id = due.message_id and m.id = q.message_id
     returning q.message_id, q.team_id, q.plugin_id, q.attempts, m.payload, due.seq`,
    [phoneNumberId, limit, leaseMs],
  );
  return rows.sort((a, b) => a.seq - b.seq);
}

/**
 * Records outcomes in one statement: SENT and FAILED settle the chat message and leave the
 * queue; RETRY keeps the row, due again later. A message no longer QUEUED is left as it is.
 */
export async function settleSends(db: Queryable, outcomes: SendOutcome[]): Promise<void> {
  if (!outcomes.length) return;
  const rows = outcomes.map((o) => ({
    id: o.messageId,
    status: o.status,
    wamid: o.status === 'SENT' ? o.wamid : null,
    error: o.status === 'SENT' ? null : o.error,
    retry_in_ms: o.status === 'RETRY' ? o.retryInMs : null,
  }));
  await db.run(
    `with o as (select * from jsonb_to_recordset($1::jsonb) as o(id uuid, status text, wamid text, error jsonb, retry_in_ms double precision)),
     settled as (
       update chat_messages m set delivery_status = o.status, external_id = o.wamid, error = o.error, updated_at = now()
         from o where m.id = o.id and o.status <> 'RETRY' and m.delivery_status = 'QUEUED'
       returning m.id),
     gone as (delete from whatsapp_send_queue q using o where q.message_id = o.id and o.status <> 'RETRY' returning 1)
     update whatsapp_send_queue q set next_attempt_at = now() + o.retry_in_ms * interval '1 millisecond', last_error = o.error
       from o where q.message_id = o.id and o.status = 'RETRY'`,
    [JSON.stringify(rows)],
  );
}

/** Gives claimed sends back unattempted (a stopping process), due at once. */
export async function releaseSends(db: Queryable, messageIds: string[]): Promise<void> {
  if (!messageIds.length) return;
  await db.run('update whatsapp_send_queue set next_attempt_at = now(), attempts = attempts - 1 where message_id = any($1::uuid[])', [
    messageIds,
  ]);
}

/** Numbers with queued sends and when the earliest is due (in ms from now; ≤ 0: due). */
export async function numbersWithSends(db: Queryable, phoneNumberId?: string): Promise<{ phone_number_id: string; due_in_ms: number }[]> {
  return db.query(
    `select phone_number_id, extract(epoch from (min(next_attempt_at) - now())) * 1000 as due_in_ms
       from whatsapp_send_queue where $1::text is null or phone_number_id = $1 group by phone_number_id`,
    [phoneNumberId ?? null],
  );
}

/** Queued sends per sending number (QUEUED messages not yet SENT or FAILED), for /metrics. */
export async function queuedSendCounts(db: Queryable): Promise<{ phone_number_id: string; count: number }[]> {
  return db.query('select phone_number_id, count(*)::int as count from whatsapp_send_queue group by phone_number_id');
}
