/**
 * The processes table's columns: the process's own fields, then the procedure's attributes in
 * the procedure's order. What a person chose (order, hidden) is kept per procedure in
 * localStorage; columns the procedure gained since are added at the end, those it lost dropped.
 */
import { useCallback, useState } from 'react';

export interface Column {
  key: string;
  label: string;
  /** The `sort` field for the API, when the column can be sorted by. */
  sortField?: string;
  /** The attribute's type (for formatting), or the field's kind. */
  type: string;
  /** Reads the value from a process. */
  read: (process: any) => unknown;
}

export interface ColumnChoice {
  key: string;
  visible: boolean;
}

// Attribute types the list API sorts by (docs/api.md, "Sorting"); json and multi-valued ones are not.
const UNSORTABLE = /json|multi|photo|file|location|object|array|list/i;

export function columnsFor(
  procedure: { attributes: string[] },
  attributes: { id: string; shortId: string; name: string; type: string }[],
): Column[] {
  const byId = new Map(attributes.map((a) => [a.id, a]));
  const own: Column[] = [
    { key: 'state', label: 'State', type: 'state', read: (p) => p.state },
    { key: 'createdAt', label: 'Created', type: 'datetime', sortField: 'createdAt', read: (p) => p.createdAt },
    { key: 'updatedAt', label: 'Updated', type: 'datetime', sortField: 'updatedAt', read: (p) => p.updatedAt },
    { key: 'nextActionAt', label: 'Next action', type: 'datetime', sortField: 'nextActionAt', read: (p) => p.nextActionAt },
  ];
  const attributeColumns = procedure.attributes.flatMap((id) => {
    const a = byId.get(id);
    if (!a) return [];
    const column: Column = {
      key: `data.${a.shortId}`,
      label: a.name || a.shortId,
      type: a.type,
      sortField: UNSORTABLE.test(a.type) ? undefined : a.shortId,
      read: (p) => p.data?.[a.shortId],
    };
    return [column];
  });
  return [...attributeColumns, ...own];
}

/** A column's name in a saved view (docs/console.md#views): the attribute's shortId, or the process field. */
export const viewColumnName = (key: string) => key.replace(/^data\./, '');

/** The console's column key for a saved view's column name. */
export const columnKeyOf = (name: string, columns: Column[]) => columns.find((c) => viewColumnName(c.key) === name)?.key ?? name;

const storageKey = (ps: string) => `chakra.console.columns.${ps}`;

function merge(columns: Column[], saved: ColumnChoice[] | undefined): ColumnChoice[] {
  const known = new Set(columns.map((c) => c.key));
  const kept = (saved ?? []).filter((c) => known.has(c.key));
  const seen = new Set(kept.map((c) => c.key));
  // By default the first eight columns show; a person adds the rest from the column menu.
  const added = columns.filter((c) => !seen.has(c.key)).map((c, i) => ({ key: c.key, visible: saved ? true : i < 8 }));
  return [...kept, ...added];
}

function load(ps: string): ColumnChoice[] | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey(ps)) ?? 'null');
    return Array.isArray(value)
      ? value.filter((c) => typeof c?.key === 'string').map((c) => ({ key: c.key, visible: c.visible !== false }))
      : undefined;
  } catch {
    return undefined;
  }
}

/** The column choices for a procedure, and the ways to change them (each change is saved). */
export function useColumnChoices(ps: string, columns: Column[]) {
  const [choices, setChoices] = useState<ColumnChoice[]>(() => merge(columns, load(ps)));
  const current = merge(columns, choices);
  const save = useCallback(
    (next: ColumnChoice[]) => {
      setChoices(next);
      try {
        localStorage.setItem(storageKey(ps), JSON.stringify(next));
      } catch {
        // Storage full or refused (private mode): the choice holds for this page only.
      }
    },
    [ps],
  );
  const toggle = (key: string) => save(current.map((c) => (c.key === key ? { ...c, visible: !c.visible } : c)));
  const move = (key: string, by: -1 | 1) => {
    const i = current.findIndex((c) => c.key === key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= current.length) return;
    const next = [...current];
    [next[i], next[j]] = [next[j], next[i]];
    save(next);
  };
  const reset = () => save(merge(columns, undefined));
  /** Shows these columns in this order (a saved view's), and hides the rest. */
  const showOnly = (keys: string[]) => {
    const known = new Set(current.map((c) => c.key));
    const shown = keys.filter((k) => known.has(k));
    save([
      ...shown.map((key) => ({ key, visible: true })),
      ...current.filter((c) => !shown.includes(c.key)).map((c) => ({ ...c, visible: false })),
    ]);
  };
  return { choices: current, toggle, move, reset, showOnly };
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A value as text (React escapes it; nothing a person typed is ever read as HTML). */
export function formatValue(value: unknown, type: string): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.map((v) => formatValue(v, type.replace(/^multi/i, ''))).join(', ');
  if (typeof value === 'number' && /^(datetime|date)$/i.test(type)) {
    return type.toLowerCase() === 'date' ? dateOnly.format(value) : dateTime.format(value);
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
