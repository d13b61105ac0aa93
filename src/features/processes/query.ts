/**
 * Compiles the list endpoint's `where` document (docs/api.md#listing-processes) into a SQL condition
 * over `p` (processes) and `r` (their records), with every value as a parameter.
 *
 * Semantics, shared with the reference evaluator of the differential test:
 * - sibling keys are ANDed; `and`/`or` take arrays of documents (`and: []` is true, `or: []` false);
 * - a scalar is equality, an array is "any of", an object ANDs its operators `= != > >= < <=`;
 * - a process whose attribute is missing never matches a comparison on it, `!=` included;
 * - attribute values compare by the attribute's type: numbers and times numerically, text by
 *   code point, booleans by equality only; `state`, `assignedTo` and `status` by equality only.
 */
import { invalid } from '../../core/errors.ts';
import { epochMs } from '../attributes/check-value.ts';
import type { AttributeDef, ProcedureDef, EntityDef } from '../config/model.ts';

const OPERATORS = ['=', '!=', '>', '>=', '<', '<='] as const;
type Operator = (typeof OPERATORS)[number];

const NUMERIC_TYPES = new Set([
  'integer',
  'number',
  'integerId',
  'float',
  'decimal',
  'date',
  'datetime',
  'time',
  'integerEnum',
  'floatEnum',
]);
const TIME_TYPES = new Set(['date', 'datetime']);
const TEXT_TYPES = new Set([
  'string',
  'text',
  'name',
  'email',
  'phone',
  'url',
  'stringId',
  'stringEnum',
  'datetimeISO8601',
  'photo',
  'user',
]);

export interface QueryScope {
  procedure: ProcedureDef;
  entity: EntityDef | undefined;
  /** usernames and user ids of the team → user id (resolved before compiling). */
  users: Map<string, string>;
}

/**
 * Bounds on one `where` (docs/api.md): the planner's time grows with every condition, and on the
 * embedded database one slow plan holds up every request behind it.
 */
export const MAX_WHERE_CONDITIONS = 200;
export const MAX_WHERE_GROUPS = 200;
export const MAX_WHERE_VALUES = 1000;

class Params {
  values: unknown[] = [];
  private conditions = 0;
  private groups = 0;
  private listed = 0;
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
  /** Counts a condition on a field with `values` values; throws past the bounds. */
  countCondition(values: number) {
    this.conditions += 1;
    this.listed += values;
    if (this.conditions > MAX_WHERE_CONDITIONS) throw invalid('where', `has more than ${MAX_WHERE_CONDITIONS} conditions`);
    if (this.listed > MAX_WHERE_VALUES) throw invalid('where', `lists more than ${MAX_WHERE_VALUES} values in all`);
  }
  /** Counts a document inside and/or (planned too, even an empty one). */
  countGroup() {
    if (++this.groups > MAX_WHERE_GROUPS) throw invalid('where', `has more than ${MAX_WHERE_GROUPS} documents inside and/or`);
  }
}

type Kind = 'numeric' | 'text' | 'boolean' | 'time' | 'id';

interface Field {
  kind: Kind;
  /** For process attributes: the jsonb key, so equality can also be said as `data @> {...}` (GIN index). */
  jsonKey?: string;
  /** SQL expression of the field; null-safe: missing values are SQL NULL. */
  sql: string;
  /** Equality/ordering allowed? */
  ordered: boolean;
  convert(value: unknown, path: string): unknown;
}

function numeric(type: string) {
  return (value: unknown, path: string) => {
    if (TIME_TYPES.has(type)) {
      const t = epochMs(value);
      if (!t.ok) throw invalid(path, t.message);
      return t.value;
    }
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(path, 'must be a number');
    return n;
  };
}

/**
 * The SQL value of an attribute inside a jsonb column, typed by the attribute's type (SQL NULL
 * when missing or of another JSON type); undefined for types that cannot be compared. Lists and
 * the sort indexes (sort-indexes.ts) use this one definition, so the planner matches them.
 */
export function attributeExpression(
  attr: Pick<AttributeDef, 'shortId' | 'type'>,
  column: string,
): { kind: 'numeric' | 'boolean' | 'text'; sql: string } | undefined {
  const key = `'${attr.shortId.replace(/'/g, "''")}'`;
  if (NUMERIC_TYPES.has(attr.type))
    return { kind: 'numeric', sql: `(case when jsonb_typeof(${column}->${key}) = 'number' then (${column}->>${key})::numeric end)` };
  if (attr.type === 'boolean')
    return { kind: 'boolean', sql: `(case when jsonb_typeof(${column}->${key}) = 'boolean' then (${column}->>${key})::boolean end)` };
  if (TEXT_TYPES.has(attr.type))
    return { kind: 'text', sql: `(case when jsonb_typeof(${column}->${key}) = 'string' then ${column}->>${key} end) collate "C"` };
  return undefined;
}

function attributeField(attr: AttributeDef, column: 'p.data' | 'r.data', path: string): Field {
  const jsonKey = column === 'p.data' ? attr.shortId : undefined;
  const expression = attributeExpression(attr, column);
  if (expression?.kind === 'numeric') return { jsonKey, kind: 'numeric', sql: expression.sql, ordered: true, convert: numeric(attr.type) };
  if (expression?.kind === 'boolean') {
    return {
      jsonKey,
      kind: 'boolean',
      sql: expression.sql,
      ordered: false,
      convert: (v) => {
        if (typeof v !== 'boolean') throw invalid(path, 'must be true or false');
        return v;
      },
    };
  }
  if (expression?.kind === 'text') {
    return {
      jsonKey,
      kind: 'text',
      sql: expression.sql,
      ordered: true,
      convert: (v) => {
        if (typeof v === 'number') return String(v);
        if (typeof v !== 'string') throw invalid(path, 'must be a string');
        return v;
      },
    };
  }
  throw invalid(path, `attributes of type ${attr.type} cannot be filtered on`);
}

function timeField(column: string): Field {
  return {
    kind: 'time',
    // The column itself (stored to the millisecond), so its index serves ranges and sorts.
    sql: column,
    ordered: true,
    convert: (v, path) => {
      const t = epochMs(v);
      if (!t.ok) throw invalid(path, t.message);
      return new Date(t.value as number).toISOString();
    },
  };
}

function fieldFor(key: string, scope: QueryScope, path: string): Field {
  switch (key) {
    case 'status':
      return {
        kind: 'text',
        sql: 'p.status',
        ordered: false,
        convert: (v) => {
          if (v !== 'OPEN' && v !== 'COMPLETED' && v !== 'CANCELLED') throw invalid(path, 'must be OPEN, COMPLETED or CANCELLED');
          return v;
        },
      };
    case 'state':
      return {
        kind: 'id',
        sql: 'p.state_id',
        ordered: false,
        convert: (v) => {
          const state = typeof v === 'string' ? scope.procedure.statesByShortId.get(v) : undefined;
          if (!state)
            throw invalid(
              path,
              `unknown state ${String(v)} (states of ${scope.procedure.shortId}: ${scope.procedure.states.map((s) => s.shortId).join(', ')})`,
            );
          return state.id;
        },
      };
    case 'assignedTo':
      return {
        kind: 'id',
        sql: 'p.assigned_to',
        ordered: false,
        convert: (v) => {
          if (typeof v !== 'string') throw invalid(path, 'must be a username or a user id');
          // An unknown user matches no process (and `!=` every assigned one).
          return scope.users.get(v) ?? '00000000-0000-0000-0000-000000000000';
        },
      };
    case 'createdAt':
      return timeField('p.created_at');
    case 'updatedAt':
      return timeField('p.updated_at');
    case 'nextActionAt':
      return timeField('p.next_action_at');
  }
  if (key.startsWith('record.')) {
    const attr = scope.entity?.attributes.find((a) => a.shortId === key.slice('record.'.length));
    if (!attr) throw invalid(path, `is not an attribute of the ${scope.entity?.shortId ?? 'linked'} record`);
    return attributeField(attr, 'r.data', path);
  }
  const attr = scope.procedure.attributesByShortId.get(key);
  if (!attr) throw invalid(path, `is not a field or attribute of ${scope.procedure.shortId}`);
  return attributeField(attr, 'p.data', path);
}

function cast(field: Field, param: string): string {
  if (field.kind === 'time') return `${param}::timestamptz`;
  if (field.kind === 'numeric') return `${param}::numeric`;
  if (field.kind === 'boolean') return `${param}::boolean`;
  if (field.kind === 'id') return `${param}::uuid`;
  return `${param}::text`;
}

function comparison(field: Field, op: Operator, value: unknown, path: string, params: Params): string {
  if (!field.ordered && op !== '=' && op !== '!=') throw invalid(path, `only = and != apply to this field`);
  if (Array.isArray(value) || value === null || typeof value === 'object') throw invalid(path, 'must be a single value');
  const converted = field.convert(value, path);
  const param = params.add(converted);
  // `!=` keeps SQL's rule that a missing value matches nothing: both sides must be present.
  const condition = `${field.sql} ${op === '!=' ? '<>' : op} ${cast(field, param)}`;
  if (op !== '=' || field.jsonKey === undefined) return condition;
  // The same equality as containment, which the GIN index on data can answer for rare values.
  return `${condition} and p.data @> ${params.add(JSON.stringify({ [field.jsonKey]: converted }))}::jsonb`;
}

function compileKey(key: string, rhs: unknown, scope: QueryScope, params: Params, path: string): string {
  params.countCondition(Array.isArray(rhs) ? rhs.length : rhs !== null && typeof rhs === 'object' ? Object.keys(rhs).length : 1);
  const field = fieldFor(key, scope, path);
  if (Array.isArray(rhs)) {
    if (rhs.length === 0) return 'false';
    const values = rhs.map((v, i) => {
      if (v === null || typeof v === 'object') throw invalid(`${path}[${i}]`, 'must be a single value');
      return field.convert(v, `${path}[${i}]`);
    });
    const type = { numeric: 'numeric', time: 'timestamptz', boolean: 'boolean', id: 'uuid', text: 'text' }[field.kind];
    return `${field.sql} = any(${params.add(values)}::${type}[])`;
  }
  if (rhs !== null && typeof rhs === 'object') {
    const entries = Object.entries(rhs);
    if (entries.length === 0) throw invalid(path, `needs at least one operator (${OPERATORS.join(' ')})`);
    return entries
      .map(([op, v]) => {
        if (!(OPERATORS as readonly string[]).includes(op))
          throw invalid(`${path}.${op}`, `unknown operator (operators: ${OPERATORS.join(' ')})`);
        return comparison(field, op as Operator, v, `${path}.${op}`, params);
      })
      .join(' and ');
  }
  if (rhs === null) throw invalid(path, 'must be a value, an array of values or an operator object');
  return comparison(field, '=', rhs, path, params);
}

function compileDocument(doc: unknown, scope: QueryScope, params: Params, path: string): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid(path, 'must be an object');
  const parts: string[] = [];
  for (const [key, rhs] of Object.entries(doc)) {
    const p = `${path}.${key}`;
    if (key === 'and' || key === 'or') {
      if (!Array.isArray(rhs)) throw invalid(p, 'must be an array of conditions');
      const inner = rhs.map((d, i) => {
        params.countGroup();
        return `(${compileDocument(d, scope, params, `${p}[${i}]`)})`;
      });
      parts.push(inner.length ? inner.join(` ${key} `) : key === 'and' ? 'true' : 'false');
    } else {
      parts.push(compileKey(key, rhs, scope, params, p));
    }
  }
  return parts.length ? parts.map((x) => `(${x})`).join(' and ') : 'true';
}

/** The condition for `where`, with its parameters numbered from `firstParam`. */
export function compileWhere(where: unknown, scope: QueryScope, firstParam: number): { sql: string; params: unknown[] } {
  const params = new Params();
  params.values = new Array(firstParam - 1).fill(undefined);
  const sql = compileDocument(where ?? {}, scope, params, 'where');
  return { sql, params: params.values.slice(firstParam - 1) };
}

/**
 * Every `assignedTo` value in the document, to resolve to user ids before compiling. Reads no
 * further than the bounds let a document go (compiling then refuses it).
 */
export function assigneeRefs(doc: unknown, out: string[] = [], budget = { documents: MAX_WHERE_GROUPS + 1 }): string[] {
  if (doc === null || typeof doc !== 'object' || --budget.documents < 0) return out;
  for (const [key, rhs] of Object.entries(doc)) {
    if (key === 'and' || key === 'or') {
      if (Array.isArray(rhs)) for (const d of rhs) if (budget.documents >= 0) assigneeRefs(d, out, budget);
    } else if (key === 'assignedTo') {
      const values = Array.isArray(rhs) ? rhs : rhs !== null && typeof rhs === 'object' ? Object.values(rhs) : [rhs];
      for (const v of values) if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}
