/** `client.whatsapp`: the WhatsApp Business plugin's resources. */
import type { RawClient } from '../call.ts';
import { callingResource } from './calling.ts';
import { chatsResource } from './chats.ts';
import { mediaResource } from './media.ts';
import { pluginConfigResource } from './plugin-config.ts';
import { sessionMessagesResource } from './session-messages.ts';
import { templateMessagesResource } from './template-messages.ts';
import { templatesResource } from './templates.ts';

export function whatsappResource(raw: RawClient) {
  return {
    templateMessages: templateMessagesResource(raw),
    sessionMessages: sessionMessagesResource(raw),
    media: mediaResource(raw),
    templates: templatesResource(raw),
    config: pluginConfigResource(raw),
    chats: chatsResource(raw),
    calling: callingResource(raw),
  };
}
