import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { ListMeta } from '../processes/schemas.ts';
import { procedureOf } from '../processes/service.ts';
import { HistoryEntryOut, HistoryParams, HistoryQuery } from './schemas.ts';
import { getHistory } from './service.ts';

export function historyRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: Static<typeof HistoryParams>; Querystring: Static<typeof HistoryQuery> }>(
      '/v1/ext/procedure/:ps/process/:idOrPk/history',
      {
        config: { auth: 'key', privilege: 'process:read' },
        schema: {
          tags: ['processes'],
          summary: 'Process history (extension)',
          operationId: 'getProcessHistory',
          description:
            "The process's activity, newest first: created, each update with old and new values, deletion, tasks created and closed, " +
            'each with who did it and when. Paged by `cursor` (`_meta.nextCursor`). A deleted process keeps its history, by uuid.',
          params: HistoryParams,
          querystring: HistoryQuery,
          response: { 200: Envelope(Type.Array(HistoryEntryOut), ListMeta), ...errorResponses },
        },
      },
      async (request) => {
        const config = await ctx.configCache.get(teamIdOf(request));
        const procedure = procedureOf(config, request.params.ps);
        const { page, meta } = await getHistory(ctx.db, config, procedure, request.params.idOrPk, request.query);
        return ok(page, meta);
      },
    );
  };
}
