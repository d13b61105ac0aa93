/**
 * A table's sort, filter and view live in the page's address (`?sort=score:desc&where={…}&view=…`),
 * so a reload, a bookmark or a link sent to a colleague opens the same rows.
 */
import { useLocation, useSearch } from 'wouter';

export interface Sort {
  field: string;
  order: 'asc' | 'desc';
}

export interface TableSetup {
  /** In precedence order, as the list call takes it; null for the default (newest first). */
  sort: Sort[] | null;
  where: Record<string, unknown> | null;
  /** The saved view the setup came from, if any. */
  view: string | null;
}

function parseSort(text: string | null): Sort[] | null {
  const sort = (text ?? '')
    .split(',')
    .filter(Boolean)
    .map((part): Sort => {
      const [field, order] = part.split(':');
      return { field, order: order === 'desc' ? 'desc' : 'asc' };
    });
  return sort.length ? sort : null;
}

function parseWhere(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null; // a mangled link: the table shows everything rather than nothing
  }
}

export function useTableSetup(): [TableSetup, (change: Partial<TableSetup>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const setup: TableSetup = { sort: parseSort(params.get('sort')), where: parseWhere(params.get('where')), view: params.get('view') };
  const change = (next: Partial<TableSetup>) => {
    const merged = { ...setup, ...next };
    const out = new URLSearchParams();
    if (merged.view) out.set('view', merged.view);
    if (merged.sort?.length) out.set('sort', merged.sort.map((s) => `${s.field}:${s.order}`).join(','));
    if (merged.where) out.set('where', JSON.stringify(merged.where));
    const query = out.toString();
    navigate(query ? `${location}?${query}` : location, { replace: true });
  };
  return [setup, change];
}
