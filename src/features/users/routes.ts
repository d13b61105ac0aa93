import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, operation } from '../../core/http/route-schema.ts';
import { ListQuery, UpdateUserBody, UserParams, UserV1, UserV1Detail, UserV2, UserV2Detail } from './schemas.ts';
import { getUser, listUsers, updateUser } from './service.ts';

export function userRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    const read = { auth: 'key', privilege: 'user:read' } as const;
    const tags = ['users'];
    for (const [path, version, item, operationId, older] of [
      ['/v1/ext/users', 1, UserV1, 'listUsers', false],
      ['/v1/users', 1, UserV1, 'listUsers', { method: 'GET', canonicalPath: '/v1/ext/users' }],
      ['/v2/ext/users', 2, UserV2, 'listUsersV2', false],
    ] as const) {
      app.get<{ Querystring: Static<typeof ListQuery> }>(
        path,
        {
          config: read,
          schema: {
            tags,
            summary: `List users (v${version})${older ? ' (older path)' : ''}`,
            ...operation(operationId, undefined, older),
            querystring: ListQuery,
            response: { 200: Envelope(Type.Array(item)), ...errorResponses },
          },
        },
        async (request) => ok(await listUsers(ctx.db, teamIdOf(request), version, request.query.skip, request.query.limit)),
      );
    }
    for (const [path, version, item, operationId] of [
      ['/v1/ext/user/:id', 1, UserV1Detail, 'getUser'],
      ['/v2/ext/user/:id', 2, UserV2Detail, 'getUserV2'],
    ] as const) {
      app.get<{ Params: Static<typeof UserParams> }>(
        path,
        {
          config: read,
          schema: {
            tags,
            summary: `Fetch user (v${version})`,
            operationId,
            params: UserParams,
            response: { 200: Envelope(item), ...errorResponses },
          },
        },
        async (request) => ok(await getUser(ctx.db, teamIdOf(request), request.params.id, version)),
      );
    }
    // PUT and PATCH do the same; registered apart so that each has its own operationId.
    for (const [method, operationId] of [
      ['PUT', 'updateUser'],
      ['PATCH', 'patchUser'],
    ] as const) {
      app.route<{ Params: Static<typeof UserParams>; Body: Static<typeof UpdateUserBody> }>({
        method,
        url: '/v1/ext/user/:id',
        config: { auth: 'key', privilege: 'user:write', idempotent: true },
        schema: {
          tags,
          summary: 'Update user (partial)',
          operationId,
          description: 'Only the fields given change; `data` is replaced as a whole. Returns the v1 user. PUT and PATCH are the same call.',
          params: UserParams,
          body: UpdateUserBody,
          response: { 200: Envelope(UserV1), ...errorResponses },
        },
        handler: async (request) => ok(await updateUser(ctx.db, teamIdOf(request), request.params.id, request.body)),
      });
    }
  };
}
