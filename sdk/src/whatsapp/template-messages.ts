/**
 * `client.whatsapp.templateMessages`: template sends. `send` has the name and parameter shape of
 * ChakraHQ's chat SDK (`chakra-chat-sdk`), so code moves between the two unchanged.
 */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export type TemplateSendBody = RequestBody<'sendTemplateMessageToPhone'>;

export interface TemplateSendOptions extends RequestOptions {
  /** Queue the send and answer at once with `deliveryStatus: 'QUEUED'` (an extension of this server). */
  async?: boolean;
}

export function templateMessagesResource(raw: RawClient) {
  const query = (options: TemplateSendOptions) => (options.async === undefined ? undefined : { async: options.async });
  return {
    /** Sends a template to a phone number (digits with the country code, no `+`). Answers the stored chat message. */
    send: (
      { pluginId, toPhoneNumber, ...body }: TemplateSendBody & { pluginId: string; toPhoneNumber: string },
      options: TemplateSendOptions = {},
    ): Promise<ResponseData<'sendTemplateMessageToPhone'>> =>
      data(
        raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/phoneNumber/{phone}/send-template-message', {
          params: { path: { pluginId, phone: toPhoneNumber }, query: query(options) },
          body: body as TemplateSendBody,
          ...init(options),
        }),
      ),

    /** Sends a template to a process's phone, the process named by its primary-key value or id. */
    sendToProcess: (
      { pluginId, ps, processIdOrPk, ...body }: TemplateSendBody & { pluginId: string; ps: string; processIdOrPk: string },
      options: TemplateSendOptions = {},
    ): Promise<ResponseData<'sendTemplateMessageToProcess'>> =>
      data(
        raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/process/{ps}/{pkOrId}/send-template-message', {
          params: { path: { pluginId, ps, pkOrId: processIdOrPk }, query: query(options) },
          body: body as TemplateSendBody,
          ...init(options),
        }),
      ),

    /** Sends a template to a process's phone, the process named by its id alone. */
    sendToProcessById: (
      { pluginId, processId, ...body }: TemplateSendBody & { pluginId: string; processId: string },
      options: TemplateSendOptions = {},
    ): Promise<ResponseData<'sendTemplateMessageToProcessById'>> =>
      data(
        raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/process/{processId}/send-template-message', {
          params: { path: { pluginId, processId }, query: query(options) },
          body: body as TemplateSendBody,
          ...init(options),
        }),
      ),
  };
}
