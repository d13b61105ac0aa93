import type { Area } from '../../area.ts';
import { healthRoutes } from './routes.ts';

/** The health area as the composition root sees it (src/area.ts). */
export const healthArea: Area = {
  name: 'health',
  routes: (ctx, server) => healthRoutes(ctx, server.metrics),
};
