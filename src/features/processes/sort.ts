/**
 * The list endpoint's `sort` (docs/api.md, "Sorting"): the fields a list may be ordered by, the
 * SQL keys that order it, and the keyset cursor that continues it.
 *
 * Every sort field becomes one or two non-null SQL keys, so that a keyset position is a plain
 * row comparison the indexes can answer: a field that may be missing (an attribute, nextActionAt)
 * sorts by `(value is null, coalesce(value, …))`. A missing value therefore counts as greater
 * than every value — last in ascending order, first in descending order, as PostgreSQL orders
 * NULLs — and the order reverses exactly with the direction. `id` is the final tiebreaker, in the
 * direction of the last sort field.
 */
import { invalid } from '../../core/errors.ts';
import type { AttributeDef, ProcedureDef } from '../config/model.ts';
import { attributeExpression } from './query.ts';

export type SqlType = 'boolean' | 'numeric' | 'text' | 'timestamptz' | 'uuid';

/** One SQL key of the order, over `p` (processes); `keyText` renders it for a cursor. */
export interface SortPart {
  sql: string;
  type: SqlType;
  descending: boolean;
}

export interface SortField {
  field: string;
  order: 'asc' | 'desc';
}

export const DEFAULT_SORT: SortField[] = [{ field: 'createdAt', order: 'desc' }];
export const MAX_SORT_FIELDS = 5;

/** Columns that can never be null sort by themselves; nextActionAt may be missing. */
const COLUMNS = new Map<string, { column: string; nullable: boolean }>([
  ['createdAt', { column: 'created_at', nullable: false }],
  ['updatedAt', { column: 'updated_at', nullable: false }],
  ['nextActionAt', { column: 'next_action_at', nullable: true }],
]);

/** What a missing value is replaced with behind its null flag (immutable, so indexes may hold it). */
const EMPTY: Record<Exclude<SqlType, 'uuid'>, string> = { boolean: 'false', numeric: '0', text: "''", timestamptz: 'to_timestamp(0)' };

/** The attributes a sort may name, by shortId: a procedure's, or those a workspace file declares. */
export type SortableAttributes = ReadonlyMap<string, Pick<AttributeDef, 'shortId' | 'type'>>;

/** The SQL keys of one field over `table` (`p.` in queries, nothing in index definitions), or why it has none. */
function fieldKeys(attributes: SortableAttributes, owner: string, field: string, table: string): { sql: string; type: SqlType }[] | string {
  const column = COLUMNS.get(field);
  if (column) {
    const sql = `${table}${column.column}`;
    return column.nullable ? nullable(sql, 'timestamptz') : [{ sql, type: 'timestamptz' }];
  }
  const attr = attributes.get(field);
  if (!attr) return `${field} is not a sortable field of ${owner} (createdAt, updatedAt, nextActionAt or an attribute of a sortable type)`;
  return attributeSortKeys(attr, table) ?? `attributes of type ${attr.type} cannot be sorted on`;
}

/** An attribute's keys, or undefined when its type has no order. */
export function attributeSortKeys(
  attr: Pick<AttributeDef, 'shortId' | 'type'>,
  table = 'p.',
): { sql: string; type: SqlType }[] | undefined {
  const expression = attributeExpression(attr, `${table}data`);
  return expression && nullable(expression.sql, expression.kind);
}

function nullable(sql: string, type: Exclude<SqlType, 'uuid'>): { sql: string; type: SqlType }[] {
  return [
    { sql: `(${sql} is null)`, type: 'boolean' },
    { sql: `coalesce(${sql}, ${EMPTY[type]})`, type },
  ];
}

/** The request's sort checked against the procedure, as SQL keys ending with the id. */
export function resolveSort(procedure: ProcedureDef, sort: SortField[]): SortPart[] {
  return resolveSortOver(procedure.attributesByShortId, procedure.shortId, sort, 'sort', 'p.');
}

/**
 * A sort checked against `owner`'s attributes, as SQL keys over `table` ending with the id;
 * a refusal names `path[i].field`. Also used for the sorts a workspace declares an index for.
 */
export function resolveSortOver(
  attributes: SortableAttributes,
  owner: string,
  sort: { field: string; order?: SortField['order'] }[],
  path: string,
  table: string,
): SortPart[] {
  const seen = new Set<string>();
  const parts: SortPart[] = [];
  sort.forEach((s, i) => {
    const at = `${path}[${i}].field`;
    if (seen.has(s.field)) throw invalid(at, `${s.field} is given twice`);
    seen.add(s.field);
    const keys = fieldKeys(attributes, owner, s.field, table);
    if (typeof keys === 'string') throw invalid(at, keys);
    for (const key of keys) parts.push({ ...key, descending: s.order === 'desc' });
  });
  parts.push({ sql: `${table}id`, type: 'uuid', descending: sort[sort.length - 1].order === 'desc' });
  return parts;
}

/** The SQL that renders a key as cursor text, read back with `$n::type`. */
export function keyText(part: SortPart): string {
  if (part.type === 'timestamptz') return `to_char(${part.sql} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `(${part.sql})::text`;
}

/**
 * Rows strictly after `values` in the order of `parts`, with parameters added by `param`. One
 * row comparison when every key runs the same way (an index range), else the lexicographic expansion.
 */
export function keysetCondition(parts: SortPart[], values: string[], param: (v: unknown) => string): string {
  const typed = parts.map((p, i) => `${param(values[i])}::${p.type}`);
  if (parts.every((p) => p.descending === parts[0].descending)) {
    return `(${parts.map((p) => p.sql).join(', ')}) ${parts[0].descending ? '<' : '>'} (${typed.join(', ')})`;
  }
  const branches = parts.map((p, i) => {
    const equal = parts.slice(0, i).map((q, j) => `${q.sql} = ${typed[j]}`);
    return [...equal, `${p.sql} ${p.descending ? '<' : '>'} ${typed[i]}`].join(' and ');
  });
  return branches.map((b) => `(${b})`).join(' or ');
}

interface Cursor {
  s: [string, 'asc' | 'desc'][];
  k: string[];
}

export function encodeCursor(sort: SortField[], keys: string[]): string {
  const c: Cursor = { s: sort.map((x) => [x.field, x.order]), k: keys };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

const VALUE_FORMAT: Record<SqlType, RegExp> = {
  boolean: /^(true|false)$/,
  numeric: /^-?\d+(\.\d+)?$/,
  text: /^/,
  timestamptz: /^-?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

/**
 * A cursor this server issued: its sort, and key values that fit the keys that sort has now.
 * Anything else — edited, truncated, or for a sort whose fields changed type — is a 400.
 */
export function decodeCursor(procedure: ProcedureDef, text: string): { sort: SortField[]; parts: SortPart[]; values: string[] } {
  const refuse = () => invalid('cursor', 'is not a cursor this server issued (use _meta.nextCursor of the previous page)');
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const shapeOk =
    c !== null &&
    typeof c === 'object' &&
    Array.isArray(c.s) &&
    Array.isArray(c.k) &&
    c.s.length >= 1 &&
    c.s.length <= MAX_SORT_FIELDS &&
    c.s.every((x) => Array.isArray(x) && typeof x[0] === 'string' && (x[1] === 'asc' || x[1] === 'desc')) &&
    c.k.every((v) => typeof v === 'string');
  if (!shapeOk) throw refuse();
  const sort = c.s.map(([field, order]) => ({ field, order }));
  let parts: SortPart[];
  try {
    parts = resolveSort(procedure, sort);
  } catch {
    throw invalid('cursor', 'was issued for a sort this procedure no longer allows');
  }
  if (c.k.length !== parts.length || !parts.every((p, i) => VALUE_FORMAT[p.type].test(c.k[i]))) throw refuse();
  return { sort, parts, values: c.k };
}

export const sameSort = (a: SortField[], b: SortField[]) =>
  a.length === b.length && a.every((x, i) => x.field === b[i].field && x.order === b[i].order);
