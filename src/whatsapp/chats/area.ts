import type { Area } from '../../area.ts';
import { chatRoutes } from './routes.ts';

/** The whatsapp-chats area as the composition root sees it (src/area.ts). */
export const whatsappChatsArea: Area = {
  name: 'whatsapp-chats',
  routes: chatRoutes,
};
