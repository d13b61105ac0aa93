import type { Area } from '../../area.ts';
import { pendingDeliveryCounts } from './deliveries-repo.ts';
import { DELIVERY_QUEUE, deliveryWorker, wakeDestinationsOnCommit } from './delivery-worker.ts';
import { webhookRoutes } from './routes.ts';

/** The webhooks area as the composition root sees it (src/area.ts). */
export const webhooksArea: Area = {
  name: 'webhooks',
  openapiTags: [{ name: 'webhooks', description: 'Subscriptions to platform events and their delivery log.' }],
  routes: webhookRoutes,
  queues: [{ name: DELIVERY_QUEUE, oneWaitingPerKey: true }],
  workers: [deliveryWorker],
  gauges: [
    {
      name: 'chakra_webhook_deliveries_pending',
      help: 'Webhook deliveries not yet DELIVERED or FAILED, by kind of destination',
      labels: ['kind'],
      async collect(ctx, g) {
        g.reset();
        for (const n of await pendingDeliveryCounts(ctx.db)) g.set({ kind: n.kind }, n.count);
      },
    },
  ],
  local: { deliveryLoops: () => ({}) },
  // Writes on any process wake the destinations they gave deliveries to (workers may be elsewhere).
  onOpen: wakeDestinationsOnCommit,
};
