import type { Area } from '../../area.ts';
import { EventHub } from './hub.ts';
import { eventRoutes } from './routes.ts';

/** The live event stream (docs/console.md#event-stream) as the composition root sees it (src/area.ts). */
export const eventsArea: Area = {
  name: 'events',
  openapiTags: [
    {
      name: 'events',
      description:
        'Extension: a live stream (Server-Sent Events) of the changes to processes that the key may see, resumable by `Last-Event-ID`.',
    },
  ],
  routes: (ctx) => eventRoutes(ctx),
  // Started at the first stream: a process nobody streams from holds no LISTEN connection.
  local: { eventHub: (config) => new EventHub(config.events) },
  gauges: [
    {
      name: 'chakra_event_streams',
      help: 'Event streams (GET /v1/ext/events) open on this process',
      labels: [],
      collect: async (ctx, gauge) => void gauge.set(ctx.local.eventHub.size),
    },
  ],
};
