/** `client.views`: saved table and board setups of a procedure, the caller's own and the team's (docs/console.md#views). */
import { data, init, type RawClient } from '../call.ts';
import type { RequestBody, RequestOptions, ResponseData } from '../types.ts';

export type SavedView = ResponseData<'createSavedView'>;

export function viewsResource(raw: RawClient) {
  return {
    /** The caller's own views of the procedure and the team's, by name. */
    list: (ps: string, options?: RequestOptions): Promise<SavedView[]> =>
      data(raw.GET('/v1/ext/procedure/{ps}/views', { params: { path: { ps } }, ...init(options) })),

    /** `shared: true` makes it the team's (needs `process:write`); `where` and `sort` are checked by running them. */
    create: (ps: string, body: RequestBody<'createSavedView'>, options?: RequestOptions): Promise<SavedView> =>
      data(raw.POST('/v1/ext/procedure/{ps}/views', { params: { path: { ps } }, body, ...init(options) })),

    update: (ps: string, viewId: string, body: RequestBody<'updateSavedView'>, options?: RequestOptions): Promise<SavedView> =>
      data(raw.PATCH('/v1/ext/procedure/{ps}/view/{viewId}', { params: { path: { ps, viewId } }, body, ...init(options) })),

    delete: (ps: string, viewId: string, options?: RequestOptions): Promise<SavedView> =>
      data(raw.DELETE('/v1/ext/procedure/{ps}/view/{viewId}', { params: { path: { ps, viewId } }, ...init(options) })),
  };
}
