/**
 * Reading process_history as a stream (migration 018). A row is safe to hand out once its
 * transaction is older than every one still running on this database: no transaction still
 * able to commit can then add a row before it, so a reader that moves past it never skips a
 * row that commits late with a smaller id.
 */
import type { Queryable } from '../../core/db/types.ts';
import type { Position } from './position.ts';

/**
 * The oldest transaction id still running on this database when the statement's snapshot was
 * taken, or the snapshot's xmax when none is; rows of older transactions are safe.
 *
 * Transaction ids are shared by every database of a server, so `pg_snapshot_xmin` alone would
 * let a transaction left open in another database (another application, a long import) hold
 * every event back. A running id is skipped only when pg_stat_activity shows it belongs to a
 * backend of another database: a backend never changes database, so that proof cannot be
 * stale, while an id that ended before pg_stat_activity was read (so cannot be placed) still
 * counts as ours: it costs a look again, never a skipped row. pg_stat_activity shows
 * `backend_xid` (32 bits) to any role; it is compared with the low 32 bits of the xid8.
 */
const SAFE_HORIZON = `(select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
     from pg_snapshot_xip(pg_current_snapshot()) x
    where x::text::bigint % 4294967296 not in (
      select a.backend_xid::text::bigint from pg_stat_activity a
       where a.backend_xid is not null
         and a.datid <> (select oid from pg_database where datname = current_database())))`;

export interface HistoryRow {
  txid: string;
  id: string;
  kind: string;
  /** The procedure's shortId (null if the procedure is gone). */
  procedure: string | null;
  procedure_id: string;
  process_id: string;
  changes: unknown;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  created_at: Date | string;
  /** Its transaction is older than every running one: it may be handed out. */
  safe: boolean;
}

/**
 * Up to `limit` rows of the team after `after` in stream order, each flagged `safe`; the safe
 * ones are a prefix (the order is by txid). `upTo` bounds a replay to what the live feed has
 * already passed (every row up to it is safe).
 */
export async function rowsAfter(q: Queryable, teamId: string, after: Position, limit: number, upTo?: Position): Promise<HistoryRow[]> {
  const bounded = upTo ? 'and (h.txid, h.id) <= ($5::xid8, $6::bigint)' : '';
  return q.query<HistoryRow>(
    `select h.txid::text as txid, h.id::text as id, h.kind, p.short_id as procedure, h.procedure_id, h.process_id,
            h.changes, h.actor_type, h.actor_id, h.actor_name, h.created_at,
            h.txid < ${SAFE_HORIZON} as safe
       from process_history h
       left join procedures p on p.id = h.procedure_id
      where h.team_id = $1 and (h.txid, h.id) > ($2::xid8, $3::bigint) ${bounded}
      order by h.txid, h.id
      limit $4`,
    upTo ? [teamId, after.txid, after.id, limit, upTo.txid, upTo.id] : [teamId, after.txid, after.id, limit],
  );
}

/** The team's newest safe row: where a stream without a position starts ("now"). */
export async function newestSafePosition(q: Queryable, teamId: string): Promise<Position | undefined> {
  const [row] = await q.query<Position>(
    // Ordered by the columns (h.txid, h.id), not the text outputs of the same names.
    `select h.txid::text as txid, h.id::text as id from process_history h
      where h.team_id = $1 and h.txid < ${SAFE_HORIZON}
      order by h.txid desc, h.id desc limit 1`,
    [teamId],
  );
  return row;
}

/** The row a position names still exists for this team (not pruned, not another team's or database's). */
export async function positionExists(q: Queryable, teamId: string, p: Position): Promise<boolean> {
  const rows = await q.query('select 1 from process_history where team_id = $1 and txid = $2::xid8 and id = $3::bigint', [
    teamId,
    p.txid,
    p.id,
  ]);
  return rows.length > 0;
}

/** How many rows lie in (after, upTo], counted up to `max + 1` only: is a replay longer than `max`? */
export async function countBetween(q: Queryable, teamId: string, after: Position, upTo: Position, max: number): Promise<number> {
  const [{ n }] = await q.query<{ n: number }>(
    `select count(*)::int as n from (
       select 1 from process_history
        where team_id = $1 and (txid, id) > ($2::xid8, $3::bigint) and (txid, id) <= ($4::xid8, $5::bigint)
        limit $6) s`,
    [teamId, after.txid, after.id, upTo.txid, upTo.id, max + 1],
  );
  return n;
}
