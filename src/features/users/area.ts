import type { Area } from '../../area.ts';
import { userRoutes } from './routes.ts';

/** The users area as the composition root sees it (src/area.ts). */
export const usersArea: Area = {
  name: 'users',
  openapiTags: [{ name: 'users', description: "The team's users, in the v1 and v2 shapes." }],
  routes: userRoutes,
};
