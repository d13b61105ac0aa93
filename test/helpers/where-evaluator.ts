/**
 * The reference semantics of the list `where` grammar (docs/api.md#listing-processes), written
 * as plainly as possible over the API's own process objects. The differential test holds the
 * SQL compiler to it.
 */
export type FieldKind = 'numeric' | 'text' | 'boolean' | 'time' | 'status' | 'state' | 'user';

export interface EvalScope {
  /** Field name (as in `where`) → its kind. */
  fields: Record<string, FieldKind>;
  /** username or id → user id */
  users: Map<string, string>;
}

const ORDERED: FieldKind[] = ['numeric', 'text', 'time'];

function fieldValue(p: any, key: string): unknown {
  switch (key) {
    case 'status':
      return p.status;
    case 'state':
      return p.state;
    case 'assignedTo':
      return p.assignedTo;
    case 'createdAt':
    case 'updatedAt':
    case 'nextActionAt':
      return p[key];
  }
  if (key.startsWith('record.')) return p.record?.data?.[key.slice(7)];
  return p.data[key];
}

function normalise(kind: FieldKind, w: unknown, scope: EvalScope): unknown {
  if (kind === 'time') return typeof w === 'string' && !/^-?\d+$/.test(w) ? Date.parse(w) : Number(w);
  if (kind === 'numeric') return Number(w);
  if (kind === 'user') return scope.users.get(w as string) ?? 'nobody';
  if (kind === 'text') return String(w);
  return w;
}

function compare(kind: FieldKind, v: unknown, op: string, w: unknown): boolean {
  if (v === undefined || v === null) return false; // a missing value matches no comparison
  if (kind === 'numeric' && typeof v !== 'number') return false;
  if (kind === 'text' && typeof v !== 'string') return false;
  if (kind === 'boolean' && typeof v !== 'boolean') return false;
  switch (op) {
    case '=':
      return v === w;
    case '!=':
      return v !== w;
    case '>':
      return (v as any) > (w as any);
    case '>=':
      return (v as any) >= (w as any);
    case '<':
      return (v as any) < (w as any);
    case '<=':
      return (v as any) <= (w as any);
  }
  throw new Error(`operator ${op}`);
}

export function matches(p: any, doc: Record<string, unknown>, scope: EvalScope): boolean {
  return Object.entries(doc).every(([key, rhs]) => {
    if (key === 'and') return (rhs as any[]).every((d) => matches(p, d, scope));
    if (key === 'or') return (rhs as any[]).some((d) => matches(p, d, scope));
    const kind = scope.fields[key];
    const v = fieldValue(p, key);
    if (Array.isArray(rhs)) return rhs.some((w) => compare(kind, v, '=', normalise(kind, w, scope)));
    if (rhs !== null && typeof rhs === 'object') {
      return Object.entries(rhs).every(([op, w]) => compare(kind, v, op, normalise(kind, w, scope)));
    }
    return compare(kind, v, '=', normalise(kind, rhs, scope));
  });
}

export const isOrdered = (kind: FieldKind) => ORDERED.includes(kind);
