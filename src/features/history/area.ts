import type { Area } from '../../area.ts';
import { historyRetention } from './retention.ts';
import { historyRoutes } from './routes.ts';

/** Process history (docs/console.md#history): written by every process change, read here, trimmed by retention. */
export const historyArea: Area = {
  name: 'history',
  routes: historyRoutes,
  workers: [historyRetention],
};
