import type { Area } from '../../area.ts';
import { apiKeyRoutes } from './routes.ts';

/** The api-keys area as the composition root sees it (src/area.ts). */
export const apiKeysArea: Area = {
  name: 'api-keys',
  openapiTags: [
    { name: 'admin', description: 'Administration: API keys and workspaces, with a team admin key or the system administrator token.' },
  ],
  routes: apiKeyRoutes,
};
