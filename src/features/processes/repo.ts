/** SQL for processes and their records. Every statement is scoped by team. */
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

const RECORD_JSON = `case when r.id is null then null else json_build_object(
  'id', r.id, 'entity_id', r.entity_id, 'data', r.data, 'created_at', r.created_at, 'updated_at', r.updated_at) end`;

function withDates(row: any): ProcessWithRecord {
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

export async function findRecord(db: Queryable, teamId: string, entityId: string, id: string): Promise<RecordRow | undefined> {
  const rows = await db.query<RecordRow>('select id, entity_id, data, created_at, updated_at from records where id = $1 and team_id = $2 and entity_id = $3', [
    id,
    teamId,
    entityId,
  ]);
  return rows[0];
}

/** Merges `data` into a record (nulls remove keys). */
export async function mergeRecord(db: Queryable, id: string, data: Record<string, unknown>): Promise<RecordRow> {
  const [set, cleared] = splitChanges(data);
  const rows = await db.query<RecordRow>(
    `update records set data = (data || $2::jsonb) - $3::text[], updated_at = now() where id = $1
     returning id, entity_id, data, created_at, updated_at`,
    [id, JSON.stringify(set), cleared],
  );
  return rows[0];
}

/**
 * Creates a record, or — when a record of the entity already has this primary-key value —
 * merges the data into it. One statement, so concurrent creates for one customer link one record.
 */
export async function upsertRecord(
  db: Queryable,
  r: { id: string; teamId: string; entityId: string; pkValue: string | null; data: Record<string, unknown> },
): Promise<RecordRow> {
  const [set] = splitChanges(r.data);
  const rows = await db.query<RecordRow>(
    `insert into records (id, team_id, entity_id, pk_value, data) values ($1, $2, $3, $4, $5::jsonb)
     on conflict (entity_id, pk_value) where pk_value is not null
       do update set data = records.data || excluded.data, updated_at = now()
     returning id, entity_id, data, created_at, updated_at`,
    [r.id, r.teamId, r.entityId, r.pkValue, JSON.stringify(set)],
  );
  return rows[0];
}

export async function insertProcess(db: Queryable, p: Omit<ProcessRow, 'created_at' | 'updated_at' | 'is_deleted'>): Promise<ProcessRow> {
  const rows = await db.query<ProcessRow>(
    `insert into processes (id, team_id, procedure_id, entity_id, record_id, created_by, assigned_to, belongs_to,
                            status, state_id, next_action_at, data, pk_value)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)
     returning *`,
    [
      p.id, p.team_id, p.procedure_id, p.entity_id, p.record_id, p.created_by, p.assigned_to, p.belongs_to,
      p.status, p.state_id, p.next_action_at, JSON.stringify(p.data), p.pk_value,
    ],
  );
  return rows[0];
}

export interface ProcessChanges {
  data?: Record<string, unknown>;
  status?: string;
  stateId?: string;
  nextActionAt?: Date | null;
  assignedTo?: string | null;
  pkValue?: string | null;
}

export async function updateProcess(db: Queryable, id: string, c: ProcessChanges): Promise<ProcessRow> {
  const [set, cleared] = splitChanges(c.data ?? {});
  const rows = await db.query<ProcessRow>(
    `update processes set
        data = (data || $2::jsonb) - $3::text[],
        status = coalesce($4, status),
        state_id = coalesce($5::uuid, state_id),
        next_action_at = case when $6::boolean then $7::timestamptz else next_action_at end,
        assigned_to = case when $8::boolean then $9::uuid else assigned_to end,
        pk_value = case when $10::boolean then $11 else pk_value end,
        updated_at = now()
      where id = $1
      returning *`,
    [
      id, JSON.stringify(set), cleared, c.status ?? null, c.stateId ?? null,
      c.nextActionAt !== undefined, c.nextActionAt ?? null,
      c.assignedTo !== undefined, c.assignedTo ?? null,
      c.pkValue !== undefined, c.pkValue ?? null,
    ],
  );
  return rows[0];
}

export async function softDeleteProcess(db: Queryable, id: string): Promise<ProcessRow> {
  const rows = await db.query<ProcessRow>(
    'update processes set is_deleted = true, deleted_at = now(), updated_at = now() where id = $1 returning *',
    [id],
  );
  return rows[0];
}

/** Splits attribute values into those to set and the keys to remove (null values). */
export function splitChanges(data: Record<string, unknown>): [Record<string, unknown>, string[]] {
  const set: Record<string, unknown> = {};
  const cleared: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (v === null) cleared.push(k);
    else set[k] = v;
  }
  return [set, cleared];
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
