import type { Area } from '../../area.ts';
import { templateRoutes } from './routes.ts';

/** The whatsapp-templates area as the composition root sees it (src/area.ts). */
export const whatsappTemplatesArea: Area = {
  name: 'whatsapp-templates',
  routes: templateRoutes,
};
