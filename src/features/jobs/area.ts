import type { Area } from '../../area.ts';
import { BULK_DEAD_LETTER, BULK_QUEUE, bulkWorker } from './bulk-worker.ts';
import { jobRoutes } from './routes.ts';

/** The jobs area as the composition root sees it (src/area.ts). */
export const jobsArea: Area = {
  name: 'jobs',
  openapiTags: [
    { name: 'background jobs', description: 'Bulk create and update of processes, run as background jobs, and their progress.' },
  ],
  routes: jobRoutes,
  queues: [{ name: BULK_DEAD_LETTER }, { name: BULK_QUEUE }],
  workers: [bulkWorker],
};
