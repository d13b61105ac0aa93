/** `process.*` platform events, written in the transaction of the change (when anyone listens). */
import type { Queryable } from '../../core/db/types.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import { platformBody, writePlatformEvents, type PlatformEvent } from '../webhooks/outbox.ts';
import type { ProcessStateRow } from './bulk-repo.ts';
import type { ProcessView } from './service.ts';

const FIELDS = ['status', 'state', 'assignedTo', 'nextActionAt'] as const;

/** What of a process a change can move, as the API shows it: enough to tell old from new. */
export type TrackedFields = Pick<ProcessView, 'data' | 'status' | 'state' | 'assignedTo' | 'nextActionAt'>;

/** One field an update changed: an attribute shortId or status, state, assignedTo, nextActionAt. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/**
 * What an update changed: the attributes of `data` whose value differs, then the process fields
 * among status, state, assignedTo and nextActionAt that moved, each with its old and new value
 * (null for an attribute that was not set). Empty when nothing did. Webhooks name the fields,
 * history keeps the values: one definition of "changed" for both.
 */
export function fieldChanges(before: TrackedFields, after: TrackedFields): FieldChange[] {
  const b = before.data as Record<string, unknown>;
  const a = after.data as Record<string, unknown>;
  const keys = new Set([...Object.keys(b), ...Object.keys(a)]);
  const changes: FieldChange[] = [];
  for (const k of keys) {
    if (JSON.stringify(b[k]) !== JSON.stringify(a[k])) changes.push({ field: k, old: b[k] ?? null, new: a[k] ?? null });
  }
  for (const f of FIELDS) if (before[f] !== after[f]) changes.push({ field: f, old: before[f], new: after[f] });
  return changes;
}

/** The tracked fields of a bare process row (a bulk chunk reads no more than that). */
export function trackedOf(procedure: Pick<ProcedureDef, 'states'>, row: ProcessStateRow): TrackedFields {
  return {
    data: row.data,
    status: row.status,
    state: procedure.states.find((s) => s.id === row.state_id)?.shortId ?? row.state_id,
    assignedTo: row.assigned_to,
    nextActionAt: row.next_action_at ? new Date(row.next_action_at).getTime() : null,
  };
}

/** Writes the event for each process (ordered per process) unless no subscription of the team wants it. */
export async function emitProcessEvents(
  tx: Queryable,
  config: TeamConfig,
  event: PlatformEvent,
  changes: { after: ProcessView; before?: ProcessView }[],
): Promise<void> {
  if (!config.webhookEvents.has(event) || !changes.length) return;
  await writePlatformEvents(
    tx,
    config.team.id,
    event,
    changes.map(({ after, before }) => ({
      orderKey: after.id,
      body: platformBody(event, after, before ? { changedAttributes: fieldChanges(before, after).map((c) => c.field) } : {}),
    })),
  );
}
