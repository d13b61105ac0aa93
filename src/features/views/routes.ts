import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamPrincipalOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { procedureOf } from '../processes/service.ts';
import { ProcedureParams } from '../processes/schemas.ts';
import { SavedView, SavedViewCreate, SavedViewUpdate, ViewParams } from './schemas.ts';
import * as service from './service.ts';

export function viewRoutes(ctx: AppContext) {
  async function scope(request: FastifyRequest<{ Params: { ps: string } }>) {
    const principal = teamPrincipalOf(request);
    const config = await ctx.configCache.get(principal.teamId);
    return { principal, config, procedure: procedureOf(config, request.params.ps) };
  }
  const tags = ['views'];
  const read = { auth: 'key', privilege: 'process:read' } as const;

  return async (app: FastifyInstance) => {
    app.get<{ Params: Static<typeof ProcedureParams> }>(
      '/v1/ext/procedure/:ps/views',
      {
        config: read,
        schema: {
          tags,
          summary: 'List saved views',
          operationId: 'listSavedViews',
          description: "The team's views of the procedure, then the caller's own, each by name.",
          params: ProcedureParams,
          response: { 200: Envelope(Type.Array(SavedView)), ...errorResponses },
        },
      },
      async (request) => {
        const { principal, config, procedure } = await scope(request);
        return ok(await service.listViews(ctx.db, principal, config, procedure));
      },
    );

    app.post<{ Params: Static<typeof ProcedureParams>; Body: Static<typeof SavedViewCreate> }>(
      '/v1/ext/procedure/:ps/views',
      {
        config: { ...read, idempotent: true },
        schema: {
          tags,
          summary: 'Save a view',
          operationId: 'createSavedView',
          description:
            "A named table or board setup: columns, sort and filter (checked as the list call checks them). The caller's own, " +
            "or with `shared` the whole team's (needs process:write). A name already used by the same owner is a 409.",
          params: ProcedureParams,
          body: SavedViewCreate,
          response: { 200: Envelope(SavedView), ...errorResponses },
        },
      },
      async (request) => {
        const { principal, config, procedure } = await scope(request);
        return ok(await service.createView(ctx.db, principal, config, procedure, request.body));
      },
    );

    app.patch<{ Params: Static<typeof ViewParams>; Body: Static<typeof SavedViewUpdate> }>(
      '/v1/ext/procedure/:ps/view/:viewId',
      {
        config: { ...read, idempotent: true },
        schema: {
          tags,
          summary: 'Change a saved view',
          operationId: 'updateSavedView',
          description: "Only the fields given change. The caller's own view, or a team view (needs process:write); another's is 404.",
          params: ViewParams,
          body: SavedViewUpdate,
          response: { 200: Envelope(SavedView), ...errorResponses },
        },
      },
      async (request) => {
        const { principal, config, procedure } = await scope(request);
        return ok(await service.updateView(ctx.db, principal, config, procedure, request.params.viewId, request.body));
      },
    );

    app.delete<{ Params: Static<typeof ViewParams> }>(
      '/v1/ext/procedure/:ps/view/:viewId',
      {
        config: read,
        schema: {
          tags,
          summary: 'Delete a saved view',
          operationId: 'deleteSavedView',
          description: 'Answers the view as it was. The same rule as changing one.',
          params: ViewParams,
          response: { 200: Envelope(SavedView), ...errorResponses },
        },
      },
      async (request) => {
        const { principal, config, procedure } = await scope(request);
        return ok(await service.deleteView(ctx.db, principal, config, procedure, request.params.viewId));
      },
    );
  };
}
