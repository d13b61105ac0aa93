/** SQL that reads processes and their records (bulk-repo.ts writes them). Every statement is scoped by team. */
import type { Queryable } from '../../core/db/types.ts';
import { keysetCondition, keyText, type SortPart } from './sort.ts';

export interface ProcessRow {
  id: string;
  team_id: string;
  procedure_id: string;
  entity_id: string | null;
  record_id: string | null;
  created_by: string | null;
  assigned_to: string | null;
  belongs_to: string | null;
  status: string;
  state_id: string;
  next_action_at: Date | null;
  data: Record<string, unknown>;
  pk_value: string | null;
  is_deleted: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface RecordRow {
  id: string;
  entity_id: string;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export type ProcessWithRecord = ProcessRow & { record: RecordRow | null };

/** A process's record as one JSON value (null without one), over the alias `r`. */
export const RECORD_JSON = `case when r.id is null then null else json_build_object(
  'id', r.id, 'entity_id', r.entity_id, 'data', r.data, 'created_at', r.created_at, 'updated_at', r.updated_at) end`;

/** A row with `record` (RECORD_JSON), its record's times as dates. */
export function withDates(row: any): ProcessWithRecord {
  const r = row.record;
  return {
    ...row,
    record: r ? { ...r, created_at: new Date(r.created_at), updated_at: new Date(r.updated_at) } : null,
  };
}

/** One round trip: the process joined with its record. `where` is a fragment over `p`. */
async function selectOne(db: Queryable, where: string, params: unknown[], lock = false): Promise<ProcessWithRecord | undefined> {
  const rows = await db.query(
    `select p.*, ${RECORD_JSON} as record
       from processes p left join records r on r.id = p.record_id
      where ${where} and not p.is_deleted${lock ? ' for update of p' : ''}`,
    params,
  );
  return rows[0] ? withDates(rows[0]) : undefined;
}

/** Processes of a team with their records, by id (in no particular order). */
export async function findProcessesWithRecords(db: Queryable, teamId: string, ids: string[]): Promise<ProcessWithRecord[]> {
  if (!ids.length) return [];
  const rows = await db.query(
    `select p.*, ${RECORD_JSON} as record
       from processes p left join records r on r.id = p.record_id
      where p.id = any($1::uuid[]) and p.team_id = $2`,
    [ids, teamId],
  );
  return rows.map(withDates);
}

export function findProcessById(db: Queryable, teamId: string, procedureId: string, id: string, lock = false) {
  return selectOne(db, 'p.id = $1 and p.team_id = $2 and p.procedure_id = $3', [id, teamId, procedureId], lock);
}

export function findProcessByPk(db: Queryable, teamId: string, procedureId: string, pkValue: string, lock = false) {
  return selectOne(db, 'p.pk_value = $1 and p.team_id = $2 and p.procedure_id = $3', [pkValue, teamId, procedureId], lock);
}

export interface ListQuery {
  teamId: string;
  procedureId: string;
  /** A condition over p and r whose parameters are numbered from $3. */
  where: { sql: string; params: unknown[] };
  /** The order's SQL keys, the id last (sort.ts). */
  order: SortPart[];
  /** Keyset position: rows strictly after these key values (cursor text) in that order. */
  after?: string[];
  limit: number;
  offset: number;
}

/** The SQL of a page of processes, with its parameters (also for EXPLAIN in tests). */
export function listProcessesQuery(q: ListQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.teamId, q.procedureId, ...q.where.params];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const keyset = q.after ? ` and (${keysetCondition(q.order, q.after, param)})` : '';
  const limit = param(q.limit + 1);
  const offset = param(q.offset);
  const sql = `select p.*, ${RECORD_JSON} as record, array[${q.order.map(keyText).join(', ')}] as sort_keys
       from processes p left join records r on r.id = p.record_id
      where p.team_id = $1 and p.procedure_id = $2 and not p.is_deleted and (${q.where.sql})${keyset}
      order by ${q.order.map((o) => `${o.sql} ${o.descending ? 'desc' : 'asc'}`).join(', ')}
      limit ${limit} offset ${offset}`;
  return { sql, params };
}

/**
 * A page of processes (limit + 1 rows are asked for, so the caller knows if there is more),
 * each with `sort_keys`: its order keys as text, for the next page's cursor.
 */
export async function listProcesses(db: Queryable, q: ListQuery): Promise<(ProcessWithRecord & { sort_keys: string[] })[]> {
  const { sql, params } = listProcessesQuery(q);
  const rows = await db.query(sql, params);
  return rows.map((row) => ({ ...withDates(row), sort_keys: row.sort_keys }));
}

/** A process's id when it exists in the procedure, deleted or not (its history outlives it). */
export async function findProcessIdWithDeleted(
  db: Queryable,
  teamId: string,
  procedureId: string,
  id: string,
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>('select id from processes where id = $1 and team_id = $2 and procedure_id = $3', [
    id,
    teamId,
    procedureId,
  ]);
  return rows[0]?.id;
}
