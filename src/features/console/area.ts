import type { Area } from '../../area.ts';
import { consoleRoutes } from './routes.ts';

/** The web console's static files at /console/ (src/area.ts, docs/console.md). */
export const consoleArea: Area = {
  name: 'console',
  routes: (ctx) => consoleRoutes(ctx),
};
