import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { actorOf } from '../../core/auth/principal.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, operation } from '../../core/http/route-schema.ts';
import { CreateBody, ListBody, ListMeta, PkParams, ProcedureParams, ProcessOut, ProcessParams, UpdateBody } from './schemas.ts';
import * as service from './service.ts';

const CANONICAL = '/v1/ext/procedure';
const PREFIXES = [CANONICAL, '/v1/procedure'];
const response = { 200: Envelope(ProcessOut), ...errorResponses };

export function processRoutes(ctx: AppContext) {
  async function scope(request: FastifyRequest<{ Params: { ps: string } }>) {
    const config = await ctx.configCache.get(teamIdOf(request));
    return { config, procedure: service.procedureOf(config, request.params.ps) };
  }

  return async (app: FastifyInstance) => {
    for (const prefix of PREFIXES) {
      const older = prefix === '/v1/procedure' ? ' (older path)' : '';
      const tags = ['processes'];
      /** The operationId, marked deprecated under the older prefix. */
      const named = (operationId: string, method: string, path: string) =>
        operation(operationId, undefined, prefix !== CANONICAL && { method, canonicalPath: CANONICAL + path });

      app.get<{ Params: Static<typeof ProcessParams> }>(
        `${prefix}/:ps/process/:processId`,
        {
          config: { auth: 'key', privilege: 'process:read' },
          schema: {
            tags,
            summary: `Fetch process by id${older}`,
            ...named('getProcess', 'GET', '/:ps/process/:processId'),
            params: ProcessParams,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          return ok(await service.getProcess(ctx.db, config, procedure, { value: request.params.processId }));
        },
      );

      app.post<{ Params: Static<typeof ProcedureParams>; Body: Static<typeof ListBody> }>(
        `${prefix}/:ps/process/list`,
        {
          config: { auth: 'key', privilege: 'process:read' },
          schema: {
            tags,
            summary: `List processes${older}`,
            ...named('listProcesses', 'POST', '/:ps/process/list'),
            params: ProcedureParams,
            body: ListBody,
            response: { 200: Envelope(Type.Array(ProcessOut), ListMeta), ...errorResponses },
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          const { page, meta } = await service.listProcesses(ctx.db, config, procedure, request.body ?? {});
          return ok(page, meta);
        },
      );

      app.post<{ Params: Static<typeof ProcedureParams>; Body: Static<typeof CreateBody> }>(
        `${prefix}/:ps/process`,
        {
          config: { auth: 'key', privilege: 'process:write', idempotent: true },
          schema: {
            tags,
            summary: `Create process${older}`,
            ...named('createProcess', 'POST', '/:ps/process'),
            params: ProcedureParams,
            body: CreateBody,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          return ok(await service.createProcess(ctx.db, config, procedure, request.body, actorOf(request.principal)));
        },
      );

      app.put<{ Params: Static<typeof ProcessParams>; Body: Static<typeof UpdateBody> }>(
        `${prefix}/:ps/process/:processId`,
        {
          config: { auth: 'key', privilege: 'process:write', idempotent: true },
          schema: {
            tags,
            summary: `Update process${older}`,
            ...named('updateProcess', 'PUT', '/:ps/process/:processId'),
            params: ProcessParams,
            body: UpdateBody,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          return ok(
            await service.updateProcess(
              ctx.db,
              config,
              procedure,
              { value: request.params.processId },
              request.body,
              actorOf(request.principal),
            ),
          );
        },
      );

      app.put<{ Params: Static<typeof PkParams>; Body: Static<typeof UpdateBody> }>(
        `${prefix}/:ps/process/:pkShortId/:pkValue`,
        {
          config: { auth: 'key', privilege: 'process:write', idempotent: true },
          schema: {
            tags,
            summary: `Update process by primary key${older}`,
            ...named('updateProcessByPrimaryKey', 'PUT', '/:ps/process/:pkShortId/:pkValue'),
            params: PkParams,
            body: UpdateBody,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          const ref = { value: request.params.pkValue, pkShortId: request.params.pkShortId };
          return ok(await service.updateProcess(ctx.db, config, procedure, ref, request.body, actorOf(request.principal)));
        },
      );

      app.delete<{ Params: Static<typeof ProcessParams> }>(
        `${prefix}/:ps/process/:processId`,
        {
          config: { auth: 'key', privilege: 'process:delete', idempotent: true },
          schema: {
            tags,
            summary: `Delete process (soft)${older}`,
            ...named('deleteProcess', 'DELETE', '/:ps/process/:processId'),
            params: ProcessParams,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          return ok(
            await service.deleteProcess(ctx.db, config, procedure, { value: request.params.processId }, actorOf(request.principal)),
          );
        },
      );

      app.delete<{ Params: Static<typeof PkParams> }>(
        `${prefix}/:ps/process/:pkShortId/:pkValue`,
        {
          config: { auth: 'key', privilege: 'process:delete', idempotent: true },
          schema: {
            tags,
            summary: `Delete process by primary key (soft)${older}`,
            ...named('deleteProcessByPrimaryKey', 'DELETE', '/:ps/process/:pkShortId/:pkValue'),
            params: PkParams,
            response,
          },
        },
        async (request) => {
          const { config, procedure } = await scope(request);
          const ref = { value: request.params.pkValue, pkShortId: request.params.pkShortId };
          return ok(await service.deleteProcess(ctx.db, config, procedure, ref, actorOf(request.principal)));
        },
      );
    }
  };
}
