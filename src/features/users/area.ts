import type { Area } from '../../area.ts';
import { userRoutes } from './routes.ts';

/** The users area as the composition root sees it (src/area.ts). */
export const usersArea: Area = {
  name: 'users',
  routes: userRoutes,
};
