import type { Area } from '../../area.ts';
import { callingRoutes } from './routes.ts';

/** The whatsapp-calling area as the composition root sees it (src/area.ts). */
export const whatsappCallingArea: Area = {
  name: 'whatsapp-calling',
  routes: callingRoutes,
};
