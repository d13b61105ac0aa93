import type { Area } from '../../area.ts';
import { processRoutes } from './routes.ts';

/** The processes area as the composition root sees it (src/area.ts). */
export const processesArea: Area = {
  name: 'processes',
  routes: processRoutes,
};
