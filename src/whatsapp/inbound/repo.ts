/** SQL for Meta's webhook events as received. */
import type { Queryable } from '../../core/db/types.ts';

export async function storeInboundEvent(db: Queryable, e: { id: string; teamId: string; pluginId: string; raw: string }): Promise<void> {
  await db.run('insert into whatsapp_inbound_events (id, team_id, plugin_id, raw) values ($1, $2, $3, $4)', [e.id, e.teamId, e.pluginId, e.raw]);
}
