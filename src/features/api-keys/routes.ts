import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { adminSecurity, errorResponses } from '../../core/http/route-schema.ts';
import { createApiKey, listApiKeys, resolveAdminTeam, revokeApiKey } from './service.ts';
import { named } from '../../core/http/openapi-document.ts';

const Time = Type.Union([Type.Number(), Type.Null()], { description: 'epoch milliseconds' });
const ApiKey = named(
  'ApiKey',
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    role: Type.String({ description: 'role shortId' }),
    keyPrefix: Type.String({ description: 'the first characters of the key, to tell keys apart' }),
    createdAt: Type.Number(),
    expiresAt: Time,
    revokedAt: Time,
    lastUsedAt: Type.Union([Type.Number(), Type.Null()], { description: 'epoch milliseconds; recorded in batches, up to 30 s behind' }),
  }),
);
const CreatedApiKey = named(
  'CreatedApiKey',
  Type.Intersect([ApiKey, Type.Object({ key: Type.String({ description: 'the secret key: shown this once, never again' }) })]),
);
const CreateBody = named(
  'ApiKeyCreate',
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      role: Type.String({ minLength: 1, description: 'role shortId or id' }),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
      expiresAt: Type.Optional(Type.Union([Type.String(), Type.Integer(), Type.Null()], { description: 'ISO-8601 or epoch ms' })),
    },
    { additionalProperties: false },
  ),
  {
    examples: [
      { name: 'reporting', role: 'inside_sales', description: 'nightly export to the data warehouse', expiresAt: '2027-12-31T23:59:59Z' },
    ],
  },
);
const TeamParams = Type.Object({ team: Type.String({ description: 'team shortId or id' }) });
const KeyParams = Type.Object({ team: Type.String(), id: Type.String() });

export function apiKeyRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: Static<typeof TeamParams>; Body: Static<typeof CreateBody> }>(
      '/v1/admin/teams/:team/api-keys',
      {
        config: { auth: 'admin', idempotent: true },
        schema: {
          tags: ['admin'],
          summary: 'Create an API key',
          operationId: 'createApiKey',
          security: adminSecurity,
          description: 'The key is returned once in `_data.key`; only its SHA-256 hash is stored.',
          params: TeamParams,
          body: CreateBody,
          response: { 200: Envelope(CreatedApiKey), ...errorResponses },
        },
      },
      async (request) => {
        const team = await resolveAdminTeam(ctx.db, request.principal, request.params.team);
        return ok(await createApiKey(ctx.db, team.id, request.body));
      },
    );

    app.get<{ Params: Static<typeof TeamParams> }>(
      '/v1/admin/teams/:team/api-keys',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['admin'],
          summary: 'List API keys (no secrets)',
          operationId: 'listApiKeys',
          security: adminSecurity,
          params: TeamParams,
          response: { 200: Envelope(Type.Array(ApiKey)), ...errorResponses },
        },
      },
      async (request) => {
        const team = await resolveAdminTeam(ctx.db, request.principal, request.params.team);
        await ctx.keys.flushLastUsed();
        return ok(await listApiKeys(ctx.db, team.id));
      },
    );

    app.delete<{ Params: Static<typeof KeyParams> }>(
      '/v1/admin/teams/:team/api-keys/:id',
      {
        config: { auth: 'admin', idempotent: true },
        schema: {
          tags: ['admin'],
          summary: 'Revoke an API key',
          operationId: 'revokeApiKey',
          security: adminSecurity,
          params: KeyParams,
          response: { 200: Envelope(ApiKey), ...errorResponses },
        },
      },
      async (request) => {
        const team = await resolveAdminTeam(ctx.db, request.principal, request.params.team);
        const view = await revokeApiKey(ctx.db, team.id, request.params.id);
        ctx.keys.forget(view.id);
        return ok(view);
      },
    );
  };
}
