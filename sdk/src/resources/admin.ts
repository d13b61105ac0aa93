/** `client.admin`: API keys and workspaces (a team admin key for its own team, or the server's admin token). */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export function adminResource(raw: RawClient) {
  return {
    apiKeys: {
      /** Answers the new key with its secret `key`, shown this once. */
      create: (team: string, body: RequestBody<'createApiKey'>, options?: RequestOptions): Promise<ResponseData<'createApiKey'>> =>
        data(raw.POST('/v1/admin/teams/{team}/api-keys', { params: { path: { team } }, body, ...init(options) })),

      list: (team: string, options?: RequestOptions): Promise<ResponseData<'listApiKeys'>> =>
        data(raw.GET('/v1/admin/teams/{team}/api-keys', { params: { path: { team } }, ...init(options) })),

      revoke: (team: string, id: string, options?: RequestOptions): Promise<ResponseData<'revokeApiKey'>> =>
        data(raw.DELETE('/v1/admin/teams/{team}/api-keys/{id}', { params: { path: { team, id } }, ...init(options) })),
    },

    /** Applies a workspace document (docs/workspace.md), as JSON. */
    applyWorkspace: (workspace: RequestBody<'applyWorkspace'>, options?: RequestOptions): Promise<ResponseData<'applyWorkspace'>> =>
      data(raw.POST('/v1/admin/workspace', { body: workspace, ...init(options) })),
  };
}
