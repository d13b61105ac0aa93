/**
 * Record linking (docs/api.md, "Record linking") for any number of creates of one procedure: a
 * single create links a set of one, a bulk chunk a set of up to a thousand, with the same rules
 * and the same statements. `record.id` links that record and merges `record.data` into it;
 * otherwise the entity's primary key in `record.data` finds or creates the record; otherwise the
 * process gets a new record.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { invalid, type AppError } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import type { EntityDef } from '../config/model.ts';
import { findRecordIds, mergeIntoRecords, upsertRecords, type NewRecord } from './bulk-repo.ts';
import { pkValueOf } from './primary-keys.ts';

/** One create's record: `record.id` when it names one, and its checked `record.data` (nulls included). */
export interface RecordLink {
  id?: string;
  data: Record<string, unknown>;
}

/**
 * The links naming by `record.id` a record that is not one of the entity's in this team, by
 * index, each with the 400 its create answers. Checked before anything is written.
 */
export async function refusedRecordLinks(
  tx: Queryable,
  teamId: string,
  entity: EntityDef,
  links: RecordLink[],
): Promise<Map<number, AppError>> {
  const named = links.flatMap((l) => (l.id !== undefined && isUuid(l.id) ? [l.id.toLowerCase()] : []));
  const known = await findRecordIds(tx, teamId, entity.id, [...new Set(named)]);
  const refused = new Map<number, AppError>();
  links.forEach((l, i) => {
    if (l.id !== undefined && !(isUuid(l.id) && known.has(l.id.toLowerCase())))
      refused.set(i, invalid('record.id', `unknown ${entity.shortId} record ${l.id}`));
  });
  return refused;
}

/**
 * Links every create to its record and returns the record ids, in the links' order. A record
 * several links touch (one customer in several items) ends with their data applied in link
 * order. Links that `refusedRecordLinks` refused must be left out.
 */
export async function linkRecords(tx: Queryable, teamId: string, entity: EntityDef, links: RecordLink[]): Promise<string[]> {
  const recordIds = links.map((l) => l.id?.toLowerCase());

  // By primary-key value (one row per value, later links' values winning) or brand new. A null
  // clears nothing here: only a link naming its record by id may clear.
  const byPk = new Map<string, NewRecord>();
  const fresh: NewRecord[] = [];
  const pkValues = links.map((l) => (l.id === undefined ? pkValueOf(entity.primaryKey, l.data) : null));
  links.forEach((l, i) => {
    if (l.id !== undefined) return;
    const pkValue = pkValues[i];
    let row = pkValue === null ? undefined : byPk.get(pkValue);
    if (!row) {
      row = { id: randomUUID(), pk_value: pkValue, data: {} };
      if (pkValue === null) fresh.push(row);
      else byPk.set(pkValue, row);
    }
    for (const [k, v] of Object.entries(l.data)) if (v !== null) row.data[k] = v;
    if (pkValue === null) recordIds[i] = row.id;
  });
  const written = await upsertRecords(tx, teamId, entity.id, [...byPk.values(), ...fresh]);
  const idByPk = new Map(written.flatMap((w) => (w.pk_value === null ? [] : [[w.pk_value, w.id] as const])));
  pkValues.forEach((pkValue, i) => {
    if (pkValue !== null) recordIds[i] = idByPk.get(pkValue);
  });

  // Records that some link names by id: every link touching them is replayed in order, as one
  // change per record (a null clears only where the link named the record).
  const namedById = new Set(links.flatMap((l, i) => (l.id !== undefined ? [recordIds[i]] : [])));
  const merges = new Map<string, Record<string, unknown>>();
  links.forEach((l, i) => {
    const id = recordIds[i]!;
    if (!namedById.has(id)) return;
    const change = merges.get(id) ?? {};
    for (const [k, v] of Object.entries(l.data)) if (v !== null || l.id !== undefined) change[k] = v;
    merges.set(id, change);
  });
  await mergeIntoRecords(
    tx,
    teamId,
    [...merges].filter(([, data]) => Object.keys(data).length).map(([id, data]) => ({ id, data })),
  );
  return recordIds as string[];
}
