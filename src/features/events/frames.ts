/** The text of the stream (Server-Sent Events): one frame per event, built once and shared by every stream. */
import type { HistoryRow } from './repo.ts';
import { formatPosition, type Position } from './position.ts';

export interface Frame {
  position: Position;
  text: string;
}

/** How long a browser's EventSource waits before reconnecting after a dropped connection. */
const RETRY_MS = 2000;

/** What a `process` event's data holds (schemas.ts documents it). */
function eventData(row: HistoryRow) {
  const at = row.created_at instanceof Date ? row.created_at : new Date(row.created_at);
  return {
    id: formatPosition(row),
    kind: row.kind,
    procedure: row.procedure,
    procedureId: row.procedure_id,
    processId: row.process_id,
    changes: row.changes ?? null,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    at: at.toISOString(),
  };
}

/** JSON has no raw line breaks, so one `data:` line carries it whole. */
export function processFrame(row: HistoryRow): Frame {
  const id = formatPosition(row);
  return { position: { txid: row.txid, id: row.id }, text: `id: ${id}\nevent: process\ndata: ${JSON.stringify(eventData(row))}\n\n` };
}

/**
 * Events were dropped (too far behind, or the client could not keep up): refetch what is shown,
 * then carry on from `at`, whose id the browser remembers for its next reconnection.
 */
export function resetFrame(at: Position, reason: 'behind' | 'slow'): string {
  const id = formatPosition(at);
  return `id: ${id}\nevent: reset\ndata: ${JSON.stringify({ id, reason })}\n\n`;
}

/** The first bytes: the reconnection delay, and the position the stream starts at (an id with no data dispatches nothing, but the browser keeps it). */
export function openingFrame(at: Position): string {
  return `retry: ${RETRY_MS}\nid: ${formatPosition(at)}\n\n`;
}

export const KEEPALIVE = ': keepalive\n\n';
