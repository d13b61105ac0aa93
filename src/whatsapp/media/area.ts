import type { Area } from '../../area.ts';
import { publicMediaRoutes } from './routes.ts';

/** The whatsapp-media area as the composition root sees it (src/area.ts). */
export const whatsappMediaArea: Area = {
  name: 'whatsapp-media',
  routes: publicMediaRoutes,
};
