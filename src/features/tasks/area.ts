import type { Area } from '../../area.ts';
import { taskRoutes } from './routes.ts';

/** The tasks area as the composition root sees it (src/area.ts). */
export const tasksArea: Area = {
  name: 'tasks',
  openapiTags: [{ name: 'tasks', description: "Tasks on a process's states." }],
  routes: taskRoutes,
};
