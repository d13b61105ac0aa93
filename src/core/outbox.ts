/**
 * Events for other systems (webhook deliveries), written in the same transaction as the change
 * they describe, so an event exists exactly when its change does. Delivery reads them in `seq` order.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './db/types.ts';

export type OutboxEvent = 'background_job.completed';

export async function writeOutboxEvent(tx: Queryable, teamId: string, event: OutboxEvent, payload: unknown): Promise<void> {
  await tx.run('insert into outbox_events (id, team_id, event, payload) values ($1, $2, $3, $4::jsonb)', [
    randomUUID(),
    teamId,
    event,
    JSON.stringify(payload),
  ]);
}
