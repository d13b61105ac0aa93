import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import type { Metrics } from '../../core/http/metrics.ts';
import { requireMetricsToken } from '../../core/http/metrics-token.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { describedAs, named } from '../../core/http/openapi-document.ts';

const Status = named('HealthStatus', Type.Object({ status: Type.String() }));
const metricsText = { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } };

export function healthRoutes(ctx: AppContext, metrics: Metrics) {
  return async (app: FastifyInstance) => {
    app.get(
      '/v1/health',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['health'],
          summary: 'Check an API key',
          operationId: 'checkApiKey',
          description: '200 with a valid key, 401 otherwise (the official n8n credential test calls this).',
          response: { 200: Envelope(Status), ...errorResponses },
        },
      },
      async () => ok({ status: 'ok' }),
    );

    app.get(
      '/healthz',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['operations'],
          summary: 'Liveness (no auth)',
          operationId: 'getLiveness',
          security: [],
          response: { 200: describedAs('The process is up.', Status) },
        },
      },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the database answers (no auth)',
          operationId: 'getReadiness',
          security: [],
          response: {
            200: describedAs('Ready: the database answers.', Status),
            503: describedAs('Not ready: the database does not answer; `status` says so.', Status),
          },
        },
      },
      async (_request, reply) => {
        try {
          await ctx.db.query('select 1');
          return { status: 'ok' };
        } catch {
          return reply.code(503).send({ status: 'database unavailable' });
        }
      },
    );

    const metricsToken = ctx.config.metricsToken;
    app.get(
      '/metrics',
      {
        config: { auth: 'none' },
        ...(metricsToken ? { onRequest: requireMetricsToken(metricsToken) } : {}),
        // The same in the document whether or not this server has a token: it describes the API, not one deployment.
        schema: {
          tags: ['operations'],
          summary: 'Prometheus metrics',
          description: 'Open unless the operator set `METRICS_TOKEN`; then `Authorization: Bearer <METRICS_TOKEN>` is required.',
          operationId: 'getMetrics',
          security: [{}, { metricsToken: [] }],
          response: { 200: metricsText, 401: Type.Ref('Error') },
        },
      },
      async (_request, reply) => {
        reply.type(metrics.registry.contentType);
        return metrics.render();
      },
    );
  };
}
