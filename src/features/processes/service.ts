/**
 * Processes: create (with record linking), fetch, partial update, soft delete — by id or by
 * primary-key value. Every function takes the caller's team configuration and a transaction.
 */
import type { Static } from '@sinclair/typebox';
import type { ProcessOut } from './schemas.ts';
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../core/db/errors.ts';
import type { Db, Queryable } from '../../core/db/types.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import { isUuid } from '../../core/uuid.ts';
import { checkData, dataError, resolveDataReferences, resolveUsers, type DataCheck } from '../attributes/validate-data.ts';
import type { EntityDef, ProcedureDef, StateDef, TeamConfig } from '../config/model.ts';
import { insertProcesses, updateProcesses, type NewProcess, type ProcessChange } from './bulk-repo.ts';
import { checkKeyLength, pkConflict, pkText, pkValueOf } from './primary-keys.ts';
import type { Actor } from '../../core/auth/principal.ts';
import { writeHistory } from '../history/repo.ts';
import { emitProcessEvents, fieldChanges } from './process-events.ts';
import { assigneeRefs, compileWhere } from './query.ts';
import { linkRecords, refusedRecordLinks, type RecordLink } from './record-links.ts';
import * as repo from './repo.ts';
import { decodeCursor, DEFAULT_SORT, encodeCursor, resolveSort, sameSort } from './sort.ts';

type Status = 'OPEN' | 'COMPLETED' | 'CANCELLED';

export interface CreateInput {
  data?: Record<string, unknown>;
  record?: { id?: string; data?: Record<string, unknown> };
  status?: Status;
  state?: string;
  nextActionAt?: number | string | null;
  assignedTo?: string | null;
}

export type UpdateInput = Omit<CreateInput, 'record'>;

/** A process as the API shows it: the response schema's type, so the two cannot drift apart. */
export type ProcessView = Static<typeof ProcessOut>;

export function procedureOf(config: TeamConfig, key: string): ProcedureDef {
  const procedure = config.procedureByKey.get(key);
  if (!procedure) throw notFound('procedure', key);
  return procedure;
}

/** The entity whose record every process of the procedure carries, if it has one. */
export function entityOf(config: TeamConfig, procedure: ProcedureDef): EntityDef | undefined {
  return procedure.entityId ? config.entities.find((e) => e.id === procedure.entityId) : undefined;
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
      ? {
          id: record.id,
          entity: record.entity_id,
          data: record.data,
          createdAt: record.created_at.getTime(),
          updatedAt: record.updated_at.getTime(),
        }
      : null,
    isDeleted: row.is_deleted,
  };
}

function stateOf(procedure: ProcedureDef, shortId: string): StateDef {
  const state = procedure.statesByShortId.get(shortId);
  if (!state)
    throw invalid(
      'state',
      `unknown state ${shortId} (states of ${procedure.shortId}: ${procedure.states.map((s) => s.shortId).join(', ')})`,
    );
  return state;
}

function nextActionAt(value: number | string | null | undefined): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const t = epochMs(value);
  if (!t.ok) throw invalid('nextActionAt', t.message);
  return new Date(t.value as number);
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
  link: RecordLink | undefined;
}

/** Every rule of a create that needs no database; throws the 400 the endpoint answers. */
export function prepareCreate(config: TeamConfig, procedure: ProcedureDef, input: CreateInput): PreparedCreate {
  const state = input.state !== undefined ? stateOf(procedure, input.state) : procedure.defaultStartState;
  const status = input.status ?? (input.state !== undefined ? state.status : 'OPEN');
  const next = nextActionAt(input.nextActionAt);
  const checks = [{ path: 'data', check: checkData(procedure.attributesByShortId, input.data, 'data', { creating: true }) }];
  const entity = entityOf(config, procedure);
  if (input.record && !entity) throw invalid('record', `procedure ${procedure.shortId} has no entity to link a record of`);
  if (entity && input.record?.data !== undefined) {
    const attrs = new Map(entity.attributes.map((a) => [a.shortId, a]));
    checks.push({ path: 'record.data', check: checkData(attrs, input.record.data, 'record.data', { creating: false }) });
  }
  const problems = checks.flatMap((c) => c.check.problems);
  if (problems.length) throw dataError(problems);
  checkKeyLength(procedure.primaryKey, checks[0].check.values, 'data');
  if (checks[1]) checkKeyLength(entity?.primaryKey, checks[1].check.values, 'record.data');
  const link = entity ? { id: input.record?.id, data: checks[1]?.check.values ?? {} } : undefined;
  return { state, status, nextActionAt: next, checks, entity, link };
}

/** The row a prepared create becomes, once its references are resolved and its record linked. */
export function newProcess(
  procedure: ProcedureDef,
  prepared: PreparedCreate,
  recordId: string | null,
  assignee: string | null,
): NewProcess {
  const data = prepared.checks[0].check.values;
  return {
    id: randomUUID(),
    record_id: recordId,
    assigned_to: assignee,
    status: prepared.status,
    state_id: prepared.state.id,
    next_action_at: prepared.nextActionAt ?? null,
    data,
    pk_value: pkValueOf(procedure.primaryKey, data),
  };
}

/** The history entry of a new process: where it started. */
export function createdEntry(procedure: ProcedureDef, process: Pick<NewProcess, 'id' | 'status' | 'state_id'>) {
  const state = procedure.states.find((s) => s.id === process.state_id)?.shortId ?? process.state_id;
  return { procedureId: procedure.id, processId: process.id, kind: 'created' as const, changes: { state, status: process.status } };
}

export async function createProcess(
  db: Db,
  config: TeamConfig,
  procedure: ProcedureDef,
  input: CreateInput,
  actor: Actor,
): Promise<ProcessView> {
  const teamId = config.team.id;
  const prepared = prepareCreate(config, procedure, input);
  const { entity, link } = prepared;

  return db.tx(async (tx) => {
    const assignee = await resolveDataReferences(tx, teamId, prepared.checks, input.assignedTo);
    let recordId: string | null = null;
    if (entity && link) {
      const refused = (await refusedRecordLinks(tx, teamId, entity, [link])).get(0);
      if (refused) throw refused;
      [recordId] = await linkRecords(tx, teamId, entity, [link]);
    }
    const process = newProcess(procedure, prepared, recordId, assignee ?? null);
    const [row] = await insertProcesses(tx, teamId, procedure, [process], 'process');
    if (!row) throw pkConflict(procedure, process.pk_value);
    const view = toView(procedure, row, row.record);
    await writeHistory(tx, teamId, actor, [createdEntry(procedure, row)]);
    await emitProcessEvents(tx, config, 'process.created', [{ after: view }]);
    return view;
  });
}

/** A process by uuid, or by primary-key value when `pkShortId` is given. */
async function find(tx: Queryable, teamId: string, procedure: ProcedureDef, ref: ProcessRef, lock = false) {
  let found: repo.ProcessWithRecord | undefined;
  if (ref.pkShortId !== undefined) {
    if (ref.pkShortId !== procedure.primaryKey) {
      throw invalid(
        'path.pkShortId',
        `${ref.pkShortId} is not the primary key of procedure ${procedure.shortId} (${procedure.primaryKey ?? 'it has none'})`,
      );
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
  /** The status given; a new state without one brings its own (updateProcesses). */
  status: Status | undefined;
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
  return {
    status: input.status,
    state,
    nextActionAt: next,
    check,
    pkValue: pk && pk in check.values ? pkText(check.values[pk]) : undefined,
  };
}

/** The change a prepared update makes to process `id`, its assignee resolved (undefined: left as it is). */
export function processChange(id: string, prepared: PreparedUpdate, assignee: string | null | undefined): ProcessChange {
  return {
    id,
    data: prepared.check.values,
    status: prepared.status,
    state: prepared.state,
    nextActionAt: prepared.nextActionAt,
    assignedTo: assignee,
    pkValue: prepared.pkValue,
  };
}

export async function updateProcess(
  db: Db,
  config: TeamConfig,
  procedure: ProcedureDef,
  ref: ProcessRef,
  input: UpdateInput,
  actor: Actor,
): Promise<ProcessView> {
  const teamId = config.team.id;
  const prepared = prepareUpdate(procedure, input);

  return db.tx(async (tx) => {
    const current = await find(tx, teamId, procedure, ref, true);
    const assignee = await resolveDataReferences(tx, teamId, [{ path: 'data', check: prepared.check }], input.assignedTo);
    let row: repo.ProcessWithRecord;
    try {
      [row] = await updateProcesses(tx, teamId, [processChange(current.id, prepared, assignee)], 'process');
    } catch (err) {
      if (isUniqueViolation(err)) throw pkConflict(procedure, prepared.pkValue ?? null);
      throw err;
    }
    const view = toView(procedure, row, row.record);
    const before = toView(procedure, current, current.record);
    // An update that changes nothing leaves no trace in the history.
    const changes = fieldChanges(before, view);
    if (changes.length)
      await writeHistory(tx, teamId, actor, [{ procedureId: procedure.id, processId: view.id, kind: 'updated', changes }]);
    await emitProcessEvents(tx, config, 'process.updated', [{ before, after: view }]);
    return view;
  });
}

export async function deleteProcess(
  db: Db,
  config: TeamConfig,
  procedure: ProcedureDef,
  ref: ProcessRef,
  actor: Actor,
): Promise<ProcessView> {
  return db.tx(async (tx) => {
    const current = await find(tx, config.team.id, procedure, ref, true);
    const [row] = await updateProcesses(tx, config.team.id, [{ id: current.id, isDeleted: true }], 'process');
    const view = toView(procedure, row, row.record);
    await writeHistory(tx, config.team.id, actor, [{ procedureId: procedure.id, processId: view.id, kind: 'deleted', changes: null }]);
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
  const entity = entityOf(config, procedure);
  const users = await resolveUsers(db, config.team.id, assigneeRefs(input.where));
  const where = compileWhere(input.where, { procedure, entity, users }, 3);
  const rows = await repo.listProcesses(db, {
    teamId: config.team.id,
    procedureId: procedure.id,
    where,
    order,
    after,
    limit,
    offset: skip,
  });
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
