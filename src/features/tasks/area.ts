import type { Area } from '../../area.ts';
import { taskRoutes } from './routes.ts';

/** The tasks area as the composition root sees it (src/area.ts). */
export const tasksArea: Area = {
  name: 'tasks',
  routes: taskRoutes,
};
