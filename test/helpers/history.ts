/**
 * A change as the event stream sees it: one process_history row, written with its
 * `pg_notify('chakra_history', <team>)` in one transaction, as every process write does
 * (migration 018, features/history). Process writes through the API do this themselves (one
 * test goes through the API); the rest write here, to control transactions, actors and sizes
 * exactly (a transaction held open, thousands of large rows).
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../src/core/db/types.ts';

export interface RecordedChange {
  /** The event id the stream gives it: `<txid>.<id>`. */
  eventId: string;
  processId: string;
}

/** Inserts history rows for `teamId` on `q` (a transaction's handle), and the notification. */
export async function insertChanges(
  q: Queryable,
  teamId: string,
  count = 1,
  options: { kind?: string; changes?: unknown; processId?: string } = {},
): Promise<RecordedChange[]> {
  const [procedure] = await q.query<{ id: string }>('select id from procedures where team_id = $1 order by short_id limit 1', [teamId]);
  const processId = options.processId ?? randomUUID();
  const rows = await q.query<{ txid: string; id: string }>(
    `insert into process_history (team_id, procedure_id, process_id, kind, actor_type, actor_id, actor_name, changes)
     select $1, $2, $3, $4, 'key', 'test-key', 'test', $5::jsonb from generate_series(1, $6)
     returning txid::text as txid, id::text as id`,
    [
      teamId,
      procedure.id,
      processId,
      options.kind ?? 'updated',
      JSON.stringify(options.changes ?? [{ field: 'score', old: 1, new: 2 }]),
      count,
    ],
  );
  await q.query(`select pg_notify('chakra_history', $1)`, [teamId]);
  return rows.map((r) => ({ eventId: `${r.txid}.${r.id}`, processId }));
}

/** One committed change (or `count` in one transaction). */
export function recordChange(
  db: Db,
  teamId: string,
  count = 1,
  options: { kind?: string; changes?: unknown } = {},
): Promise<RecordedChange[]> {
  return db.tx((tx) => insertChanges(tx, teamId, count, options));
}

export async function teamIdOf(db: Db, shortId: string): Promise<string> {
  const [team] = await db.query<{ id: string }>('select id from teams where short_id = $1', [shortId]);
  return team.id;
}
