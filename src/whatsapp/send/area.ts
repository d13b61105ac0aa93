import type { Area } from '../../area.ts';
import { queuedSendCounts } from './send-queue-repo.ts';
import { createSendLookups } from './sender-cache.ts';
import { SEND_LANE_QUEUE, sendWorker } from './send-worker.ts';
import { sendRoutes } from './routes.ts';

/** The whatsapp-send area as the composition root sees it (src/area.ts). */
export const whatsappSendArea: Area = {
  name: 'whatsapp-send',
  routes: sendRoutes,
  queues: [{ name: SEND_LANE_QUEUE, oneWaitingPerKey: true }],
  workers: [sendWorker],
  gauges: [
    {
      name: 'chakra_whatsapp_sends_queued',
      help: 'Queued WhatsApp sends not yet SENT or FAILED, by sending number',
      labels: ['phone_number_id'],
      async collect(ctx, g) {
        g.reset();
        for (const n of await queuedSendCounts(ctx.db)) g.set({ phone_number_id: n.phone_number_id }, n.count);
      },
    },
  ],
  local: { sendLookups: createSendLookups },
};
