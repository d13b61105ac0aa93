/** `client.config`: the team's configuration (procedures, attributes, states, roles…). */
import { data, init, type RawClient } from '../call.ts';
import type { RequestOptions, ResponseData } from '../types.ts';

export function configResource(raw: RawClient) {
  return {
    get: (options?: RequestOptions): Promise<ResponseData<'getConfig'>> => data(raw.GET('/v1/ext/config', init(options))),
  };
}
