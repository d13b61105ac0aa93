import type { Area } from '../../area.ts';
import { pluginConfigRoutes } from './routes.ts';

/** The whatsapp-plugins area as the composition root sees it (src/area.ts). */
export const whatsappPluginsArea: Area = {
  name: 'whatsapp-plugins',
  openapiTags: [
    {
      name: 'whatsapp',
      description: 'The WhatsApp Business plugin: template and session messages, chats, media, templates, inbound webhook.',
    },
  ],
  routes: pluginConfigRoutes,
};
