/** `client.users`: the team's users, as v1 objects (uuids, epoch ms) or v2 ones (ISO times, shortIds). */
import { data, init, page, type RawClient } from '../call.ts';
import type { ListPage, QueryParams, RequestBody, RequestOptions, ResponseData } from '../types.ts';

export function usersResource(raw: RawClient) {
  return {
    list: (query: QueryParams<'listUsers'> = {}, options?: RequestOptions): Promise<ListPage<'listUsers'>> =>
      page(raw.GET('/v1/ext/users', { params: { query }, ...init(options) })),

    get: (id: string, options?: RequestOptions): Promise<ResponseData<'getUser'>> =>
      data(raw.GET('/v1/ext/user/{id}', { params: { path: { id } }, ...init(options) })),

    /** Partial update (`PUT`); `data` is replaced as a whole. */
    update: (id: string, body: RequestBody<'updateUser'>, options?: RequestOptions): Promise<ResponseData<'updateUser'>> =>
      data(raw.PUT('/v1/ext/user/{id}', { params: { path: { id } }, body, ...init(options) })),

    /** The same partial update as `PATCH`. */
    patch: (id: string, body: RequestBody<'patchUser'>, options?: RequestOptions): Promise<ResponseData<'patchUser'>> =>
      data(raw.PATCH('/v1/ext/user/{id}', { params: { path: { id } }, body, ...init(options) })),

    /** A single-use sign-in link (24 h) with which the user chooses a password; earlier unused ones stop working. Needs `admin`. */
    signInLink: (idOrUsername: string, options?: RequestOptions): Promise<ResponseData<'createSignInLink'>> =>
      data(raw.POST('/v1/ext/user/{id}/sign-in-link', { params: { path: { id: idOrUsername } }, ...init(options) })),

    listV2: (query: QueryParams<'listUsersV2'> = {}, options?: RequestOptions): Promise<ListPage<'listUsersV2'>> =>
      page(raw.GET('/v2/ext/users', { params: { query }, ...init(options) })),

    getV2: (id: string, options?: RequestOptions): Promise<ResponseData<'getUserV2'>> =>
      data(raw.GET('/v2/ext/user/{id}', { params: { path: { id } }, ...init(options) })),
  };
}
