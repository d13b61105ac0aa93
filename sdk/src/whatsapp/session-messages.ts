/**
 * `client.whatsapp.sessionMessages`: Meta's messages API passed through (text, media, interactive,
 * templates in Meta's own shape); sent messages land in the chat store. `send` has the name and
 * parameter shape of ChakraHQ's chat SDK.
 */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export interface SessionMessageParams {
  pluginId: string;
  /** Graph API version, e.g. `v22.0`. */
  whatsappApiVersion: string;
  /** The sending number's id. */
  whatsappPhoneNumberId: string;
  /** Meta's message object (`messaging_product`, `to`, `type`, …), forwarded verbatim. */
  message: RequestBody<'sendSessionMessage'>;
}

export function sessionMessagesResource(raw: RawClient) {
  return {
    send: (
      { pluginId, whatsappApiVersion, whatsappPhoneNumberId, message }: SessionMessageParams,
      options?: RequestOptions,
    ): Promise<ResponseData<'sendSessionMessage'>> =>
      data(
        raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/api/{ver}/{pnid}/messages', {
          params: { path: { pluginId, ver: whatsappApiVersion, pnid: whatsappPhoneNumberId } },
          body: message,
          ...init(options),
        }),
      ),
  };
}
