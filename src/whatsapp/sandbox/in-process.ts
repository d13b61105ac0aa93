/**
 * The sandbox mounted inside this server, for plugins whose `graphApiUrl` is `sandbox`: one per
 * running context, reached through Fastify's inject (no socket, no port). A number's
 * throughput is its plugin's `messagesPerSecond`. With SANDBOX_CALLBACKS (on by default) it
 * plays the customer: statuses, replies, call permission replies and calls reach this server's
 * inbound webhook, signed with the plugin's app secret, exactly as Meta's would.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import { findPluginOfNumber } from '../plugins/repo.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { customerSimulation } from './customer-simulation.ts';
import { buildSandbox } from './sandbox-app.ts';

type SandboxContext = Pick<AppContext, 'db' | 'config' | 'secrets' | 'log' | 'local'>;
/** Posts a signed event to this server's inbound webhook; set once the routes exist. */
type InboundPoster = (pluginId: string, raw: string, signature: string) => Promise<number>;

/** One context's sandbox, made at its first use, and how it reaches the inbound webhook. */
export interface SandboxState {
  app?: FastifyInstance;
  post?: InboundPoster;
}

interface SandboxNumber {
  plugin: PluginRow;
  wabaId: string;
  displayPhoneNumber: string;
}

/** The server tells the sandbox how to reach its inbound webhook (server.ts, after the routes). */
export function connectSandboxWebhook(ctx: SandboxContext, post: InboundPoster): void {
  ctx.local.sandbox.post = post;
}

export function sandboxFor(ctx: SandboxContext): FastifyInstance {
  let app = ctx.local.sandbox.app;
  if (!app) {
    // A number's plugin and WABA, for the throughput check on every send and the customer's events.
    const numbers = new TtlCache<SandboxNumber | undefined>(ctx.config.keyCacheTtlMs);
    const numberOf = (pnid: string) =>
      numbers.get(pnid, async () => {
        const plugin = await findPluginOfNumber(ctx.db, pnid);
        if (!plugin) return undefined;
        const [n] = await ctx.db.query<{ waba_id: string; display_phone_number: string }>(
          'select waba_id, display_phone_number from whatsapp_phone_numbers where phone_number_id = $1',
          [pnid],
        );
        return { plugin, wabaId: n.waba_id, displayPhoneNumber: n.display_phone_number };
      });
    const { callbacks, callbackUnitMs } = ctx.config.sandbox;
    const customers = callbacks
      ? customerSimulation(
          {
            async post(phoneNumberId, field, value) {
              const post = ctx.local.sandbox.post;
              const number = await numberOf(phoneNumberId);
              if (!post || !number?.plugin.app_secret_enc) return;
              const raw = JSON.stringify({
                object: 'whatsapp_business_account',
                entry: [
                  {
                    id: number.wabaId,
                    changes: [
                      {
                        value: { ...value, metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: phoneNumberId } },
                        field,
                      },
                    ],
                  },
                ],
              });
              const signature = `sha256=${createHmac('sha256', ctx.secrets.decrypt(number.plugin.app_secret_enc)).update(raw).digest('hex')}`;
              const status = await post(number.plugin.id, raw, signature);
              if (status !== 200) throw new Error(`the inbound webhook answered ${status}`);
            },
          },
          callbackUnitMs,
          (err) => ctx.log.warn({ err: err.message }, 'sandbox: a customer event did not reach the inbound webhook'),
        )
      : undefined;
    app = buildSandbox({
      messagesPerSecond: async (pnid) => (await numberOf(pnid))?.plugin.messages_per_second,
      customer: customers,
      displayNumber: async (pnid) => (await numberOf(pnid))?.displayPhoneNumber,
    });
    ctx.local.sandbox.app = app;
  }
  return app;
}
