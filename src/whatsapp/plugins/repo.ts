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

/** The team's plugin that owns a WABA. */
export async function findPluginOfWaba(db: Queryable, teamId: string, wabaId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>(
    `select p.* from whatsapp_business_accounts w join whatsapp_plugins p on p.id = w.plugin_id
      where w.waba_id = $1 and w.team_id = $2 and p.team_id = $2`,
    [wabaId, teamId],
  );
  return rows[0];
}

/** One of the plugin's phone numbers, with its WABA. */
export async function findPhoneNumber(
  db: Queryable,
  teamId: string,
  pluginId: string,
  phoneNumberId: string,
): Promise<{ waba_id: string } | undefined> {
  const rows = await db.query<{ waba_id: string }>(
    'select waba_id from whatsapp_phone_numbers where phone_number_id = $1 and plugin_id = $2 and team_id = $3',
    [phoneNumberId, pluginId, teamId],
  );
  return rows[0];
}

/** The team's plugin that owns one of its phone numbers. */
export async function findPluginOfTeamNumber(db: Queryable, teamId: string, phoneNumberId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>(
    `select p.* from whatsapp_phone_numbers n join whatsapp_plugins p on p.id = n.plugin_id and p.team_id = n.team_id
      where n.phone_number_id = $1 and n.team_id = $2`,
    [phoneNumberId, teamId],
  );
  return rows[0];
}

export async function listPlugins(db: Queryable, teamId: string): Promise<PluginRow[]> {
  return db.query<PluginRow>('select * from whatsapp_plugins where team_id = $1 order by created_at, id', [teamId]);
}

/** The plugin a sending number belongs to, for background sends and the sandbox (the number id is global). */
export async function findPluginOfNumber(db: Queryable, phoneNumberId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>(
    `select p.* from whatsapp_phone_numbers n join whatsapp_plugins p on p.id = n.plugin_id and p.team_id = n.team_id
      where n.phone_number_id = $1`,
    [phoneNumberId],
  );
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
