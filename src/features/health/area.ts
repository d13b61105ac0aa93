import type { Area } from '../../area.ts';
import { healthRoutes } from './routes.ts';

/** The health area as the composition root sees it (src/area.ts). */
export const healthArea: Area = {
  name: 'health',
  openapiTags: [
    { name: 'health', description: 'Check that an API key works.' },
    { name: 'operations', description: 'Liveness, readiness and Prometheus metrics for operators (no API key).' },
  ],
  routes: (ctx, server) => healthRoutes(ctx, server.metrics),
};
