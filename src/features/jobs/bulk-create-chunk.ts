/**
 * Creates one chunk of a bulk-create job with set-based SQL inside the caller's transaction:
 * references resolved in one query each, records linked with one upsert and one merge, the
 * processes inserted with one statement. An item that cannot be created becomes an INVALID or
 * ERROR outcome; nothing of it is written.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { isUuid } from '../../core/uuid.ts';
import { applyReferences, loadReferences, referencesOf } from '../attributes/validate-data.ts';
import type { EntityDef, ProcedureDef, TeamConfig } from '../config/model.ts';
import { emitProcessEvents } from '../processes/process-events.ts';
import { findProcessesWithRecords } from '../processes/repo.ts';
import { pkConflict, pkText, toView, type CreateInput } from '../processes/service.ts';
import { checkCreateItem, type CheckedCreate } from './bulk-items.ts';
import { attemptRule, ChunkRace, duplicateOf, existingPrimaryKeys, outcomeLog } from './chunk-support.ts';
import type { Outcome } from './repo.ts';

type Ready = Extract<CheckedCreate, { ok: true }> & { idx: number; assignee: string | null; pkValue: string | null; recordId?: string };

export async function createChunk(
  tx: Queryable,
  config: TeamConfig,
  procedure: ProcedureDef,
  jobId: string,
  entries: { idx: number; input: unknown }[],
): Promise<Outcome[]> {
  const teamId = config.team.id;
  const log = outcomeLog();
  const { invalid, error } = log;

  const checked: (Extract<CheckedCreate, { ok: true }> & { idx: number })[] = [];
  for (const e of entries) {
    const c = checkCreateItem(config, procedure, e.input);
    if (c.ok) checked.push({ ...c, idx: e.idx });
    else invalid(e.idx, c.message);
  }

  // Users, photos: one lookup for the whole chunk, then each item's references checked against it.
  const wanted = checked.map((c) => referencesOf(c.prepared.checks, c.input.assignedTo));
  const found = await loadReferences(tx, teamId, { userRefs: wanted.flatMap((w) => w.userRefs), photoIds: wanted.flatMap((w) => w.photoIds) });
  let ready: Ready[] = [];
  for (const c of checked) {
    const applied = attemptRule(() => applyReferences(found, c.prepared.checks, c.input.assignedTo));
    if ('error' in applied) invalid(c.idx, applied.error);
    else {
      const data = c.prepared.checks[0].check.values;
      ready.push({ ...c, assignee: applied.value ?? null, pkValue: procedure.primaryKey ? pkText(data[procedure.primaryKey]) : null });
    }
  }

  // Every check before any write: records named by id must exist (INVALID otherwise), then the
  // first item with a primary-key value wins, inside the chunk and against what exists.
  ready = await checkRecordIds(tx, teamId, ready, invalid);
  if (procedure.primaryKey) {
    const pk = procedure.primaryKey;
    const firstByPk = new Map<string, number>();
    const taken = await existingPrimaryKeys(tx, teamId, procedure.id, ready.flatMap((r) => (r.pkValue === null ? [] : [r.pkValue])));
    const fromThisJob = await duplicateOf(tx, jobId, [...taken.values()]);
    ready = ready.filter((r) => {
      if (r.pkValue === null) return true;
      const earlier = firstByPk.get(r.pkValue) ?? fromThisJob.get(taken.get(r.pkValue) ?? '');
      if (earlier !== undefined) {
        error(r.idx, `data.${pk}: ${r.pkValue} duplicates entry ${earlier} of this job`);
        return false;
      }
      if (taken.has(r.pkValue)) {
        error(r.idx, pkConflict(procedure, r.pkValue).messages.join('; '));
        return false;
      }
      firstByPk.set(r.pkValue, r.idx);
      return true;
    });
  }

  await linkRecords(tx, teamId, ready);

  const rows = ready.map((r) => ({
    id: randomUUID(),
    record_id: r.recordId ?? null,
    assigned_to: r.assignee,
    status: r.prepared.status,
    state_id: r.prepared.state.id,
    next_action_at: r.prepared.nextActionAt?.toISOString() ?? null,
    data: Object.fromEntries(Object.entries(r.prepared.checks[0].check.values).filter(([, v]) => v !== null)),
    pk_value: r.pkValue,
  }));
  if (rows.length) {
    const inserted = await tx.query<{ id: string }>(
      `insert into processes (id, team_id, procedure_id, entity_id, record_id, assigned_to, status, state_id, next_action_at, data, pk_value)
       select v.id, $1, $2, $3, v.record_id, v.assigned_to, v.status, v.state_id, v.next_action_at, coalesce(v.data, '{}'), v.pk_value
         from jsonb_to_recordset($4::jsonb) as v(id uuid, record_id uuid, assigned_to uuid, status text, state_id uuid,
                                                 next_action_at timestamptz, data jsonb, pk_value text)
       on conflict (procedure_id, pk_value) where pk_value is not null and not is_deleted do nothing
       returning id`,
      [teamId, procedure.id, procedure.entityId, JSON.stringify(rows)],
    );
    // A single create took one of our primary keys after we looked: redo the chunk from scratch.
    if (inserted.length !== rows.length) throw new ChunkRace();
    if (config.webhookEvents.has('process.created')) {
      const byId = new Map((await findProcessesWithRecords(tx, teamId, rows.map((r) => r.id))).map((p) => [p.id, p]));
      const created = rows.map((r) => byId.get(r.id)!);
      await emitProcessEvents(tx, config, 'process.created', created.map((p) => ({ after: toView(procedure, p, p.record) })));
    }
  }
  ready.forEach((r, i) => log.success(r.idx, rows[i].id));
  return log.of(entries);
}

type Linking = Ready & { prepared: { entity: EntityDef; record: NonNullable<CreateInput['record']> } };

const linking = (ready: Ready[]) => ready.filter((r): r is Linking => Boolean(r.prepared.entity && r.prepared.record));
const recordData = (r: Ready) => r.prepared.checks[1]?.check.values ?? {};

/** Items naming their record by `record.id` get it if it is a record of the entity in this team; the others become INVALID. */
async function checkRecordIds(tx: Queryable, teamId: string, ready: Ready[], invalid: (idx: number, message: string) => void): Promise<Ready[]> {
  const byId = linking(ready).filter((r) => r.prepared.record.id !== undefined);
  if (!byId.length) return ready;
  const entity = byId[0].prepared.entity;
  const ids = [...new Set(byId.map((r) => r.prepared.record.id!).filter(isUuid).map((id) => id.toLowerCase()))];
  const known = new Set(
    ids.length
      ? (await tx.query<{ id: string }>('select id from records where team_id = $1 and entity_id = $2 and id = any($3::uuid[])', [teamId, entity.id, ids])).map((r) => r.id)
      : [],
  );
  const unknown = new Set<number>();
  for (const r of byId) {
    const id = r.prepared.record.id!;
    if (isUuid(id) && known.has(id.toLowerCase())) r.recordId = id.toLowerCase();
    else {
      invalid(r.idx, `record.id: unknown ${entity.shortId} record ${id}`);
      unknown.add(r.idx);
    }
  }
  return ready.filter((r) => !unknown.has(r.idx));
}

/**
 * Record linking as the single create does it, for the whole chunk: `record.id` links (and
 * merges into) that record; otherwise the entity's primary key finds or creates one (one upsert
 * per distinct value); otherwise a new record. A record several items touch ends with their
 * data applied in item order.
 */
async function linkRecords(tx: Queryable, teamId: string, ready: Ready[]): Promise<void> {
  const items = linking(ready);
  if (!items.length) return;
  const entity = items[0].prepared.entity;

  // By primary-key value (one row per value, later items' values winning) or brand new. Like
  // the single create, a null here does not clear anything.
  const upserts = new Map<string, { id: string; pk_value: string | null; data: Record<string, unknown> }>();
  const fresh: { r: Ready; row: { id: string; pk_value: null; data: Record<string, unknown> } }[] = [];
  const pkOf = (r: Ready) => (entity.primaryKey ? pkText(recordData(r)[entity.primaryKey]) : null);
  for (const r of items.filter((x) => x.prepared.record.id === undefined)) {
    const data = Object.fromEntries(Object.entries(recordData(r)).filter(([, v]) => v !== null));
    const pkValue = pkOf(r);
    if (pkValue === null) {
      fresh.push({ r, row: { id: randomUUID(), pk_value: null, data } });
    } else {
      const row = upserts.get(pkValue) ?? { id: randomUUID(), pk_value: pkValue, data: {} };
      Object.assign(row.data, data);
      upserts.set(pkValue, row);
    }
  }
  const rows = [...upserts.values(), ...fresh.map((f) => f.row)];
  if (rows.length) {
    const written = await tx.query<{ id: string; pk_value: string | null }>(
      `insert into records (id, team_id, entity_id, pk_value, data)
       select v.id, $1, $2, v.pk_value, v.data from jsonb_to_recordset($3::jsonb) as v(id uuid, pk_value text, data jsonb)
       on conflict (entity_id, pk_value) where pk_value is not null
         do update set data = records.data || excluded.data, updated_at = now()
       returning id, pk_value`,
      [teamId, entity.id, JSON.stringify(rows)],
    );
    const idByPk = new Map(written.filter((w) => w.pk_value !== null).map((w) => [w.pk_value!, w.id]));
    for (const r of items) if (r.prepared.record.id === undefined && pkOf(r) !== null) r.recordId = idByPk.get(pkOf(r)!);
    for (const f of fresh) f.r.recordId = f.row.id;
  }

  // Records that some item names by id: replay every item touching them, in item order, as
  // one change per record (nulls clear only where the item named the record by id).
  const namedById = new Set(items.filter((r) => r.prepared.record.id !== undefined).map((r) => r.recordId!));
  const merges = new Map<string, { set: Record<string, unknown>; cleared: Set<string> }>();
  for (const r of items) {
    if (!namedById.has(r.recordId!)) continue;
    const m = merges.get(r.recordId!) ?? { set: {}, cleared: new Set<string>() };
    for (const [k, v] of Object.entries(recordData(r))) {
      if (v !== null) {
        m.set[k] = v;
        m.cleared.delete(k);
      } else if (r.prepared.record.id !== undefined) {
        delete m.set[k];
        m.cleared.add(k);
      }
    }
    merges.set(r.recordId!, m);
  }
  const toMerge = [...merges].filter(([, m]) => Object.keys(m.set).length || m.cleared.size);
  if (toMerge.length) {
    await tx.run(
      `update records r set data = (r.data || v.set) - v.cleared, updated_at = now()
         from jsonb_to_recordset($2::jsonb) as v(id uuid, set jsonb, cleared text[])
        where r.id = v.id and r.team_id = $1`,
      [teamId, JSON.stringify(toMerge.map(([id, m]) => ({ id, set: m.set, cleared: [...m.cleared] })))],
    );
  }
}
