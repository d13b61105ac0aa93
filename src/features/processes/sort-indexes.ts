/**
 * Indexes that keep sorted lists fast at any size (docs/workspace.md, `indexed` and
 * `sortIndexes`). Each is a B-tree over exactly the keys a sort uses (sort.ts), led by the
 * procedure and ending with the id, so the first page of that sort — and of its exact reverse,
 * read backwards, and every later page by cursor — is an index range, not a scan and sort of the
 * procedure's processes. Indexes are named by a hash of their columns: one index serves every
 * procedure whose sort has the same keys.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { attributeSortKeys, resolveSortOver, type SortField, type SortPart } from './sort.ts';

export interface SortIndex {
  name: string;
  definition: string;
}

/** The index for a sort given as its keys over no table alias (`resolveSortOver(…, '')`). */
function sortIndexOver(parts: SortPart[]): SortIndex {
  // Read backwards an index serves the reverse order, so its first key is kept ascending and a
  // sort and its reverse share one index.
  const flip = parts[0].descending;
  const keys = parts.map((p) => `${p.sql === 'id' ? 'id' : `(${p.sql})`}${p.descending !== flip ? ' desc' : ''}`);
  const columns = ['procedure_id', ...keys].join(', ');
  const name = `processes_sort_${createHash('sha256').update(columns).digest('hex').slice(0, 24)}`;
  return { name, definition: `create index if not exists ${name} on processes (${columns}) where not is_deleted` };
}

/** The index for sorting by one attribute (`indexed: true`), or undefined when its type has no order. */
export function sortIndexFor(attr: { shortId: string; type: string }): SortIndex | undefined {
  const keys = attributeSortKeys(attr, '');
  if (!keys) return undefined;
  return sortIndexOver([...keys.map((k) => ({ ...k, descending: false })), { sql: 'id', type: 'uuid', descending: false }]);
}

interface ProcedureSorts {
  short_id: string;
  sort_indexes: SortField[][];
  attributes: { shortId: string; type: string }[];
}

/**
 * Creates the missing indexes of every indexed attribute and every procedure's `sortIndexes`
 * (existing ones are left as they are; removing a declaration does not drop its index).
 * Building one on a large table takes a while and holds writes to processes meanwhile, so it
 * runs after the workspace change has committed.
 */
export async function ensureSortIndexes(db: Queryable): Promise<string[]> {
  const wanted = new Map<string, SortIndex>();
  const attrs = await db.query<{ short_id: string; type: string }>(
    "select distinct short_id, type from attributes where owner_kind = 'procedure' and is_indexed",
  );
  for (const a of attrs) {
    const index = sortIndexFor({ shortId: a.short_id, type: a.type });
    if (index) wanted.set(index.name, index);
  }
  const procedures = await db.query<ProcedureSorts>(
    `select p.short_id, p.sort_indexes,
            coalesce((select json_agg(json_build_object('shortId', a.short_id, 'type', a.type)) from attributes a
                       where a.owner_kind = 'procedure' and a.owner_id = p.id), '[]') as attributes
       from procedures p where p.sort_indexes is not null`,
  );
  for (const p of procedures) {
    const attributes = new Map(p.attributes.map((a) => [a.shortId, a]));
    for (const sort of p.sort_indexes) {
      // Checked against the file when it was applied; a sort that no longer resolves (an
      // attribute changed type since) is skipped rather than stopping every later index.
      let parts: SortPart[];
      try {
        parts = resolveSortOver(attributes, p.short_id, sort, 'sortIndexes', '');
      } catch {
        continue;
      }
      const index = sortIndexOver(parts);
      wanted.set(index.name, index);
    }
  }
  if (!wanted.size) return [];
  const existing = new Set(
    (
      await db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'processes' and indexname = any($1)", [
        [...wanted.keys()],
      ])
    ).map((r) => r.indexname),
  );
  const created: string[] = [];
  for (const index of wanted.values()) {
    if (existing.has(index.name)) continue;
    try {
      await db.query(index.definition);
      created.push(index.name);
    } catch (err) {
      // Another process starting on the same database built it at the same moment.
      if (!['42P07', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  }
  return created;
}
