/** Finding the plugin that owns a WABA, among the caller team's plugins. */
import type { Queryable } from '../../core/db/types.ts';
import { notFound } from '../../core/errors.ts';
import type { PluginRow } from './repo.ts';

export async function pluginOfWaba(db: Queryable, teamId: string, wabaId: string): Promise<PluginRow> {
  const rows = await db.query<PluginRow>(
    `select p.* from whatsapp_business_accounts w join whatsapp_plugins p on p.id = w.plugin_id
      where w.waba_id = $1 and w.team_id = $2 and p.team_id = $2`,
    [wabaId, teamId],
  );
  if (!rows[0]) throw notFound('WhatsApp Business Account', wabaId);
  return rows[0];
}

/** One of the plugin's phone numbers (404 otherwise); answers its WABA. */
export async function phoneNumberOf(db: Queryable, teamId: string, pluginId: string, phoneNumberId: string): Promise<{ waba_id: string }> {
  const rows = await db.query<{ waba_id: string }>(
    'select waba_id from whatsapp_phone_numbers where phone_number_id = $1 and plugin_id = $2 and team_id = $3',
    [phoneNumberId, pluginId, teamId],
  );
  if (!rows[0]) throw notFound('WhatsApp phone number', phoneNumberId);
  return rows[0];
}

export async function pluginsOfTeam(db: Queryable, teamId: string): Promise<PluginRow[]> {
  return db.query<PluginRow>('select * from whatsapp_plugins where team_id = $1 order by created_at, id', [teamId]);
}

/** The plugin a sending number belongs to, for background sends (the number id is global). */
export async function pluginOfNumber(db: Queryable, phoneNumberId: string): Promise<PluginRow | undefined> {
  const rows = await db.query<PluginRow>(
    `select p.* from whatsapp_phone_numbers n join whatsapp_plugins p on p.id = n.plugin_id and p.team_id = n.team_id
      where n.phone_number_id = $1`,
    [phoneNumberId],
  );
  return rows[0];
}
