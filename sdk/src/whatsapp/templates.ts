/**
 * `client.whatsapp.templates`: Meta's message-template endpoints, passed through. Bodies and
 * answers are Meta's own (no envelope), so they are typed loosely here.
 */
import { body, init, type RawClient } from '../call.ts';
import type { RequestOptions } from '../types.ts';

type MetaBody = Record<string, any>;

export interface WabaParams {
  /** Graph API version, e.g. `v22.0`. */
  whatsappApiVersion: string;
  /** The WhatsApp Business Account id. */
  wabaId: string;
}

export function templatesResource(raw: RawClient) {
  return {
    /** Meta's query parameters (`name`, `fields`, `limit`, `after`…) are passed on. */
    list: (
      { whatsappApiVersion, wabaId, query }: WabaParams & { query?: Record<string, string | number> },
      options?: RequestOptions,
    ): Promise<MetaBody> =>
      body(
        raw.GET('/v1/ext/plugin/whatsapp/api/{ver}/{wabaId}/message_templates', {
          // `as never`: the document lists no query parameters for a pass-through; they go to Meta.
          params: { path: { ver: whatsappApiVersion, wabaId }, query: query as never },
          ...init(options),
        }),
      ),

    create: ({ whatsappApiVersion, wabaId, template }: WabaParams & { template: MetaBody }, options?: RequestOptions): Promise<MetaBody> =>
      body(
        raw.POST('/v1/ext/plugin/whatsapp/api/{ver}/{wabaId}/message_templates', {
          params: { path: { ver: whatsappApiVersion, wabaId } },
          body: template as never,
          ...init(options),
        }),
      ),

    /** Deletes by `name` (every language), or one template with `hsmId` too. */
    delete: (
      { whatsappApiVersion, wabaId, name, hsmId }: WabaParams & { name: string; hsmId?: string },
      options?: RequestOptions,
    ): Promise<MetaBody> =>
      body(
        raw.DELETE('/v1/ext/plugin/whatsapp/api/{ver}/{wabaId}/message_templates', {
          params: { path: { ver: whatsappApiVersion, wabaId }, query: (hsmId === undefined ? { name } : { name, hsm_id: hsmId }) as never },
          ...init(options),
        }),
      ),

    edit: (
      { whatsappApiVersion, templateId, changes }: { whatsappApiVersion: string; templateId: string; changes: MetaBody },
      options?: RequestOptions,
    ): Promise<MetaBody> =>
      body(
        raw.POST('/v1/ext/plugin/whatsapp/api/{ver}/{templateId}', {
          params: { path: { ver: whatsappApiVersion, templateId } },
          body: changes as never,
          ...init(options),
        }),
      ),
  };
}
