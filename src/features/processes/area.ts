import type { Area } from '../../area.ts';
import { processRoutes } from './routes.ts';

/** The processes area as the composition root sees it (src/area.ts). */
export const processesArea: Area = {
  name: 'processes',
  openapiTags: [
    { name: 'processes', description: 'Business processes (leads, tickets, visits…) of a procedure: create, fetch, list, update, delete.' },
  ],
  routes: processRoutes,
};
