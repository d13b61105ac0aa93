/**
 * The process_history table (migrations/018): written by every process change in its own
 * transaction, read by the history endpoint and, by (team, txid, id), by the live event stream.
 */
import type { Actor } from '../../core/auth/principal.ts';
import { datedColumns, type DatedRow } from '../../core/db/dated-rows.ts';
import type { Queryable } from '../../core/db/types.ts';

/** The channel a committed history write announces its team on (the live stream listens). */
export const HISTORY_CHANNEL = 'chakra_history';

type HistoryKind = 'created' | 'updated' | 'deleted' | 'task_created' | 'task_completed' | 'task_cancelled';

/** One row to write: what happened to which process. */
export interface HistoryEntry {
  procedureId: string;
  processId: string;
  kind: HistoryKind;
  /** updated: `[{field, old, new}]`; created: `{state, status}`; task_*: `{taskId, stateTask, title, status}`; deleted: null or the fields it changed. */
  changes: unknown;
}

/**
 * Writes the rows of one change (one process, or a bulk chunk's hundreds) with one statement,
 * and in the same statement NOTIFYs the team on HISTORY_CHANNEL: PostgreSQL delivers it at
 * commit, and drops it with a rollback, so listeners hear of exactly the changes that happened.
 * A data-modifying CTE runs to completion whatever its reader takes, so `limit 1` notifies once
 * without cutting the insert short. No extra round trip on the single-change hot path.
 */
export async function writeHistory(tx: Queryable, teamId: string, actor: Actor, entries: HistoryEntry[]): Promise<void> {
  if (!entries.length) return;
  await tx.query(
    `with inserted as (
       insert into process_history (team_id, procedure_id, process_id, kind, actor_type, actor_id, actor_name, changes)
       select $1::uuid, e.procedure_id, e.process_id, e.kind, $2, $3, $4, e.changes
         from jsonb_to_recordset($5::jsonb) as e(procedure_id uuid, process_id uuid, kind text, changes jsonb)
       returning 1)
     select pg_notify('${HISTORY_CHANNEL}', $1::uuid::text) from inserted limit 1`,
    [
      teamId,
      actor.type,
      actor.id,
      actor.name,
      JSON.stringify(
        entries.map((e) => ({ procedure_id: e.procedureId, process_id: e.processId, kind: e.kind, changes: e.changes ?? null })),
      ),
    ],
  );
}

export interface HistoryRow {
  id: string;
  kind: HistoryKind;
  actor_type: Actor['type'];
  actor_id: string | null;
  actor_name: string;
  changes: unknown;
  created_at: Date;
}

/** A process's rows, newest first, strictly before row `before` when given; `limit` of them. */
export async function listHistory(
  db: Queryable,
  teamId: string,
  processId: string,
  page: { before?: string; limit: number },
): Promise<HistoryRow[]> {
  // id is a bigint: it travels as text both ways, so no row id is ever rounded by a JS number.
  // Ordered by the column (h.id), not the text output named id: "99" sorts after "122" as text.
  return db.query<HistoryRow>(
    `select h.id::text as id, h.kind, h.actor_type, h.actor_id, h.actor_name, h.changes, h.created_at
       from process_history h
      where h.process_id = $1 and h.team_id = $2 and ($3::bigint is null or h.id < $3::bigint)
      order by h.id desc
      limit $4`,
    [processId, teamId, page.before ?? null, page.limit],
  );
}

/**
 * Deletes up to `batch` rows older than `cutoff`, taken from the oldest end of the table (ids
 * grow with time), so a sweep with nothing to delete reads one batch of the primary key and no
 * index on created_at is needed. Returns how many it deleted; fewer than `batch` means the
 * oldest rows left are young enough. A row written by a transaction that began before an older
 * one committed may wait one sweep longer.
 */
export async function deleteHistoryBefore(db: Queryable, cutoff: Date, batch: number): Promise<number> {
  return db.run(
    `delete from process_history
      where id in (select id from (select id, created_at from process_history order by id limit $2) oldest where created_at < $1)`,
    [cutoff, batch],
  );
}

/**
 * Moves the history of backdated processes and tasks (the demo's sample data) to their times:
 * a process's creation to when it was created, a task's creation and closing to the task's.
 */
export async function backdateHistory(q: Queryable, processes: DatedRow[], tasks: DatedRow[]): Promise<void> {
  await q.run(
    `update process_history h set created_at = x.created_at
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where h.process_id = x.id and h.kind = 'created'`,
    datedColumns(processes),
  );
  await q.run(
    `update process_history h set created_at = case when h.kind = 'task_created' then x.created_at else x.updated_at end
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where h.kind in ('task_created', 'task_completed', 'task_cancelled') and h.changes->>'taskId' = x.id::text`,
    datedColumns(tasks),
  );
}
