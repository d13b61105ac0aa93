/** CORS_ORIGINS as a browser sees it: preflights, headers on answers and errors, refused origins. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const APP = 'https://app.example.com';
const DEV = 'http://localhost:5173';
const OTHER = 'https://evil.example.net';

let s: TestServer;
/** The same server with CORS_ORIGINS=* and with CORS_ORIGINS unset, on the same database. */
const variants: { any?: FastifyInstance; none?: FastifyInstance } = {};
const urlOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

beforeAll(async () => {
  s = await startTestServer({ CORS_ORIGINS: `${APP}, ${DEV}/` });
  const settings: ['any' | 'none', '*' | string[]][] = [
    ['any', '*'],
    ['none', []],
  ];
  for (const [name, corsOrigins] of settings) {
    const { app } = await buildServer({ ...s.ctx, config: { ...s.ctx.config, corsOrigins } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    variants[name] = app;
  }
});
afterAll(async () => {
  await variants.any?.close();
  await variants.none?.close();
  await s?.close();
});

function preflight(base: string, path: string, origin: string, method = 'POST') {
  return call(base, 'OPTIONS', path, {
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type, idempotency-key',
    },
  });
}

describe('CORS_ORIGINS with a list of origins', () => {
  it('answers a preflight from an allowed origin with 204 and the allow headers, without an API key', async () => {
    const res = await preflight(s.url, '/v1/ext/procedure/lead/process/list', APP);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    // `list` also matches the process-by-id path, which has GET, PUT and DELETE.
    expect(res.headers.get('access-control-allow-methods')?.split(', ')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe(
      'Authorization, Content-Type, Idempotency-Key, X-Request-Id, X-Chakra-SDK',
    );
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('lists every method a path has, for the origin written with a trailing slash in CORS_ORIGINS', async () => {
    const res = await preflight(s.url, '/v1/ext/webhooks/5a8a4f3e-33b8-4f39-a6c8-5a3f5c0f7c11?x=1', DEV, 'DELETE');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(DEV);
    expect(res.headers.get('access-control-allow-methods')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH'].sort());
  });

  it('puts Allow-Origin, Vary and Expose-Headers on answers, errors included', async () => {
    const ok = await call(s.url, 'GET', '/v1/health', { key: s.demoKey, headers: { origin: APP } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(ok.headers.get('access-control-expose-headers')).toBe(
      'X-Request-Id, Retry-After, Idempotent-Replayed, Allow, Content-Disposition',
    );

    // A page must be able to read why it was refused.
    const unauthorized = await call(s.url, 'GET', '/v1/health', { headers: { origin: APP } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json._meta.code).toBe('API_KEY_MISSING');
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(APP);
    expect(unauthorized.headers.get('access-control-expose-headers')).toContain('X-Request-Id');

    const invalid = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/list', {
      key: s.demoKey,
      body: { limit: 'ten' },
      headers: { origin: APP },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('gives no CORS headers to another origin: its preflight is the usual 405 with the envelope', async () => {
    const res = await preflight(s.url, '/v1/ext/procedure/lead/process/list', OTHER);
    expect(res.status).toBe(405);
    expect(res.json._meta.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);

    const actual = await call(s.url, 'GET', '/v1/health', { key: s.demoKey, headers: { origin: OTHER } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    expect(actual.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('compares origins exactly: scheme, host and port', async () => {
    for (const near of ['http://app.example.com', 'https://app.example.com:8443', 'https://sub.app.example.com', 'http://localhost:5174']) {
      const res = await preflight(s.url, '/v1/ext/config', near, 'GET');
      expect(res.status, near).toBe(405);
      expect(res.headers.get('access-control-allow-origin'), near).toBeNull();
    }
  });

  it('a preflight for a path without routes is the 404 with the envelope', async () => {
    const res = await preflight(s.url, '/v1/ext/nothing-here', APP);
    expect(res.status).toBe(404);
    expect(res.json._meta.code).toBe('ROUTE_NOT_FOUND');
  });

  it('a plain OPTIONS request without Access-Control-Request-Method is not a preflight', async () => {
    const res = await call(s.url, 'OPTIONS', '/v1/ext/config', { headers: { origin: APP } });
    expect(res.status).toBe(405);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('the browser flow end to end: preflight, then the call it allowed', async () => {
    const pre = await preflight(s.url, '/v1/ext/procedure/lead/process', APP);
    expect(pre.status).toBe(204);
    const created = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
      key: s.demoKey,
      body: { data: { lead_id: 'CORS-1', firstname: 'Cora' } },
      headers: { origin: APP, 'idempotency-key': 'cors-1' },
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('CORS_ORIGINS=*', () => {
  it('allows any origin, echoing it', async () => {
    const res = await preflight(urlOf(variants.any!), '/v1/ext/config', OTHER, 'GET');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(OTHER);
    const actual = await call(urlOf(variants.any!), 'GET', '/v1/ext/config', { key: s.demoKey, headers: { origin: OTHER } });
    expect(actual.headers.get('access-control-allow-origin')).toBe(OTHER);
  });
});

describe('CORS_ORIGINS unset (the default)', () => {
  it('sends no CORS headers and answers a preflight 405, as before', async () => {
    const res = await preflight(urlOf(variants.none!), '/v1/ext/config', APP, 'GET');
    expect(res.status).toBe(405);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
    const actual = await call(urlOf(variants.none!), 'GET', '/v1/health', { key: s.demoKey, headers: { origin: APP } });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });
});
