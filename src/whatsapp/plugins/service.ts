/** WhatsApp plugins of a team: lookups that answer 404 (in the text partner clients match on) and webhook settings. */
import type { Queryable } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import { parseHttpUrl } from '../../features/webhooks/destination-url.ts';
import * as repo from './repo.ts';
import type { PluginConfig, PluginConfigChanges } from './schemas.ts';

/** `_errors[0]` is exactly `plugin <pluginId> not found` (docs/whatsapp.md#configuration-api). */
export function pluginNotFound(pluginId: string): AppError {
  return new AppError('NOT_FOUND', { resource: 'plugin', id: pluginId });
}

/** The team's plugin, or the 404 partner clients match on. (`find…` in repo.ts may answer nothing; `get…` here throws.) */
export async function getPlugin(db: Queryable, teamId: string, pluginId: string): Promise<repo.PluginRow> {
  const plugin = isUuid(pluginId) ? await repo.findPlugin(db, teamId, pluginId.toLowerCase()) : undefined;
  if (!plugin) throw pluginNotFound(pluginId);
  return plugin;
}

/** The team's plugin that owns a WABA (404 otherwise). */
export async function getPluginOfWaba(db: Queryable, teamId: string, wabaId: string): Promise<repo.PluginRow> {
  const plugin = await repo.findPluginOfWaba(db, teamId, wabaId);
  if (!plugin) throw notFound('WhatsApp Business Account', wabaId);
  return plugin;
}

/** The team's plugin that owns one of its phone numbers (404 otherwise: another team's number is never reached). */
export async function getPluginOfNumber(db: Queryable, teamId: string, phoneNumberId: string): Promise<repo.PluginRow> {
  const plugin = await repo.findPluginOfTeamNumber(db, teamId, phoneNumberId);
  if (!plugin) throw notFound('WhatsApp phone number', phoneNumberId);
  return plugin;
}

/** One of the plugin's phone numbers (404 otherwise); answers its WABA. */
export async function getPhoneNumber(db: Queryable, teamId: string, pluginId: string, phoneNumberId: string): Promise<{ waba_id: string }> {
  const number = await repo.findPhoneNumber(db, teamId, pluginId, phoneNumberId);
  if (!number) throw notFound('WhatsApp phone number', phoneNumberId);
  return number;
}

function toConfig(stored: Record<string, unknown>): PluginConfig {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    passThroughWebhookUrl: text(stored.passThroughWebhookUrl),
    enableMessageEchoesForPassThroughWebhook: stored.enableMessageEchoesForPassThroughWebhook === true,
    enableSendMessageTemplateEventForPassThroughWebhook: stored.enableSendMessageTemplateEventForPassThroughWebhook === true,
    enableChakraWebhook: stored.enableChakraWebhook === true,
    chakraWebhookUrl: text(stored.chakraWebhookUrl),
    whichChakraWebhookEventsToSend: Array.isArray(stored.whichChakraWebhookEventsToSend)
      ? (stored.whichChakraWebhookEventsToSend as string[])
      : [],
  };
}

export async function getPluginConfig(db: Queryable, teamId: string, pluginId: string): Promise<PluginConfig> {
  return toConfig((await getPlugin(db, teamId, pluginId)).webhook_config);
}

function checkUrl(path: string, value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null || value === '') return value === undefined ? undefined : null;
  parseHttpUrl(path, value);
  return value;
}

/**
 * Changes only the fields given. Empty strings clear a URL (the n8n node sends them for
 * fields left blank). Turning the Chakra webhook on needs a URL to send to.
 */
export async function updatePluginConfig(db: Queryable, teamId: string, pluginId: string, changes: PluginConfigChanges) {
  const plugin = await getPlugin(db, teamId, pluginId);
  const patch: Record<string, unknown> = { ...changes };
  for (const key of ['passThroughWebhookUrl', 'chakraWebhookUrl'] as const) {
    if (key in changes) patch[key] = checkUrl(key, changes[key]);
  }
  const next = toConfig({ ...plugin.webhook_config, ...patch });
  if (next.enableChakraWebhook && !next.chakraWebhookUrl) throw invalid('chakraWebhookUrl', 'is required to enable the Chakra webhook');
  await repo.updateWebhookConfig(db, teamId, plugin.id, patch);
  return { success: true };
}
