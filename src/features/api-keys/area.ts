import type { Area } from '../../area.ts';
import { apiKeyRoutes } from './routes.ts';

/** The api-keys area as the composition root sees it (src/area.ts). */
export const apiKeysArea: Area = {
  name: 'api-keys',
  routes: apiKeyRoutes,
};
