import type { Area } from '../../area.ts';
import { pluginConfigRoutes } from './routes.ts';

/** The whatsapp-plugins area as the composition root sees it (src/area.ts). */
export const whatsappPluginsArea: Area = {
  name: 'whatsapp-plugins',
  routes: pluginConfigRoutes,
};
