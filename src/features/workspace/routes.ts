import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { adminSecurity, errorResponses } from '../../core/http/route-schema.ts';
import { WorkspaceSpec } from './schema.ts';
import { applyWorkspaceDocument } from './service.ts';
import { parseWorkspaceText, workspaceError } from './validate.ts';
import { ajvErrorsToDetails } from '../../core/ajv-details.ts';
import { named } from '../../core/http/openapi-document.ts';

const Summary = named(
  'WorkspaceApplySummary',
  Type.Object({
    teams: Type.Array(Type.Object({ id: Type.String(), shortId: Type.String() })),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    generatedSecrets: Type.Array(Type.String()),
  }),
);

export function workspaceRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    // Only this route takes YAML; the parser lives in its scope so no JSON endpoint accepts it.
    app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    app.post(
      '/v1/admin/workspace',
      {
        config: { auth: 'admin', idempotent: true },
        // Shape errors are reported like every other workspace problem (WORKSPACE_INVALID),
        // whether the document came as JSON, YAML, a file or CHAKRA_WORKSPACE.
        attachValidation: true,
        bodyLimit: ctx.config.bodyLimits.bulk,
        schema: {
          tags: ['admin'],
          summary: 'Apply a workspace',
          operationId: 'applyWorkspace',
          security: adminSecurity,
          description:
            'Creates or updates the teams and configuration objects the document declares (docs/workspace.md); never deletes. ' +
            'Applying the same document twice changes nothing. A team admin key may only apply its own team. ' +
            'Send JSON, or YAML with `Content-Type: application/yaml`.',
          body: {
            content: {
              'application/json': { schema: WorkspaceSpec },
              'application/yaml': { schema: Type.String({ description: 'the same document as YAML' }) },
            },
          },
          response: { 200: Envelope(Summary), ...errorResponses },
        },
      },
      async (request) => {
        if (request.validationError) {
          throw workspaceError(ajvErrorsToDetails((request.validationError as any).validation ?? [], '', 'workspace'));
        }
        const doc = typeof request.body === 'string' ? parseWorkspaceText(request.body) : request.body;
        const principal = request.principal;
        const summary = await applyWorkspaceDocument(ctx.db, doc, {
          secrets: ctx.secrets,
          onlyTeamId: principal && principal.kind !== 'system' ? principal.teamId : undefined,
        });
        ctx.configCache.invalidate();
        ctx.keys.clear();
        ctx.sessions.clear();
        return ok(summary);
      },
    );
  };
}
