/**
 * The outbox: deliveries written in the transaction of the change they report, so an event
 * exists exactly when its change does, and is delivered (at least once) after the commit.
 * Once the transaction commits, the destinations are woken; the delivery sweep backs that up.
 */
import { notifyAfterCommit } from '../../core/db/after-commit.ts';
import type { Db, Queryable } from '../../core/db/types.ts';

export const PLATFORM_EVENTS = [
  'process.created',
  'process.updated',
  'process.deleted',
  'task.created',
  'background_job.completed',
  'webhook.disabled',
] as const;
export type PlatformEvent = (typeof PLATFORM_EVENTS)[number];

/** One delivery to write: `orderKey` groups deliveries of a destination that must keep their order. */
export interface NewDelivery {
  destination: string;
  event: string;
  orderKey: string;
  /** What to send: a body, or a stored Meta event's raw bytes (pass-through, not copied). */
  body: string | { inboundEventId: string };
}

/** The topic under which a committed transaction names the destinations it wrote deliveries for. */
const NEW_DELIVERIES = 'webhook-deliveries';

/** The delivery side of a process registers how to wake destinations of its database. */
export function onNewDeliveries(db: Db, wake: (destinations: string[]) => void): void {
  db.notices.listen(NEW_DELIVERIES, wake);
}

function wakeAfterCommit(tx: Queryable, destinations: string[]): void {
  notifyAfterCommit(tx, NEW_DELIVERIES, [...new Set(destinations)]);
}

/**
 * A platform event's body, as docs/webhooks.md#platform-event-subscriptions gives it:
 * `changedAttributes` on updates; `meta` (the `_meta` its GET answers with) where the object
 * has one, as a background job does.
 */
export function platformBody(event: PlatformEvent, data: unknown, extra: { changedAttributes?: string[]; meta?: unknown } = {}): string {
  return JSON.stringify({ event, data, ...extra, occurredAt: Date.now() });
}

/**
 * Writes platform events for every enabled subscription of the team that listens to them, in
 * one statement: each item becomes one delivery per such subscription.
 */
export async function writePlatformEvent(
  tx: Queryable,
  teamId: string,
  event: PlatformEvent,
  orderKey: string,
  body: string,
): Promise<void> {
  await writePlatformEvents(tx, teamId, event, [{ orderKey, body }]);
}

export async function writePlatformEvents(
  tx: Queryable,
  teamId: string,
  event: PlatformEvent,
  items: { orderKey: string; body: string }[],
): Promise<void> {
  if (!items.length) return;
  const rows = await tx.query<{ destination: string }>(
    `insert into webhook_deliveries (id, team_id, destination, subscription_id, event, order_key, body)
     select gen_random_uuid(), $1, s.id::text, s.id, $2, e.item->>'order_key', e.item->>'body'
       from webhook_subscriptions s
      cross join jsonb_array_elements($3::jsonb) with ordinality as e(item, n)
      where s.team_id = $1 and s.enabled and $2 = any(s.events)
      order by s.id, e.n
     returning destination`,
    [teamId, event, JSON.stringify(items.map((i) => ({ order_key: i.orderKey, body: i.body })))],
  );
  wakeAfterCommit(
    tx,
    rows.map((r) => r.destination),
  );
}

/** Writes deliveries to known destinations (a WhatsApp plugin's webhooks), in the given order. */
export async function writeDeliveries(tx: Queryable, teamId: string, deliveries: NewDelivery[]): Promise<void> {
  if (!deliveries.length) return;
  await tx.run(
    `insert into webhook_deliveries (id, team_id, destination, event, order_key, body, inbound_event_id)
     select gen_random_uuid(), $1, d.item->>'destination', d.item->>'event', d.item->>'order_key', d.item->>'body', (d.item->>'inbound_event_id')::uuid
       from jsonb_array_elements($2::jsonb) with ordinality as d(item, n)
      order by d.n`,
    [
      teamId,
      JSON.stringify(
        deliveries.map((d) => ({
          destination: d.destination,
          event: d.event,
          order_key: d.orderKey,
          ...(typeof d.body === 'string' ? { body: d.body } : { inbound_event_id: d.body.inboundEventId }),
        })),
      ),
    ],
  );
  wakeAfterCommit(
    tx,
    deliveries.map((d) => d.destination),
  );
}
