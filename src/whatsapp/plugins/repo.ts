/** SQL for WhatsApp plugins. Every statement is scoped by team, but the webhook's lookup by id. */
import type { Queryable } from '../../core/db/types.ts';

export interface PluginRow {
  id: string;
  team_id: string;
  name: string;
  graph_api_url: string;
  access_token_enc: string | null;
  app_secret_enc: string | null;
  verify_token_enc: string | null;
  messages_per_second: number;
  webhook_config: Record<string, unknown>;
}

export async function findPlugin(db: Queryable, teamId: string, pluginId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>('select * from whatsapp_plugins where id = $1 and team_id = $2', [pluginId, teamId]);
  return rows[0];
}

/** A plugin by id alone, for Meta's webhook (whose URL names the plugin, not a team). */
export async function findPluginById(db: Queryable, pluginId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>('select * from whatsapp_plugins where id = $1', [pluginId]);
  return rows[0];
}

/** Merges `changes` into the plugin's webhook settings; returns the settings as stored. */
export async function updateWebhookConfig(db: Queryable, teamId: string, pluginId: string, changes: Record<string, unknown>) {
  const rows = await db.query<{ webhook_config: Record<string, unknown> }>(
    `update whatsapp_plugins set webhook_config = webhook_config || $3::jsonb, updated_at = now()
      where id = $1 and team_id = $2 returning webhook_config`,
    [pluginId, teamId, JSON.stringify(changes)],
  );
  return rows[0]?.webhook_config;
}
