/**
 * The statements that write processes and records. Each takes a set of rows — one for a single
 * request, a chunk's worth for a bulk job — so that what a write means (a null clears an
 * attribute, a new state brings its status, record data merges, a taken primary key is not
 * overwritten) is written once. The rows travel as one JSON parameter: set-based, whatever their
 * number. Every statement on rows is scoped by team.
 */
import type { Queryable } from '../../core/db/types.ts';
import type { ProcedureDef, StateDef } from '../config/model.ts';
import { RECORD_JSON, withDates, type ProcessRow, type ProcessWithRecord } from './repo.ts';
import { datedColumns, type DatedRow } from '../../core/db/dated-rows.ts';

/**
 * What a process write hands back: `'id'` for a bulk create chunk, which needs no more (reading
 * a thousand whole rows back costs about a tenth of a chunk's time), `'state'` for a bulk update
 * chunk, which needs the fields history compares, or `'process'` for the view a response is made
 * of: each row with its record.
 */
export type Returning = 'id' | 'state' | 'process';
type Returned<R extends Returning> = R extends 'process' ? ProcessWithRecord : R extends 'state' ? ProcessStateRow : { id: string };

/** The fields of a process a change can move (process-events.ts compares them). */
export type ProcessStateRow = Pick<ProcessRow, 'id' | 'data' | 'status' | 'state_id' | 'assigned_to' | 'next_action_at'>;
const STATE_COLUMNS = 'p.id, p.data, p.status, p.state_id, p.assigned_to, p.next_action_at';

/** `sql` (a write to `processes p`) with the RETURNING clause `what` asks for. */
async function writeProcesses<R extends Returning>(db: Queryable, sql: string, params: unknown[], what: R): Promise<Returned<R>[]> {
  if (what === 'id') return (await db.query(`${sql} returning p.id`, params)) as Returned<R>[];
  if (what === 'state') return (await db.query(`${sql} returning ${STATE_COLUMNS}`, params)) as Returned<R>[];
  // The record by key, per row: a CTE joining the RETURNING rows let the planner scan records,
  // which made a single create twice as slow (measured).
  const rows = await db.query(`${sql} returning p.*, (select ${RECORD_JSON} from records r where r.id = p.record_id) as record`, params);
  return rows.map(withDates) as Returned<R>[];
}

/** Attribute values split into those to set and the keys to remove (null values). */
function splitChanges(data: Record<string, unknown>): [Record<string, unknown>, string[]] {
  const set: Record<string, unknown> = {};
  const cleared: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (v === null) cleared.push(k);
    else set[k] = v;
  }
  return [set, cleared];
}

/** A process to insert. Null values in `data` are left out: a new process has nothing to clear. */
export type NewProcess = Pick<
  ProcessRow,
  'id' | 'record_id' | 'assigned_to' | 'status' | 'state_id' | 'next_action_at' | 'data' | 'pk_value'
>;

/**
 * Inserts processes of one procedure. A row whose primary-key value a live process of the
 * procedure holds is not inserted and is missing from what comes back: the caller decides
 * whether that is a 409 or a lost race.
 */
export async function insertProcesses<R extends Returning>(
  db: Queryable,
  teamId: string,
  procedure: Pick<ProcedureDef, 'id' | 'entityId'>,
  rows: NewProcess[],
  what: R,
): Promise<Returned<R>[]> {
  if (!rows.length) return [];
  return writeProcesses(
    db,
    `insert into processes as p (id, team_id, procedure_id, entity_id, record_id, assigned_to, status, state_id, next_action_at, data, pk_value)
     select v.id, $1, $2, $3, v.record_id, v.assigned_to, v.status, v.state_id, v.next_action_at, coalesce(v.data, '{}'), v.pk_value
       from jsonb_to_recordset($4::jsonb) as v(id uuid, record_id uuid, assigned_to uuid, status text, state_id uuid,
                                               next_action_at timestamptz, data jsonb, pk_value text)
     on conflict (procedure_id, pk_value) where pk_value is not null and not is_deleted do nothing`,
    [teamId, procedure.id, procedure.entityId, JSON.stringify(rows.map((r) => ({ ...r, data: splitChanges(r.data)[0] })))],
    what,
  );
}

/** A change to one process; what is left undefined stays as it is. */
export interface ProcessChange {
  id: string;
  /** Merged attribute by attribute; a null removes the attribute. */
  data?: Record<string, unknown>;
  status?: string;
  /** A state other than the current one brings its status along, unless `status` is given too. */
  state?: Pick<StateDef, 'id' | 'status'>;
  nextActionAt?: Date | null;
  assignedTo?: string | null;
  pkValue?: string | null;
  /** Soft-deletes: the row stays, hidden, and its primary-key value is free again. */
  isDeleted?: boolean;
}

/**
 * Changes live processes of a team, at most one change per process. Each is merged into the row
 * as it is when the row lock is taken (`data || changes`, the status decided against the state
 * the row then has), so a concurrent change of another attribute is never lost. A process that
 * is not changed (deleted meanwhile) is missing from what comes back; a primary-key value
 * already taken is PostgreSQL's unique violation.
 */
export async function updateProcesses<R extends Returning>(
  db: Queryable,
  teamId: string,
  changes: ProcessChange[],
  what: R,
): Promise<Returned<R>[]> {
  if (!changes.length) return [];
  const rows = changes.map((c) => {
    const [set, cleared] = splitChanges(c.data ?? {});
    return {
      id: c.id,
      set,
      cleared,
      status: c.status ?? null,
      state_id: c.state?.id ?? null,
      state_status: c.state?.status ?? null,
      set_next: c.nextActionAt !== undefined,
      next_action_at: c.nextActionAt ?? null,
      set_assignee: c.assignedTo !== undefined,
      assigned_to: c.assignedTo ?? null,
      set_pk: c.pkValue !== undefined,
      pk_value: c.pkValue ?? null,
      is_deleted: c.isDeleted === true,
    };
  });
  return writeProcesses(
    db,
    `update processes p set
        data = (p.data || v.set) - v.cleared,
        status = coalesce(v.status, case when v.state_id is not null and v.state_id <> p.state_id then v.state_status end, p.status),
        state_id = coalesce(v.state_id, p.state_id),
        next_action_at = case when v.set_next then v.next_action_at else p.next_action_at end,
        assigned_to = case when v.set_assignee then v.assigned_to else p.assigned_to end,
        pk_value = case when v.set_pk then v.pk_value else p.pk_value end,
        is_deleted = p.is_deleted or v.is_deleted,
        deleted_at = case when v.is_deleted then now() else p.deleted_at end,
        updated_at = now()
       from jsonb_to_recordset($2::jsonb) as v(id uuid, set jsonb, cleared text[], status text, state_id uuid, state_status text,
                                               set_next boolean, next_action_at timestamptz, set_assignee boolean,
                                               assigned_to uuid, set_pk boolean, pk_value text, is_deleted boolean)
      where p.id = v.id and p.team_id = $1 and not p.is_deleted`,
    [teamId, JSON.stringify(rows)],
    what,
  );
}

/**
 * Live processes of a procedure by id or primary-key value: what a bulk chunk addresses, and
 * who holds the keys it wants to give out.
 *
 * The procedure is one team's, so it scopes the query; the team is checked on the rows rather
 * than in the WHERE clause on purpose: given `team_id = …`, a planner without statistics (a
 * freshly loaded table; PGlite has no autovacuum) walks the team's whole list index instead of
 * the primary-key index, which made each chunk slower as the table grew.
 */
export async function findLiveProcesses(
  db: Queryable,
  teamId: string,
  procedureId: string,
  by: { ids?: string[]; pkValues?: string[] },
): Promise<{ id: string; pk_value: string | null }[]> {
  const ids = by.ids ?? [];
  const pkValues = [...new Set(by.pkValues ?? [])];
  if (!ids.length && !pkValues.length) return [];
  const rows = await db.query<{ id: string; pk_value: string | null; team_id: string }>(
    `select id, pk_value, team_id from processes
      where procedure_id = $1 and not is_deleted and (id = any($2::uuid[]) or pk_value = any($3::text[]))`,
    [procedureId, ids, pkValues],
  );
  return rows.filter((r) => r.team_id === teamId);
}

/**
 * Locks live processes of a team and reads what a change can move, before a bulk update
 * changes them: their values then are the "old" of their history. Locked in id order, so two
 * chunks touching the same processes queue instead of deadlocking.
 */
export async function lockProcessStates(db: Queryable, teamId: string, ids: string[]): Promise<ProcessStateRow[]> {
  if (!ids.length) return [];
  return db.query<ProcessStateRow>(
    `select ${STATE_COLUMNS} from processes p
      where p.id = any($1::uuid[]) and p.team_id = $2 and not p.is_deleted
      order by p.id for update`,
    [ids, teamId],
  );
}

/** Of these ids (lower case), those of the entity's records in this team. */
export async function findRecordIds(db: Queryable, teamId: string, entityId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.query<{ id: string }>('select id from records where team_id = $1 and entity_id = $2 and id = any($3::uuid[])', [
    teamId,
    entityId,
    ids,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** A record to create, unless a record of the entity already holds its primary-key value. */
export interface NewRecord {
  id: string;
  pk_value: string | null;
  /** Without nulls: merged into an existing record, a null would be stored, not clear anything. */
  data: Record<string, unknown>;
}

/**
 * Creates records of an entity or, where one already holds the primary-key value, merges the
 * data into it. One statement, so concurrent creates for one new customer link one record. At
 * most one row per value. Returns each row's record id with its value.
 */
export async function upsertRecords(
  db: Queryable,
  teamId: string,
  entityId: string,
  rows: NewRecord[],
): Promise<{ id: string; pk_value: string | null }[]> {
  if (!rows.length) return [];
  return db.query(
    `insert into records (id, team_id, entity_id, pk_value, data)
     select v.id, $1, $2, v.pk_value, v.data from jsonb_to_recordset($3::jsonb) as v(id uuid, pk_value text, data jsonb)
     on conflict (entity_id, pk_value) where pk_value is not null
       do update set data = records.data || excluded.data, updated_at = now()
     returning id, pk_value`,
    [teamId, entityId, JSON.stringify(rows)],
  );
}

/** Merges data into records of a team, at most one change per record; a null removes the key. */
export async function mergeIntoRecords(
  db: Queryable,
  teamId: string,
  changes: { id: string; data: Record<string, unknown> }[],
): Promise<void> {
  if (!changes.length) return;
  const rows = changes.map((c) => {
    const [set, cleared] = splitChanges(c.data);
    return { id: c.id, set, cleared };
  });
  await db.run(
    `update records r set data = (r.data || v.set) - v.cleared, updated_at = now()
       from jsonb_to_recordset($2::jsonb) as v(id uuid, set jsonb, cleared text[])
      where r.id = v.id and r.team_id = $1`,
    [teamId, JSON.stringify(rows)],
  );
}

/**
 * Fresh planner statistics after a big import: without them the planner may answer a
 * primary-key lookup by walking all of a team's processes. PostgreSQL's autovacuum gets there
 * within a minute or so; PGlite has no autovacuum at all.
 */
export async function analyzeProcesses(db: Queryable): Promise<void> {
  await db.exec('analyze processes, records');
}

/** Moves processes to their sample times, then each one's record to its processes' first and last. */
export async function backdateProcesses(q: Queryable, rows: DatedRow[]): Promise<void> {
  await q.run(
    `update processes p set created_at = x.created_at, updated_at = x.updated_at
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where p.id = x.id`,
    datedColumns(rows),
  );
  await q.run(
    `update records r set created_at = p.first_at, updated_at = p.last_at
       from (select record_id, min(created_at) as first_at, max(updated_at) as last_at
               from processes where id = any($1::uuid[]) and record_id is not null group by record_id) p
      where r.id = p.record_id`,
    [rows.map((r) => r.id)],
  );
}
