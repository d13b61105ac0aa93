import type { Area } from '../../area.ts';
import { photoRoutes } from './routes.ts';

/** The photos area as the composition root sees it (src/area.ts). */
export const photosArea: Area = {
  name: 'photos',
  openapiTags: [{ name: 'photos', description: 'Photo uploads and signed links to their bytes.' }],
  routes: photoRoutes,
};
