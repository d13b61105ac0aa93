/** `client.webhooks`: subscriptions to platform events, their deliveries, and replays. */
import { data, init, page, type RawClient } from '../call.ts';
import type { ListPage, QueryParams, RequestBody, RequestOptions, ResponseData } from '../types.ts';

export function webhooksResource(raw: RawClient) {
  return {
    create: (
      body: RequestBody<'createWebhookSubscription'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'createWebhookSubscription'>> => data(raw.POST('/v1/ext/webhooks', { body, ...init(options) })),

    list: (options?: RequestOptions): Promise<ListPage<'listWebhookSubscriptions'>> => page(raw.GET('/v1/ext/webhooks', init(options))),

    get: (id: string, options?: RequestOptions): Promise<ResponseData<'getWebhookSubscription'>> =>
      data(raw.GET('/v1/ext/webhooks/{id}', { params: { path: { id } }, ...init(options) })),

    /** Changes a subscription (or re-enables one that was disabled). */
    update: (
      id: string,
      body: RequestBody<'updateWebhookSubscription'>,
      options?: RequestOptions,
    ): Promise<ResponseData<'updateWebhookSubscription'>> =>
      data(raw.PATCH('/v1/ext/webhooks/{id}', { params: { path: { id } }, body, ...init(options) })),

    delete: (id: string, options?: RequestOptions): Promise<ResponseData<'deleteWebhookSubscription'>> =>
      data(raw.DELETE('/v1/ext/webhooks/{id}', { params: { path: { id } }, ...init(options) })),

    /** A subscription's deliveries with every attempt, newest first. */
    deliveries: (
      id: string,
      query: Partial<QueryParams<'listWebhookDeliveries'>> = {},
      options?: RequestOptions,
    ): Promise<ListPage<'listWebhookDeliveries'>> =>
      page(
        raw.GET('/v1/ext/webhooks/{id}/deliveries', {
          // The document marks skip and limit required (they have defaults): send the defaults.
          params: { path: { id }, query: { skip: 0, limit: 50, ...query } },
          ...init(options),
        }),
      ),

    /** Sends a delivery again under the same delivery id. */
    replay: (deliveryId: string, options?: RequestOptions): Promise<ResponseData<'replayWebhookDelivery'>> =>
      data(raw.POST('/v1/ext/webhook-deliveries/{id}/replay', { params: { path: { id: deliveryId } }, ...init(options) })),
  };
}
