/**
 * What every template send looks up — the plugin, its sending number's WABA, the template —
 * kept per process for KEY_CACHE_TTL_MS, so a send spends its database time on writes only.
 * A workspace change reaches sends within that window, as it reaches API keys and the config.
 */
import type { AppContext } from '../../core/context.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { phoneNumberOf } from '../plugins/lookup.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { findPlugin } from '../plugins/service.ts';
import type { TemplateDef } from '../templates/build-template-message.ts';
import { resolveTemplate } from '../templates/template-cache.ts';

interface Caches {
  senders: TtlCache<{ plugin: PluginRow; wabaId: string }>;
  templates: TtlCache<TemplateDef>;
}
const cachesByContext = new WeakMap<AppContext, Caches>();

function caches(ctx: AppContext): Caches {
  let c = cachesByContext.get(ctx);
  if (!c) cachesByContext.set(ctx, (c = { senders: new TtlCache(ctx.config.keyCacheTtlMs), templates: new TtlCache(ctx.config.keyCacheTtlMs) }));
  return c;
}

/** The team's plugin and the WABA of one of its numbers (404s as findPlugin / phoneNumberOf). */
export function senderOf(ctx: AppContext, teamId: string, pluginId: string, phoneNumberId: string) {
  return caches(ctx).senders.get(JSON.stringify([teamId, pluginId, phoneNumberId]), async () => {
    const plugin = await findPlugin(ctx.db, teamId, pluginId);
    return { plugin, wabaId: (await phoneNumberOf(ctx.db, teamId, plugin.id, phoneNumberId)).waba_id };
  });
}

export function templateOf(ctx: AppContext, graph: GraphClient, teamId: string, wabaId: string, name: string, language: string | undefined) {
  return caches(ctx).templates.get(JSON.stringify([teamId, wabaId, name, language ?? null]), () =>
    resolveTemplate(ctx.db, graph, teamId, wabaId, name, language),
  );
}
