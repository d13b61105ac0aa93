/**
 * The sandbox mounted inside this server, for plugins whose `graphApiUrl` is `sandbox`: one per
 * running context, reached through Fastify's inject (no socket, no port). A number's
 * throughput is its plugin's `messagesPerSecond`. With SANDBOX_CALLBACKS (on by default) it
 * plays the customer: statuses and replies reach this server's inbound webhook, signed with the
 * plugin's app secret, exactly as Meta's would.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.ts';
import { TtlCache } from '../../core/ttl-cache.ts';
import { pluginOfNumber } from '../plugins/lookup.ts';
import { customerSimulation } from './customer-simulation.ts';
import { buildSandbox } from './sandbox-app.ts';

type SandboxContext = Pick<AppContext, 'db' | 'config' | 'secrets' | 'log'>;
/** Posts a signed event to this server's inbound webhook; set once the routes exist. */
type InboundPoster = (pluginId: string, raw: string, signature: string) => Promise<number>;

const sandboxes = new WeakMap<SandboxContext, FastifyInstance>();
const inbound = new WeakMap<SandboxContext, InboundPoster>();

/** The server tells the sandbox how to reach its inbound webhook (server.ts, after the routes). */
export function connectSandboxWebhook(ctx: SandboxContext, post: InboundPoster): void {
  inbound.set(ctx, post);
}

export function sandboxFor(ctx: SandboxContext): FastifyInstance {
  let app = sandboxes.get(ctx);
  if (!app) {
    const rates = new TtlCache<number | undefined>(ctx.config.keyCacheTtlMs);
    const { callbacks, callbackUnitMs } = ctx.config.sandbox;
    const customers = callbacks
      ? customerSimulation(
          {
            async post(phoneNumberId, field, value) {
              const post = inbound.get(ctx);
              const plugin = await pluginOfNumber(ctx.db, phoneNumberId);
              if (!post || !plugin?.app_secret_enc) return;
              const [number] = await ctx.db.query<{ waba_id: string; display_phone_number: string }>(
                'select waba_id, display_phone_number from whatsapp_phone_numbers where phone_number_id = $1',
                [phoneNumberId],
              );
              const raw = JSON.stringify({
                object: 'whatsapp_business_account',
                entry: [{ id: number.waba_id, changes: [{ value: { ...value, metadata: { display_phone_number: number.display_phone_number, phone_number_id: phoneNumberId } }, field }] }],
              });
              const signature = `sha256=${createHmac('sha256', ctx.secrets.decrypt(plugin.app_secret_enc)).update(raw).digest('hex')}`;
              const status = await post(plugin.id, raw, signature);
              if (status !== 200) throw new Error(`the inbound webhook answered ${status}`);
            },
          },
          callbackUnitMs,
          (err) => ctx.log.warn({ err: err.message }, 'sandbox: a customer event did not reach the inbound webhook'),
        )
      : undefined;
    app = buildSandbox({
      messagesPerSecond: (pnid) => rates.get(pnid, async () => (await pluginOfNumber(ctx.db, pnid))?.messages_per_second),
      onAccepted: customers?.accepted,
    });
    sandboxes.set(ctx, app);
  }
  return app;
}
