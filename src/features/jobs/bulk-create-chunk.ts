/**
 * Creates one chunk of a bulk-create job inside the caller's transaction, with the statements
 * of the single create run once for the whole chunk: references resolved in one query each,
 * records linked as processes/record-links.ts links them, the processes inserted with one
 * statement. An item that cannot be created becomes an INVALID or ERROR outcome; nothing of it
 * is written.
 */
import type { Actor } from '../../core/auth/principal.ts';
import type { Queryable } from '../../core/db/types.ts';
import { writeHistory } from '../history/repo.ts';
import { applyReferences, loadReferences, referencesOf } from '../attributes/validate-data.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { insertProcesses } from '../processes/bulk-repo.ts';
import { pkConflict, pkValueOf } from '../processes/primary-keys.ts';
import { emitProcessEvents } from '../processes/process-events.ts';
import { linkRecords, refusedRecordLinks } from '../processes/record-links.ts';
import { findProcessesWithRecords } from '../processes/repo.ts';
import { createdEntry, entityOf, newProcess, toView } from '../processes/service.ts';
import { checkCreateItem, type CheckedCreate } from './bulk-items.ts';
import { attemptRule, ChunkRace, duplicateOf, existingPrimaryKeys, outcomeLog } from './chunk-support.ts';
import type { Outcome } from './repo.ts';

type Ready = Extract<CheckedCreate, { ok: true }> & { idx: number; assignee: string | null; pkValue: string | null };

export async function createChunk(
  tx: Queryable,
  config: TeamConfig,
  procedure: ProcedureDef,
  jobId: string,
  entries: { idx: number; input: unknown }[],
  actor: Actor,
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
  const found = await loadReferences(tx, teamId, {
    userRefs: wanted.flatMap((w) => w.userRefs),
    photoIds: wanted.flatMap((w) => w.photoIds),
  });
  let ready: Ready[] = [];
  for (const c of checked) {
    const applied = attemptRule(() => applyReferences(found, c.prepared.checks, c.input.assignedTo));
    if ('error' in applied) invalid(c.idx, applied.error);
    else ready.push({ ...c, assignee: applied.value ?? null, pkValue: pkValueOf(procedure.primaryKey, c.prepared.checks[0].check.values) });
  }

  // Every check before any write: records named by id must exist (INVALID otherwise), then the
  // first item with a primary-key value wins, inside the chunk and against what exists.
  const entity = entityOf(config, procedure);
  if (entity) {
    const refused = await refusedRecordLinks(
      tx,
      teamId,
      entity,
      ready.map((r) => r.prepared.link!),
    );
    for (const [i, err] of refused) invalid(ready[i].idx, err.messages.join('; '));
    ready = ready.filter((_, i) => !refused.has(i));
  }
  if (procedure.primaryKey) {
    const pk = procedure.primaryKey;
    const firstByPk = new Map<string, number>();
    const taken = await existingPrimaryKeys(
      tx,
      teamId,
      procedure.id,
      ready.flatMap((r) => (r.pkValue === null ? [] : [r.pkValue])),
    );
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

  const recordIds = entity
    ? await linkRecords(
        tx,
        teamId,
        entity,
        ready.map((r) => r.prepared.link!),
      )
    : [];
  const rows = ready.map((r, i) => newProcess(procedure, r.prepared, recordIds[i] ?? null, r.assignee));
  const inserted = await insertProcesses(tx, teamId, procedure, rows, 'id');
  // A single create took one of our primary keys after we looked: redo the chunk from scratch.
  if (inserted.length !== rows.length) throw new ChunkRace();
  await writeHistory(
    tx,
    teamId,
    actor,
    rows.map((r) => createdEntry(procedure, r)),
  );
  if (rows.length && config.webhookEvents.has('process.created')) {
    const byId = new Map(
      (
        await findProcessesWithRecords(
          tx,
          teamId,
          rows.map((r) => r.id),
        )
      ).map((p) => [p.id, p]),
    );
    const created = rows.map((r) => byId.get(r.id)!);
    await emitProcessEvents(
      tx,
      config,
      'process.created',
      created.map((p) => ({ after: toView(procedure, p, p.record) })),
    );
  }
  ready.forEach((r, i) => {
    log.success(r.idx, rows[i].id);
  });
  return log.of(entries);
}
