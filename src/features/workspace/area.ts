import type { Area } from '../../area.ts';
import { workspaceRoutes } from './routes.ts';

/** The workspace area as the composition root sees it (src/area.ts). */
export const workspaceArea: Area = {
  name: 'workspace',
  routes: workspaceRoutes,
};
