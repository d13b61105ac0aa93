/**
 * The sandbox mounted inside this server, for plugins whose `graphApiUrl` is `sandbox`: one per
 * running context, reached through Fastify's inject (no socket, no port). A number's
 * throughput is its plugin's `messagesPerSecond`.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import { pluginOfNumber } from '../plugins/lookup.ts';
import { buildSandbox } from './sandbox-app.ts';

const sandboxes = new WeakMap<Pick<AppContext, 'db' | 'config'>, FastifyInstance>();

export function sandboxFor(ctx: Pick<AppContext, 'db' | 'config'>): FastifyInstance {
  let app = sandboxes.get(ctx);
  if (!app) {
    const rates = new TtlCache<number | undefined>(ctx.config.keyCacheTtlMs);
    app = buildSandbox({ messagesPerSecond: (pnid) => rates.get(pnid, async () => (await pluginOfNumber(ctx.db, pnid))?.messages_per_second) });
    sandboxes.set(ctx, app);
  }
  return app;
}
