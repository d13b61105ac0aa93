import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import type { Metrics } from '../../core/http/metrics.ts';
import { requireMetricsToken } from '../../core/http/metrics-token.ts';
import { errorResponses } from '../../core/http/route-schema.ts';

const Status = Type.Object({ status: Type.String() });

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
          response: { 200: Status },
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
          response: { 200: Status, 503: Status },
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
        schema: metricsToken
          ? {
              tags: ['operations'],
              summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>)',
              operationId: 'getMetrics',
              security: [{ bearer: [] }],
            }
          : {
              tags: ['operations'],
              summary: 'Prometheus metrics (no auth unless METRICS_TOKEN is set)',
              operationId: 'getMetrics',
              security: [],
            },
      },
      async (_request, reply) => {
        reply.type(metrics.registry.contentType);
        return metrics.render();
      },
    );
  };
}
