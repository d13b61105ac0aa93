/** WhatsApp plugins of a team: lookup (404 in the text partner clients match on) and webhook settings. */
import type { Queryable } from '../../core/db/types.ts';
import { AppError, invalid } from '../../core/errors.ts';
import { isUuid } from '../../features/attributes/check-value.ts';
import { parseHttpUrl } from '../../features/webhooks/destination-url.ts';
import * as repo from './repo.ts';
import type { PluginConfig, PluginConfigChanges } from './schemas.ts';

/** `_errors[0]` is exactly `plugin <pluginId> not found` (docs/whatsapp.md#configuration-api). */
export function pluginNotFound(pluginId: string): AppError {
  return new AppError('NOT_FOUND', { resource: 'plugin', id: pluginId });
}

export async function findPlugin(db: Queryable, teamId: string, pluginId: string): Promise<repo.PluginRow> {
  const plugin = isUuid(pluginId) ? await repo.findPlugin(db, teamId, pluginId.toLowerCase()) : undefined;
  if (!plugin) throw pluginNotFound(pluginId);
  return plugin;
}

function toConfig(stored: Record<string, unknown>): PluginConfig {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return {
    passThroughWebhookUrl: text(stored.passThroughWebhookUrl),
    enableMessageEchoesForPassThroughWebhook: stored.enableMessageEchoesForPassThroughWebhook === true,
    enableSendMessageTemplateEventForPassThroughWebhook: stored.enableSendMessageTemplateEventForPassThroughWebhook === true,
    enableChakraWebhook: stored.enableChakraWebhook === true,
    chakraWebhookUrl: text(stored.chakraWebhookUrl),
    whichChakraWebhookEventsToSend: Array.isArray(stored.whichChakraWebhookEventsToSend) ? (stored.whichChakraWebhookEventsToSend as string[]) : [],
  };
}

export async function getPluginConfig(db: Queryable, teamId: string, pluginId: string): Promise<PluginConfig> {
  return toConfig((await findPlugin(db, teamId, pluginId)).webhook_config);
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
  const plugin = await findPlugin(db, teamId, pluginId);
  const patch: Record<string, unknown> = { ...changes };
  for (const key of ['passThroughWebhookUrl', 'chakraWebhookUrl'] as const) {
    if (key in changes) patch[key] = checkUrl(key, changes[key]);
  }
  const next = toConfig({ ...plugin.webhook_config, ...patch });
  if (next.enableChakraWebhook && !next.chakraWebhookUrl) throw invalid('chakraWebhookUrl', 'is required to enable the Chakra webhook');
  await repo.updateWebhookConfig(db, teamId, plugin.id, patch);
  return { success: true };
}
