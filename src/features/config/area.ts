import type { Area } from '../../area.ts';
import { configRoutes } from './routes.ts';

/** The config area as the composition root sees it (src/area.ts). */
export const configArea: Area = {
  name: 'config',
  openapiTags: [{ name: 'config', description: "The team's configuration: procedures, attributes, states, roles and the rest." }],
  routes: configRoutes,
};
