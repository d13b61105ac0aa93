import type { Area } from '../../area.ts';
import { messageRoutes } from './routes.ts';

/** The whatsapp-messages area as the composition root sees it (src/area.ts). */
export const whatsappMessagesArea: Area = {
  name: 'whatsapp-messages',
  routes: messageRoutes,
};
