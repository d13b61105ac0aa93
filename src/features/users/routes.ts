import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { ListQuery, UpdateUserBody, UserParams, UserV1, UserV1Detail, UserV2, UserV2Detail } from './schemas.ts';
import { getUser, listUsers, updateUser } from './service.ts';

export function userRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const read = { auth: 'key', privilege: 'user:read' } as const;
    const tags = ['users'];
    for (const [path, version, item] of [
      ['/v1/ext/users', 1, UserV1],
      ['/v1/users', 1, UserV1],
      ['/v2/ext/users', 2, UserV2],
    ] as const) {
      app.get<{ Querystring: Static<typeof ListQuery> }>(
        path,
        {
          config: read,
          schema: {
            tags,
            summary: `List users (v${version})`,
            querystring: ListQuery,
            response: { 200: Envelope(Type.Array(item)), ...errorResponses },
          },
        },
        async (request) => ok(await listUsers(ctx.db, teamIdOf(request), version, request.query.skip, request.query.limit)),
      );
    }
    for (const [path, version, item] of [
      ['/v1/ext/user/:id', 1, UserV1Detail],
      ['/v2/ext/user/:id', 2, UserV2Detail],
    ] as const) {
      app.get<{ Params: Static<typeof UserParams> }>(
        path,
        {
          config: read,
          schema: { tags, summary: `Fetch user (v${version})`, params: UserParams, response: { 200: Envelope(item), ...errorResponses } },
        },
        async (request) => ok(await getUser(ctx.db, teamIdOf(request), request.params.id, version)),
      );
    }
    app.route<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>({
      method: ['PUT', 'PATCH'],
      url: '/v1/ext/user/:id',
      config: { auth: 'key', privilege: 'user:write', idempotent: true },
      schema: {
        tags,
        summary: 'Update user (partial)',
        description: 'Only the fields given change; `data` is replaced as a whole. Returns the v1 user.',
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: Envelope(UserV1), ...errorResponses },
      },
      handler: async (request) => ok(await updateUser(ctx.db, teamIdOf(request), request.params.id, request.body)),
    });
  };
}
