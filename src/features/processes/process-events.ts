/** `process.*` platform events, written in the transaction of the change (when anyone listens). */
import type { Queryable } from '../../core/db/types.ts';
import type { TeamConfig } from '../config/model.ts';
import { platformBody, writePlatformEvents, type PlatformEvent } from '../webhooks/outbox.ts';
import type { ProcessView } from './service.ts';

const FIELDS = ['status', 'state', 'assignedTo', 'nextActionAt'] as const;

/**
 * What an update changed: the attributes of `data` whose value differs, then the process fields
 * among status, state, assignedTo and nextActionAt that moved. Empty when nothing did.
 */
function changedAttributes(before: ProcessView, after: ProcessView): string[] {
  const data = (v: ProcessView) => v.data as Record<string, unknown>;
  const keys = new Set([...Object.keys(data(before)), ...Object.keys(data(after))]);
  const changed = [...keys].filter((k) => JSON.stringify(data(before)[k]) !== JSON.stringify(data(after)[k]));
  return [...changed, ...FIELDS.filter((f) => before[f] !== after[f])];
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
      body: platformBody(event, after, before ? { changedAttributes: changedAttributes(before, after) } : {}),
    })),
  );
}
