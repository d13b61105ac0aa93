import type { Area } from '../../area.ts';
import { INBOUND_QUEUE, inboundWorker } from './inbound-worker.ts';
import { inboundRoutes } from './routes.ts';

/** The whatsapp-inbound area as the composition root sees it (src/area.ts). */
export const whatsappInboundArea: Area = {
  name: 'whatsapp-inbound',
  routes: inboundRoutes,
  queues: [{ name: INBOUND_QUEUE, oneWaitingPerKey: true }],
  workers: [inboundWorker],
};
