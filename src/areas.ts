/**
 * Every area of the server, in the order their routes are registered. app.ts and server.ts take
 * queues, workers, gauges, per-context state and routes from here; adding an area is adding
 * its `area.ts` and one line below (docs/architecture.md).
 */
import type { Area } from './area.ts';
import { healthArea } from './features/health/area.ts';
import { configArea } from './features/config/area.ts';
import { apiKeysArea } from './features/api-keys/area.ts';
import { workspaceArea } from './features/workspace/area.ts';
import { processesArea } from './features/processes/area.ts';
import { viewsArea } from './features/views/area.ts';
import { historyArea } from './features/history/area.ts';
import { tasksArea } from './features/tasks/area.ts';
import { usersArea } from './features/users/area.ts';
import { signInArea } from './features/sign-in/area.ts';
import { photosArea } from './features/photos/area.ts';
import { jobsArea } from './features/jobs/area.ts';
import { webhooksArea } from './features/webhooks/area.ts';
import { eventsArea } from './features/events/area.ts';
import { whatsappPluginsArea } from './whatsapp/plugins/area.ts';
import { whatsappMediaArea } from './whatsapp/media/area.ts';
import { whatsappTemplatesArea } from './whatsapp/templates/area.ts';
import { whatsappMessagesArea } from './whatsapp/messages/area.ts';
import { whatsappCallingArea } from './whatsapp/calling/area.ts';
import { whatsappInboundArea } from './whatsapp/inbound/area.ts';
import { whatsappChatsArea } from './whatsapp/chats/area.ts';
import { whatsappSendArea } from './whatsapp/send/area.ts';
import { whatsappSandboxArea } from './whatsapp/sandbox/area.ts';
import { consoleArea } from './features/console/area.ts';

export const AREAS: readonly Area[] = [
  healthArea,
  configArea,
  apiKeysArea,
  workspaceArea,
  processesArea,
  viewsArea,
  tasksArea,
  historyArea,
  usersArea,
  signInArea,
  photosArea,
  jobsArea,
  webhooksArea,
  eventsArea,
  whatsappPluginsArea,
  whatsappMediaArea,
  whatsappTemplatesArea,
  whatsappMessagesArea,
  whatsappCallingArea,
  whatsappInboundArea,
  whatsappChatsArea,
  whatsappSendArea,
  whatsappSandboxArea,
  consoleArea,
];
