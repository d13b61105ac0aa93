import type { Area } from '../../area.ts';
import { viewRoutes } from './routes.ts';

/** Saved views of a procedure's processes (docs/console.md#views). */
export const viewsArea: Area = {
  name: 'views',
  openapiTags: [{ name: 'views', description: 'Saved table and board setups of a procedure, for their owner or the whole team.' }],
  routes: viewRoutes,
};
