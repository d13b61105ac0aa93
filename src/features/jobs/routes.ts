import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasPrivilege } from '../../core/auth/privileges.ts';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { AppError } from '../../core/errors.ts';
import { teamIdOf, teamPrincipalOf } from '../../core/http/principal-team.ts';
import { errorResponses, operation } from '../../core/http/route-schema.ts';
import { createValidator } from '../../core/http/validator.ts';
import { procedureOf } from '../processes/service.ts';
import { ProcedureParams } from '../processes/schemas.ts';
import { checkBulkBody } from './bulk-body.ts';
import { BulkCreateBody, BulkUpdateBody, EntriesMeta, EntriesQuery, EntryOut, JobMeta, JobOut, JobParams } from './schemas.ts';
import * as service from './service.ts';

const CANONICAL = '/v1/ext/procedure';
const PREFIXES = [CANONICAL, '/v1/procedure'];
const jobResponse = { 200: Envelope(JobOut, JobMeta), ...errorResponses };

type BulkRequest = FastifyRequest<{ Params: Static<typeof ProcedureParams>; Body: Record<string, unknown>[] }>;

export function jobRoutes(ctx: AppContext) {
  const { bulkMaxItems } = ctx.config.jobs;
  // Bulk bodies are checked by checkBulkBody (clear messages naming the item); the declared
  // schemas document them. Params and query strings are validated as everywhere else.
  const coercing = createValidator({ coerceTypes: 'array' });
  const validatorCompiler = ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    httpPart === 'body' ? (body: unknown) => checkBulkBody(body, bulkMaxItems) : coercing.compile(schema);

  async function submit(request: BulkRequest, operation: 'create' | 'update') {
    const principal = teamPrincipalOf(request);
    if (operation === 'update' && !hasPrivilege(principal.privileges, 'process:delete') && request.body.some(deletes)) {
      throw new AppError('PRIVILEGE_MISSING', { role: principal.roleShortId, privilege: 'process:delete' });
    }
    const config = await ctx.configCache.get(principal.teamId);
    const procedure = procedureOf(config, request.params.ps);
    const key = request.headers['idempotency-key'];
    const submitKey =
      typeof key === 'string' && key
        ? createHash('sha256')
            .update(`${principal.ownerId}\0${operation}\0${procedure.id}\0${key}\0`)
            .update(JSON.stringify(request.body))
            .digest('hex')
        : null;
    const { job, meta } = await service.submitBulk(ctx, config, procedure, operation, request.body, {
      submittedBy: principal.ownerId,
      submitKey,
    });
    return ok(job, meta);
  }

  return async (app: FastifyInstance) => {
    for (const prefix of PREFIXES) {
      const older = prefix === '/v1/procedure' ? ' (older path)' : '';
      const common = {
        config: { auth: 'key' as const, privilege: 'process:write' as const, idempotent: true },
        bodyLimit: ctx.config.bodyLimits.bulk,
        validatorCompiler,
      };
      app.post<{ Params: Static<typeof ProcedureParams>; Body: Record<string, unknown>[] }>(
        `${prefix}/:ps/process/bulk-create`,
        {
          ...common,
          schema: {
            tags: ['background jobs'],
            summary: `Bulk create processes${older}`,
            ...operation(
              'bulkCreateProcesses',
              `Up to ${bulkMaxItems} items; answers at once with the background job (docs/bulk.md).`,
              prefix !== CANONICAL && { method: 'POST', canonicalPath: `${CANONICAL}/:ps/process/bulk-create` },
            ),
            params: ProcedureParams,
            body: BulkCreateBody,
            response: jobResponse,
          },
        },
        (request) => submit(request, 'create'),
      );
      app.patch<{ Params: Static<typeof ProcedureParams>; Body: Record<string, unknown>[] }>(
        `${prefix}/:ps/process`,
        {
          ...common,
          schema: {
            tags: ['background jobs'],
            summary: `Bulk update processes${older}`,
            ...operation(
              'bulkUpdateProcesses',
              `Up to ${bulkMaxItems} items, each by id or primary key; answers at once with the background job (docs/bulk.md).`,
              prefix !== CANONICAL && { method: 'PATCH', canonicalPath: `${CANONICAL}/:ps/process` },
            ),
            params: ProcedureParams,
            body: BulkUpdateBody,
            response: jobResponse,
          },
        },
        (request) => submit(request, 'update'),
      );
    }

    app.get<{ Params: Static<typeof JobParams> }>(
      '/v1/ext/background-job/:id',
      {
        config: { auth: 'key', privilege: 'job:read' },
        schema: {
          tags: ['background jobs'],
          summary: 'Fetch background job',
          operationId: 'getBackgroundJob',
          params: JobParams,
          response: jobResponse,
        },
      },
      async (request) => {
        const { job, meta } = await service.getJob(ctx.db, teamIdOf(request), request.params.id);
        return ok(job, meta);
      },
    );

    app.get<{ Params: Static<typeof JobParams>; Querystring: Static<typeof EntriesQuery> }>(
      '/v1/ext/background-job/:id/entries',
      {
        config: { auth: 'key', privilege: 'job:read' },
        schema: {
          tags: ['background jobs'],
          summary: 'Fetch background-job entries',
          operationId: 'listBackgroundJobEntries',
          params: JobParams,
          querystring: EntriesQuery,
          response: { 200: Envelope(Type.Array(EntryOut), EntriesMeta), ...errorResponses },
        },
      },
      async (request) => {
        const { page, meta } = await service.listEntries(ctx.db, teamIdOf(request), request.params.id, request.query);
        return ok(page, meta);
      },
    );

    app.post<{ Params: Static<typeof JobParams> }>(
      '/v1/ext/background-job/:id/cancel',
      {
        config: { auth: 'key', privilege: 'process:write', idempotent: true },
        schema: {
          tags: ['background jobs'],
          summary: 'Cancel background job (extension)',
          operationId: 'cancelBackgroundJob',
          description: 'Stops after the chunk being written; entries not yet processed stay NOT_STARTED.',
          params: JobParams,
          response: jobResponse,
        },
      },
      async (request) => {
        const { job, meta } = await service.cancelJob(ctx.db, teamIdOf(request), request.params.id);
        return ok(job, meta);
      },
    );
  };
}

/** Whether a bulk-update item asks for a soft delete (flat or under `update`). */
function deletes(item: Record<string, unknown>): boolean {
  const update = item.update as Record<string, unknown> | undefined;
  return item.isDeleted === true || (typeof update === 'object' && update !== null && update.isDeleted === true);
}
