/**
 * The filter builder's model: the fields a procedure's processes can be filtered on, a tree of
 * conditions and groups, and the two translations between that tree and the list call's `where`
 * (docs/api.md#listing-processes). The builder writes nothing the API does not take: a group is
 * `{and: […]}` or `{or: […]}`, a condition `{field: value}`, `{field: [values]}` (any of) or
 * `{field: {op: value}}`.
 */
import type { ResponseData } from '@chakra-server/sdk';

type Config = ResponseData<'getConfig'>;

/** How a field compares: equality only (`choice`, `text`), or ordered (`number`, `time`, `date`). */
export type FieldKind = 'choice' | 'text' | 'number' | 'time' | 'date' | 'boolean';

export interface FilterField {
  /** The `where` key: `state`, an attribute shortId, or `record.<attribute>`. */
  key: string;
  label: string;
  kind: FieldKind;
  /** The values to pick from, for `choice` fields. */
  options?: { value: string | number; label: string }[];
}

export type Operator = '=' | '!=' | 'any' | '>' | '>=' | '<' | '<=';

export const OPERATOR_LABELS: Record<Operator, string> = {
  '=': 'is',
  '!=': 'is not',
  any: 'is any of',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
};

export function operatorsFor(kind: FieldKind): Operator[] {
  if (kind === 'boolean') return ['=', '!='];
  if (kind === 'choice' || kind === 'text') return ['=', '!=', 'any'];
  return ['=', '!=', '>', '>=', '<', '<='];
}

export interface Condition {
  type: 'condition';
  field: string;
  op: Operator;
  /** One value; for `any`, a list. Numbers, booleans and times as the API takes them. */
  value: unknown;
}

export interface Group {
  type: 'group';
  join: 'and' | 'or';
  items: (Condition | Group)[];
}

export const emptyGroup = (join: 'and' | 'or' = 'and'): Group => ({ type: 'group', join, items: [] });

// The attribute types the list call compares (docs/api.md#listing-processes); others cannot be filtered on.
const NUMBER_TYPES = new Set(['integer', 'number', 'integerId', 'float', 'decimal', 'time']);
const TEXT_TYPES = new Set(['string', 'text', 'name', 'email', 'phone', 'url', 'stringId', 'datetimeISO8601', 'user']);
const CHOICE_TYPES = new Set(['stringEnum', 'integerEnum', 'floatEnum']);

function attributeKind(type: string): FieldKind | undefined {
  if (CHOICE_TYPES.has(type)) return 'choice';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (TEXT_TYPES.has(type)) return 'text';
  if (type === 'date') return 'date';
  if (type === 'datetime') return 'time';
  if (type === 'boolean') return 'boolean';
  return undefined;
}

/** The fields of a procedure's processes, in the order the builder offers them. */
export function filterFields(config: Config, ps: string, users: { username: string; label: string }[]): FilterField[] {
  const procedure = config.procedures.find((p) => p.shortId === ps);
  if (!procedure) return [];
  const byId = new Map(config.attributes.map((a) => [a.id, a]));
  const attributeFields = (ids: string[], prefix: string, labelPrefix: string) =>
    ids.flatMap((id): FilterField[] => {
      const a = byId.get(id);
      const kind = a && attributeKind(a.type);
      if (!a || !kind) return [];
      return [
        {
          key: `${prefix}${a.shortId}`,
          label: `${labelPrefix}${a.name || a.shortId}`,
          kind,
          ...(a.options ? { options: a.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
        },
      ];
    });
  const entity = config.entities.find((e) => e.id === procedure.entity);
  return [
    ...attributeFields(procedure.attributes, '', ''),
    {
      key: 'state',
      label: 'State',
      kind: 'choice',
      options: [...procedure.states].sort((a, b) => a.order - b.order).map((s) => ({ value: s.shortId, label: s.name })),
    },
    {
      key: 'status',
      label: 'Status',
      kind: 'choice',
      options: ['OPEN', 'COMPLETED', 'CANCELLED'].map((s) => ({ value: s, label: s[0] + s.slice(1).toLowerCase() })),
    },
    { key: 'assignedTo', label: 'Assignee', kind: 'choice', options: users.map((u) => ({ value: u.username, label: u.label })) },
    { key: 'createdAt', label: 'Created', kind: 'time' },
    { key: 'updatedAt', label: 'Updated', kind: 'time' },
    { key: 'nextActionAt', label: 'Next action', kind: 'time' },
    ...(entity ? attributeFields(entity.attributes, 'record.', `${entity.name} · `) : []),
  ];
}

/** The builder's tree as the API's `where`; `null` when it holds no condition. */
export function toWhere(group: Group): Record<string, unknown> | null {
  const documents = group.items.flatMap((item) => {
    if (item.type === 'group') {
      const inner = toWhere(item);
      return inner ? [inner] : [];
    }
    // A condition still waiting for its value asks nothing (the API would refuse an empty one).
    if (!isComplete(item)) return [];
    if (item.op === 'any') return [{ [item.field]: item.value }];
    if (item.op === '=') return [{ [item.field]: item.value }];
    return [{ [item.field]: { [item.op]: item.value } }];
  });
  if (documents.length === 0) return null;
  return { [group.join]: documents };
}

function isComplete(condition: Condition): boolean {
  const { value } = condition;
  if (Array.isArray(value)) return value.length > 0;
  return value !== '' && value !== undefined && value !== null && !(typeof value === 'number' && Number.isNaN(value));
}

const OPERATORS = new Set(['=', '!=', '>', '>=', '<', '<=']);

/**
 * A `where` as the builder's tree, or `null` when it holds something the builder does not write
 * (then the table keeps the `where` as it is and the builder starts empty).
 */
export function fromWhere(where: unknown): Group | null {
  if (!isDocument(where)) return null;
  const keys = Object.keys(where);
  // What toWhere writes: one `and` or `or` key. Anything else is a document of ANDed conditions.
  if (keys.length === 1 && (keys[0] === 'and' || keys[0] === 'or')) {
    const list = where[keys[0]];
    if (!Array.isArray(list)) return null;
    const items: Group['items'] = [];
    for (const document of list) {
      const inner = fromDocument(document);
      if (!inner) return null;
      // A document of one condition (or one `and`/`or`) is that item; several are a group of their own.
      items.push(...(inner.items.length === 1 ? inner.items : [inner]));
    }
    return { type: 'group', join: keys[0], items };
  }
  return fromDocument(where);
}

function fromDocument(document: unknown): Group | null {
  if (!isDocument(document)) return null;
  const items: Group['items'] = [];
  for (const [field, value] of Object.entries(document)) {
    if (field === 'and' || field === 'or') {
      const inner = fromWhere({ [field]: value });
      if (!inner) return null;
      items.push(inner);
    } else if (Array.isArray(value)) {
      items.push({ type: 'condition', field, op: 'any', value });
    } else if (isDocument(value)) {
      for (const [op, operand] of Object.entries(value)) {
        if (!OPERATORS.has(op)) return null;
        items.push({ type: 'condition', field, op: op as Operator, value: operand });
      }
    } else {
      items.push({ type: 'condition', field, op: '=', value });
    }
  }
  return { type: 'group', join: 'and', items };
}

function isDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How many conditions a tree holds (the count on the Filter button). */
export function conditionCount(group: Group): number {
  return group.items.reduce((n, item) => n + (item.type === 'group' ? conditionCount(item) : 1), 0);
}
