/**
 * Indexes that keep sorted lists fast at any size (docs/workspace.md, `indexed`). An attribute
 * marked `indexed: true` gets a B-tree over exactly the keys a sort by it uses (sort.ts), led
 * by the procedure, so the first page of `sort: [{field: "score"}]` — either direction, and
 * every later page by cursor — is an index range, not a scan of the procedure's processes.
 * One index serves every procedure whose attribute has that shortId and kind of type.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { attributeSortKeys } from './sort.ts';

export interface SortIndex {
  name: string;
  definition: string;
}

/** The index for sorting by an attribute, or undefined when its type has no order. */
export function sortIndexFor(attr: { shortId: string; type: string }): SortIndex | undefined {
  const keys = attributeSortKeys(attr, '');
  if (!keys) return undefined;
  const columns = ['procedure_id', ...keys.map((k) => `(${k.sql})`), 'id'].join(', ');
  const name = `processes_sort_${createHash('sha256').update(columns).digest('hex').slice(0, 24)}`;
  return { name, definition: `create index if not exists ${name} on processes (${columns}) where not is_deleted` };
}

/**
 * Creates the missing indexes of every indexed attribute (existing ones are left as they are;
 * unmarking an attribute does not drop its index). Building one on a large table takes a while
 * and holds writes to processes meanwhile, so it runs after the workspace change has committed.
 */
export async function ensureSortIndexes(db: Queryable): Promise<string[]> {
  const attrs = await db.query<{ short_id: string; type: string }>(
    "select distinct short_id, type from attributes where owner_kind = 'procedure' and is_indexed",
  );
  const wanted = new Map<string, SortIndex>();
  for (const a of attrs) {
    const index = sortIndexFor({ shortId: a.short_id, type: a.type });
    if (index) wanted.set(index.name, index);
  }
  if (!wanted.size) return [];
  const existing = new Set(
    (await db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'processes' and indexname = any($1)", [[...wanted.keys()]])).map(
      (r) => r.indexname,
    ),
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
