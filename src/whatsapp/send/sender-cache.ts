/**
 * What every template send looks up — the plugin, its sending number's WABA, the template —
 * kept per process for KEY_CACHE_TTL_MS, so a send spends its database time on writes only.
 * A workspace change reaches sends within that window, as it reaches API keys and the config.
 */
import type { AppConfig } from '../../config.ts';
import type { AppContext } from '../../context.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { getPhoneNumber, getPlugin } from '../plugins/service.ts';
import type { TemplateDef } from '../templates/build-template-message.ts';
import { resolveTemplate } from '../templates/template-cache.ts';

export interface SendLookups {
  senders: TtlCache<{ plugin: PluginRow; wabaId: string }>;
  templates: TtlCache<TemplateDef>;
}

export function createSendLookups(config: Pick<AppConfig, 'keyCacheTtlMs'>): SendLookups {
  return { senders: new TtlCache(config.keyCacheTtlMs), templates: new TtlCache(config.keyCacheTtlMs) };
}

/** The team's plugin and the WABA of one of its numbers (404s as getPlugin / getPhoneNumber). */
export function senderOf(ctx: AppContext, teamId: string, pluginId: string, phoneNumberId: string) {
  return ctx.local.sendLookups.senders.get(JSON.stringify([teamId, pluginId, phoneNumberId]), async () => {
    const plugin = await getPlugin(ctx.db, teamId, pluginId);
    return { plugin, wabaId: (await getPhoneNumber(ctx.db, teamId, plugin.id, phoneNumberId)).waba_id };
  });
}

export function templateOf(
  ctx: AppContext,
  graph: GraphClient,
  teamId: string,
  wabaId: string,
  name: string,
  language: string | undefined,
) {
  return ctx.local.sendLookups.templates.get(JSON.stringify([teamId, wabaId, name, language ?? null]), () =>
    resolveTemplate(ctx.db, graph, teamId, wabaId, name, language),
  );
}
