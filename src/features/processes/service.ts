/**
 * Processes: create (with record linking), fetch, partial update, soft delete — by id or by
 * primary-key value. Every function takes the caller's team configuration and a transaction.
 */
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../core/db/errors.ts';
import type { Db, Queryable } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import { isUuid } from '../../core/uuid.ts';
import { checkData, dataError, resolveDataReferences, resolveUsers, type DataCheck } from '../attributes/validate-data.ts';
import type { EntityDef, ProcedureDef, StateDef, TeamConfig } from '../config/model.ts';
import { emitProcessEvents } from './process-events.ts';
import { assigneeRefs, compileWhere } from './query.ts';
import * as repo from './repo.ts';
import { MAX_PATH_PARAM_LENGTH } from '../../core/http/edge-errors.ts';
import { decodeCursor, DEFAULT_SORT, encodeCursor, resolveSort, sameSort } from './sort.ts';

export type Status = 'OPEN' | 'COMPLETED' | 'CANCELLED';

export interface CreateInput {
  data?: Record<string, unknown>;
  record?: { id?: string; data?: Record<string, unknown> };
  status?: Status;
  state?: string;
  nextActionAt?: number | string | null;
  assignedTo?: string | null;
}

export type UpdateInput = Omit<CreateInput, 'record'>;

export interface ProcessView {
  id: string;
  createdAt: number;
  updatedAt: number;
  team: string;
  procedure: string;
  entity: string | null;
  createdBy: string | null;
  assignedTo: string | null;
  belongsTo: string | null;
  status: string;
  state: string;
  nextActionAt: number | null;
  data: Record<string, unknown>;
  record: { id: string; entity: string; data: Record<string, unknown>; createdAt: number; updatedAt: number } | null;
  isDeleted: boolean;
}

export function procedureOf(config: TeamConfig, key: string): ProcedureDef {
  const procedure = config.procedureByKey.get(key);
  if (!procedure) throw notFound('procedure', key);
  return procedure;
}

export function toView(procedure: ProcedureDef, row: repo.ProcessRow, record: repo.RecordRow | null): ProcessView {
  const state = procedure.states.find((s) => s.id === row.state_id);
  return {
    id: row.id,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    team: row.team_id,
    procedure: row.procedure_id,
    entity: row.entity_id,
    createdBy: row.created_by,
    assignedTo: row.assigned_to,
    belongsTo: row.belongs_to,
    status: row.status,
    state: state?.shortId ?? row.state_id,
    nextActionAt: row.next_action_at ? row.next_action_at.getTime() : null,
    data: row.data,
    record: record
      ? { id: record.id, entity: record.entity_id, data: record.data, createdAt: record.created_at.getTime(), updatedAt: record.updated_at.getTime() }
      : null,
    isDeleted: row.is_deleted,
  };
}

function stateOf(procedure: ProcedureDef, shortId: string): StateDef {
  const state = procedure.statesByShortId.get(shortId);
  if (!state) throw invalid('state', `unknown state ${shortId} (states of ${procedure.shortId}: ${procedure.states.map((s) => s.shortId).join(', ')})`);
  return state;
}

function nextActionAt(value: number | string | null | undefined): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const t = epochMs(value);
  if (!t.ok) throw invalid('nextActionAt', t.message);
  return new Date(t.value as number);
}

/** Longest primary-key value, in characters: key values are indexed, and an index entry has a size limit. */
const MAX_KEY_LENGTH = MAX_PATH_PARAM_LENGTH; // a key value must stay addressable in a path

function checkKeyLength(key: string | null | undefined, values: Record<string, unknown>, path: string) {
  const value = key ? pkText(values[key]) : null;
  if (value !== null && value.length > MAX_KEY_LENGTH) throw invalid(`${path}.${key}`, `is a primary key: at most ${MAX_KEY_LENGTH} characters`);
}

/** Primary-key values are compared as text: `LEAD-001`, or `42` for a numeric key. */
export const pkText = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

export function pkConflict(procedure: ProcedureDef, value: string | null): AppError {
  return new AppError(
    'CONFLICT',
    { path: `data.${procedure.primaryKey}`, reason: `${value} is already used by another ${procedure.shortId} process` },
    { details: [{ path: `data.${procedure.primaryKey}`, code: 'unique', message: `${value} is already used by another ${procedure.shortId} process` }] },
  );
}


async function linkRecord(tx: Queryable, teamId: string, entity: EntityDef, input: NonNullable<CreateInput['record']>, data: Record<string, unknown>) {
  if (input.id !== undefined) {
    const existing = isUuid(input.id) ? await repo.findRecord(tx, teamId, entity.id, input.id) : undefined;
    if (!existing) throw invalid('record.id', `unknown ${entity.shortId} record ${input.id}`);
    return Object.keys(data).length ? repo.mergeRecord(tx, existing.id, data) : existing;
  }
  const pkValue = entity.primaryKey ? pkText(data[entity.primaryKey]) : null;
  return repo.upsertRecord(tx, { id: randomUUID(), teamId, entityId: entity.id, pkValue, data });
}

/** A create request checked against the procedure, before anything touches the database. */
export interface PreparedCreate {
  state: StateDef;
  status: Status;
  nextActionAt: Date | null | undefined;
  /** `data`, then `record.data` when given. */
  checks: { path: string; check: DataCheck }[];
  /** The procedure's entity, whose record every process carries. */
  entity: EntityDef | undefined;
  /** The record to link: the input's, or a new empty one when none is given (docs/api.md, "Record linking"). */
  record: NonNullable<CreateInput['record']> | undefined;
}

/** Every rule of a create that needs no database; throws the 400 the endpoint answers. */
export function prepareCreate(config: TeamConfig, procedure: ProcedureDef, input: CreateInput): PreparedCreate {
  const state = input.state !== undefined ? stateOf(procedure, input.state) : procedure.defaultStartState;
  const status = input.status ?? (input.state !== undefined ? state.status : 'OPEN');
  const next = nextActionAt(input.nextActionAt);
  const checks = [{ path: 'data', check: checkData(procedure.attributesByShortId, input.data, 'data', { creating: true }) }];
  const entity = procedure.entityId ? config.entities.find((e) => e.id === procedure.entityId) : undefined;
  if (input.record && !entity) throw invalid('record', `procedure ${procedure.shortId} has no entity to link a record of`);
  if (entity && input.record?.data !== undefined) {
    const attrs = new Map(entity.attributes.map((a) => [a.shortId, a]));
    checks.push({ path: 'record.data', check: checkData(attrs, input.record.data, 'record.data', { creating: false }) });
  }
  const problems = checks.flatMap((c) => c.check.problems);
  if (problems.length) throw dataError(problems);
  checkKeyLength(procedure.primaryKey, checks[0].check.values, 'data');
  if (checks[1]) checkKeyLength(entity?.primaryKey, checks[1].check.values, 'record.data');
  return { state, status, nextActionAt: next, checks, entity, record: entity ? (input.record ?? {}) : undefined };
}

export async function createProcess(db: Db, config: TeamConfig, procedure: ProcedureDef, input: CreateInput): Promise<ProcessView> {
  const teamId = config.team.id;
  const { state, status, nextActionAt: next, checks, entity, record: recordInput } = prepareCreate(config, procedure, input);

  return db.tx(async (tx) => {
    const assignee = await resolveDataReferences(tx, teamId, checks, input.assignedTo);
    const data = checks[0].check.values;
    const record = entity && recordInput ? await linkRecord(tx, teamId, entity, recordInput, checks[1]?.check.values ?? {}) : null;
    const pkValue = procedure.primaryKey ? pkText(data[procedure.primaryKey]) : null;
    let row: repo.ProcessRow;
    try {
      row = await repo.insertProcess(tx, {
        id: randomUUID(),
        team_id: teamId,
        procedure_id: procedure.id,
        entity_id: procedure.entityId,
        record_id: record?.id ?? null,
        created_by: null,
        assigned_to: assignee ?? null,
        belongs_to: null,
        status,
        state_id: state.id,
        next_action_at: next ?? null,
        data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)),
        pk_value: pkValue,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw pkConflict(procedure, pkValue);
      throw err;
    }
    const view = toView(procedure, row, record);
    await emitProcessEvents(tx, config, 'process.created', [{ after: view }]);
    return view;
  });
}

/** A process by uuid, or by primary-key value when `pkShortId` is given. */
async function find(tx: Queryable, teamId: string, procedure: ProcedureDef, ref: ProcessRef, lock = false) {
  let found: repo.ProcessWithRecord | undefined;
  if (ref.pkShortId !== undefined) {
    if (ref.pkShortId !== procedure.primaryKey) {
      throw invalid('path.pkShortId', `${ref.pkShortId} is not the primary key of procedure ${procedure.shortId} (${procedure.primaryKey ?? 'it has none'})`);
    }
    found = await repo.findProcessByPk(tx, teamId, procedure.id, ref.value, lock);
  } else if (isUuid(ref.value)) {
    found = await repo.findProcessById(tx, teamId, procedure.id, ref.value.toLowerCase(), lock);
  }
  if (!found) throw notFound(`${procedure.shortId} process`, ref.pkShortId ? `${ref.pkShortId}=${ref.value}` : ref.value);
  return found;
}

export interface ProcessRef {
  value: string;
  pkShortId?: string;
}

export async function getProcess(db: Queryable, config: TeamConfig, procedure: ProcedureDef, ref: ProcessRef): Promise<ProcessView> {
  const found = await find(db, config.team.id, procedure, ref);
  return toView(procedure, found, found.record);
}

/** An update request checked against the procedure, before anything touches the database. */
export interface PreparedUpdate {
  state: StateDef | undefined;
  nextActionAt: Date | null | undefined;
  check: DataCheck;
  /** The new primary-key value, when the update sets it. */
  pkValue: string | null | undefined;
}

export function prepareUpdate(procedure: ProcedureDef, input: UpdateInput): PreparedUpdate {
  const state = input.state !== undefined ? stateOf(procedure, input.state) : undefined;
  const next = nextActionAt(input.nextActionAt);
  const check = checkData(procedure.attributesByShortId, input.data, 'data', { creating: false });
  if (check.problems.length) throw dataError(check.problems);
  const pk = procedure.primaryKey;
  if (pk && check.values[pk] === null) throw invalid(`data.${pk}`, 'the primary key cannot be cleared');
  checkKeyLength(pk, check.values, 'data');
  return { state, nextActionAt: next, check, pkValue: pk && pk in check.values ? pkText(check.values[pk]) : undefined };
}

export async function updateProcess(db: Db, config: TeamConfig, procedure: ProcedureDef, ref: ProcessRef, input: UpdateInput): Promise<ProcessView> {
  const teamId = config.team.id;
  const { state, nextActionAt: next, check, pkValue } = prepareUpdate(procedure, input);

  return db.tx(async (tx) => {
    const current = await find(tx, teamId, procedure, ref, true);
    const assignee = await resolveDataReferences(tx, teamId, [{ path: 'data', check }], input.assignedTo);
    // A new state brings its status along unless the caller set the status too.
    const status = input.status ?? (state && state.id !== current.state_id ? state.status : undefined);
    let row: repo.ProcessRow;
    try {
      row = await repo.updateProcess(tx, current.id, {
        data: check.values,
        status,
        stateId: state?.id,
        nextActionAt: next,
        assignedTo: assignee,
        pkValue,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw pkConflict(procedure, pkValue ?? null);
      throw err;
    }
    const view = toView(procedure, row, current.record);
    await emitProcessEvents(tx, config, 'process.updated', [{ before: toView(procedure, current, current.record), after: view }]);
    return view;
  });
}

export async function deleteProcess(db: Db, config: TeamConfig, procedure: ProcedureDef, ref: ProcessRef): Promise<ProcessView> {
  return db.tx(async (tx) => {
    const current = await find(tx, config.team.id, procedure, ref, true);
    const row = await repo.softDeleteProcess(tx, current.id);
    const view = toView(procedure, row, current.record);
    await emitProcessEvents(tx, config, 'process.deleted', [{ after: view }]);
    return view;
  });
}

export interface ListInput {
  where?: unknown;
  skip?: number;
  limit?: number;
  sort?: { field: string; order?: 'asc' | 'desc' }[];
  cursor?: string;
}

/**
 * One page of a procedure's processes. No COUNT(*): limit + 1 rows tell `hasMore`. With
 * `cursor` (the previous page's `_meta.nextCursor`) the page starts after that row by keyset,
 * in the cursor's sort, as fast deep down as on page 1 and stable while rows are inserted.
 */
export async function listProcesses(db: Queryable, config: TeamConfig, procedure: ProcedureDef, input: ListInput) {
  const limit = input.limit ?? 10;
  const skip = input.skip ?? 0;
  const given = input.sort?.map((s) => ({ field: s.field, order: s.order ?? ('asc' as const) }));
  if (given?.length === 0) throw invalid('sort', 'needs at least one field, or leave it out');
  let sort = given ?? DEFAULT_SORT;
  let order = resolveSort(procedure, sort);
  let after: string[] | undefined;
  if (input.cursor !== undefined) {
    if (skip > 0) throw invalid('skip', 'give skip or cursor, not both');
    const c = decodeCursor(procedure, input.cursor);
    if (given && !sameSort(given, c.sort)) throw invalid('cursor', 'was issued for another sort order');
    ({ sort, parts: order, values: after } = c);
  }
  const entity = procedure.entityId ? config.entities.find((e) => e.id === procedure.entityId) : undefined;
  const users = await resolveUsers(db, config.team.id, assigneeRefs(input.where));
  const where = compileWhere(input.where, { procedure, entity, users }, 3);
  const rows = await repo.listProcesses(db, { teamId: config.team.id, procedureId: procedure.id, where, order, after, limit, offset: skip });
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = hasMore && last ? encodeCursor(sort, last.sort_keys) : null;
  return { page: page.map((r) => toView(procedure, r, r.record)), meta: { hasMore, nextCursor } };
}

/** `{processIdOrPk}` path segments: the uuid first, then the primary-key value. */
export async function resolveProcess(db: Queryable, config: TeamConfig, procedure: ProcedureDef, idOrPk: string) {
  const teamId = config.team.id;
  const found =
    (isUuid(idOrPk) ? await repo.findProcessById(db, teamId, procedure.id, idOrPk.toLowerCase()) : undefined) ??
    (procedure.primaryKey ? await repo.findProcessByPk(db, teamId, procedure.id, idOrPk) : undefined);
  if (!found) throw notFound(`${procedure.shortId} process`, idOrPk);
  return found;
}
