/** METRICS_TOKEN: /metrics open by default, bearer-only when the token is set. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const TOKEN = 'scrape-me-0123456789abcdef';

let s: TestServer;
/** The same server without METRICS_TOKEN, on the same database. */
let open: FastifyInstance;
const urlOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

beforeAll(async () => {
  s = await startTestServer({ METRICS_TOKEN: TOKEN });
  open = (await buildServer({ ...s.ctx, config: { ...s.ctx.config, metricsToken: undefined } })).app;
  await open.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await open?.close();
  await s?.close();
});

describe('METRICS_TOKEN set', () => {
  it('serves the metrics to the bearer token', async () => {
    const res = await call(s.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('chakra_db_pool_connections');
  });

  it('refuses no token, a wrong one, another scheme and an API key with one 401 in the envelope', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { authorization: `Bearer ${s.demoKey}` },
    ];
    for (const headers of cases) {
      const res = await call(s.url, 'GET', '/metrics', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.json).toMatchObject({
        _data: null,
        _meta: { code: 'METRICS_TOKEN_REQUIRED' },
        _errors: ['Authorization: /metrics requires "Bearer <METRICS_TOKEN>"'],
      });
      expect(res.json._meta.requestId).toBe(res.headers.get('x-request-id'));
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(res.text).not.toContain('chakra_');
    }
  });

  it('leaves the liveness and readiness probes open', async () => {
    expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
    expect((await call(s.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('says so in the API reference', async () => {
    const doc = (await call(s.url, 'GET', '/openapi.json')).json;
    expect(doc.paths['/metrics'].get.security).toEqual([{}, { metricsToken: [] }]);
    expect(doc.paths['/metrics'].get.responses['401']).toBeDefined();
  });
});

describe('METRICS_TOKEN unset (the default)', () => {
  it('serves the metrics without authorization', async () => {
    const res = await call(urlOf(open), 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('chakra_db_pool_connections');
  });
});
