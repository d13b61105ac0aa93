/** `client.whatsapp.config`: the plugin's webhook settings (the Chakra webhook and the pass-through). */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export function pluginConfigResource(raw: RawClient) {
  return {
    get: (pluginId: string, options?: RequestOptions): Promise<ResponseData<'getWhatsappPluginConfig'>> =>
      data(raw.GET('/v1/ext/plugin/whatsapp/{pluginId}/config', { params: { path: { pluginId } }, ...init(options) })),

    update: (
      pluginId: string,
      body: RequestBody<'updateWhatsappPluginConfig'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'updateWhatsappPluginConfig'>> =>
      data(raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/update-config', { params: { path: { pluginId } }, body, ...init(options) })),
  };
}
