/**
 * Applies one chunk of a bulk-update job inside the caller's transaction, with the statement of
 * the single update (processes/bulk-repo.ts) run for many processes at once, which merges each
 * change into the row as it is when the row lock is taken. Items aimed at the same process go in
 * successive statements ("waves"), in array order.
 */
import type { Actor } from '../../core/auth/principal.ts';
import { isUniqueViolation } from '../../core/db/errors.ts';
import type { Queryable } from '../../core/db/types.ts';
import { isUuid } from '../../core/uuid.ts';
import { applyReferences, loadReferences, referencesOf } from '../attributes/validate-data.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { writeHistory, type HistoryEntry } from '../history/repo.ts';
import { emitProcessEvents, fieldChanges, trackedOf } from '../processes/process-events.ts';
import { findLiveProcesses, lockProcessStates, updateProcesses } from '../processes/bulk-repo.ts';
import { pkConflict } from '../processes/primary-keys.ts';
import { findProcessesWithRecords } from '../processes/repo.ts';
import { processChange, toView, type ProcessView } from '../processes/service.ts';
import { checkUpdateItem, type CheckedUpdate, type UpdateTarget } from './bulk-items.ts';
import { attemptRule, ChunkRace, outcomeLog } from './chunk-support.ts';
import type { Outcome } from './repo.ts';

type Ready = Extract<CheckedUpdate, { ok: true }> & { idx: number; processId: string; assignee: string | null | undefined };

/** The processes as the API shows them, by id, for the events a wave reports. */
async function viewsOf(tx: Queryable, config: TeamConfig, procedure: ProcedureDef, ids: string[]): Promise<Map<string, ProcessView>> {
  const rows = await findProcessesWithRecords(tx, config.team.id, ids);
  return new Map(rows.map((p) => [p.id, toView(procedure, p, p.record)]));
}

function label(procedure: ProcedureDef, target: UpdateTarget) {
  return 'id' in target ? target.id : `${procedure.primaryKey}=${target.pkValue}`;
}

export async function updateChunk(
  tx: Queryable,
  config: TeamConfig,
  procedure: ProcedureDef,
  entries: { idx: number; input: unknown }[],
  actor: Actor,
): Promise<Outcome[]> {
  const teamId = config.team.id;
  const log = outcomeLog();
  const { invalid, error } = log;
  const notFound = (idx: number, target: UpdateTarget) => error(idx, `${procedure.shortId} process ${label(procedure, target)} not found`);

  const checked: (Extract<CheckedUpdate, { ok: true }> & { idx: number })[] = [];
  for (const e of entries) {
    const c = checkUpdateItem(procedure, e.input as Record<string, unknown>);
    if (c.ok) checked.push({ ...c, idx: e.idx });
    else invalid(e.idx, c.message);
  }

  // The processes the chunk addresses, and those holding primary keys it wants to give out:
  // one query. From there, keys are followed in memory in array order, so an item sees what
  // the items before it did (a key freed by a delete or a change, a key just taken).
  const ids = checked.flatMap((c) => ('id' in c.target && isUuid(c.target.id) ? [c.target.id.toLowerCase()] : []));
  const pks = checked.flatMap((c) => ('pkValue' in c.target ? [c.target.pkValue] : []));
  const newPks = checked.flatMap((c) => (c.prepared.pkValue ? [c.prepared.pkValue] : []));
  const live = await findLiveProcesses(tx, teamId, procedure.id, { ids, pkValues: [...pks, ...newPks] });
  const keyOf = new Map(live.map((p) => [p.id, p.pk_value]));
  const byKey = new Map(live.filter((p) => p.pk_value !== null).map((p) => [p.pk_value!, p.id]));
  const forgetKey = (processId: string) => {
    const key = keyOf.get(processId);
    if (key) byKey.delete(key);
  };

  const wanted = checked.map((c) => referencesOf([{ path: 'data', check: c.prepared.check }], c.changes.assignedTo));
  const found = await loadReferences(tx, teamId, {
    userRefs: wanted.flatMap((w) => w.userRefs),
    photoIds: wanted.flatMap((w) => w.photoIds),
  });

  let keysChange = false;
  const ready: Ready[] = [];
  for (const c of checked) {
    const processId =
      'id' in c.target
        ? isUuid(c.target.id) && keyOf.has(c.target.id.toLowerCase())
          ? c.target.id.toLowerCase()
          : undefined
        : byKey.get(c.target.pkValue);
    if (!processId) {
      notFound(c.idx, c.target);
      continue;
    }
    const applied = attemptRule(() => applyReferences(found, [{ path: 'data', check: c.prepared.check }], c.changes.assignedTo));
    if ('error' in applied) {
      invalid(c.idx, applied.error);
      continue;
    }
    const newPk = c.prepared.pkValue;
    if (newPk && newPk !== keyOf.get(processId)) {
      const holder = byKey.get(newPk);
      if (holder !== undefined && holder !== processId) {
        error(c.idx, pkConflict(procedure, newPk).messages.join('; '));
        continue;
      }
      forgetKey(processId);
      byKey.set(newPk, processId);
      keyOf.set(processId, newPk);
      keysChange = true;
    }
    if (c.changes.isDeleted) {
      forgetKey(processId);
      keyOf.delete(processId);
    }
    ready.push({ ...c, processId, assignee: applied.value });
  }

  // Wave n holds each process's n-th item, so no statement touches a row twice. When keys move
  // between processes, items go one by one: the unique index is checked row by row, and a
  // swap written in one statement could trip over its own intermediate state.
  const waves: Ready[][] = [];
  const seen = new Map<string, number>();
  for (const r of ready) {
    const n = keysChange ? waves.length : (seen.get(r.processId) ?? 0);
    seen.set(r.processId, n + 1);
    waves[n] ??= [];
    waves[n].push(r);
  }
  for (const wave of waves) {
    // Locked and read before the change: the "old" of each history entry (and, locked first,
    // the webhook's "before" below reads the same values).
    const old = new Map(
      (
        await lockProcessStates(
          tx,
          teamId,
          wave.map((r) => r.processId),
        )
      ).map((p) => [p.id, p]),
    );
    const reporting = config.webhookEvents.has('process.updated') || config.webhookEvents.has('process.deleted');
    const before = reporting
      ? await viewsOf(
          tx,
          config,
          procedure,
          wave.map((r) => r.processId),
        )
      : undefined;
    let updated: Awaited<ReturnType<typeof lockProcessStates>>;
    try {
      updated = await updateProcesses(
        tx,
        teamId,
        wave.map((r) => ({ ...processChange(r.processId, r.prepared, r.assignee), isDeleted: r.changes.isDeleted === true })),
        'state',
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new ChunkRace();
      throw err;
    }
    const done = new Set(updated.map((u) => u.id));
    for (const r of wave) {
      // Not updated: deleted by someone else since the chunk looked it up.
      if (done.has(r.processId)) log.success(r.idx, r.processId);
      else notFound(r.idx, r.target);
    }
    const deleting = new Set(wave.filter((r) => r.changes.isDeleted).map((r) => r.processId));
    const history: HistoryEntry[] = [];
    for (const after of updated) {
      const before = old.get(after.id);
      const changes = before ? fieldChanges(trackedOf(procedure, before), trackedOf(procedure, after)) : [];
      const entry = { procedureId: procedure.id, processId: after.id };
      if (deleting.has(after.id)) history.push({ ...entry, kind: 'deleted', changes: changes.length ? changes : null });
      else if (changes.length) history.push({ ...entry, kind: 'updated', changes });
    }
    await writeHistory(tx, teamId, actor, history);
    if (before) {
      const after = await viewsOf(tx, config, procedure, [...done]);
      const changes = wave
        .filter((r) => done.has(r.processId))
        .map((r) => ({ r, change: { before: before.get(r.processId), after: after.get(r.processId)! } }));
      await emitProcessEvents(
        tx,
        config,
        'process.updated',
        changes.filter(({ r }) => !r.changes.isDeleted).map((c) => c.change),
      );
      await emitProcessEvents(
        tx,
        config,
        'process.deleted',
        changes.filter(({ r }) => r.changes.isDeleted).map((c) => ({ after: c.change.after })),
      );
    }
  }
  return log.of(entries);
}
