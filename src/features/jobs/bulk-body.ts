/**
 * The outer shape of a bulk request: an array of items or `{"processes": [...]}`, at most
 * `maxItems`, every item an object. A body failing here is refused whole (400, no job); an
 * object item that breaks a process rule is accepted and becomes an INVALID entry instead.
 */
import { type AppError, invalid } from '../../core/errors.ts';

export function checkBulkBody(body: unknown, maxItems: number): { value: Record<string, unknown>[] } | { error: AppError } {
  const wrapped = body !== null && typeof body === 'object' && !Array.isArray(body);
  const items = Array.isArray(body) ? body : wrapped ? (body as Record<string, unknown>).processes : undefined;
  const name = wrapped ? 'processes' : 'body';
  if (wrapped) {
    const extra = Object.keys(body as object).find((k) => k !== 'processes');
    if (extra !== undefined) return { error: invalid(extra, 'is not a known field (send an array of processes, or {"processes": [...]})') };
  }
  if (!Array.isArray(items)) return { error: invalid(name, 'must be an array of processes, or {"processes": [...]}') };
  if (items.length === 0) return { error: invalid(name, 'must hold at least one process') };
  if (items.length > maxItems) {
    return {
      error: invalid(name, `holds ${items.length} items, more than the limit of ${maxItems} per request; split it into several jobs`),
    };
  }
  const bad = items.findIndex((item) => item === null || typeof item !== 'object' || Array.isArray(item));
  if (bad >= 0) return { error: invalid(`${name}[${bad}]`, 'must be an object') };
  return { value: items };
}
