/** The cross-cutting HTTP behaviour of docs/compatibility.md#http-conventions-and-the-envelope, as a client sees it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TTL_MS } from '../src/core/http/idempotency.ts';
import { purgeIdempotencyKeys } from '../src/core/http/idempotency-repo.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ BODY_LIMIT_JSON: '2048' });
});
afterAll(() => s?.close());

describe('status codes and the error envelope', () => {
  it('404 for an unknown route, with request id in body and header', async () => {
    const res = await call(s.url, 'GET', '/v1/ext/nothing-here', { key: s.demoKey });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      _data: null,
      _meta: { code: 'ROUTE_NOT_FOUND' },
      _errors: ['route GET /v1/ext/nothing-here not found'],
    });
    expect(res.json._meta.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('405 with Allow for a known path under the wrong method', async () => {
    const res = await call(s.url, 'DELETE', '/v1/ext/config', { key: s.demoKey });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.json._meta.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.json._errors[0]).toMatch(/method DELETE not allowed on \/v1\/ext\/config/);
  });

  it('400 naming the body for invalid JSON, never a 500', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      raw: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json._meta.code).toBe('INVALID_JSON');
    expect(res.json._errors[0]).toMatch(/^body: invalid JSON/);
  });

  it('400 listing every schema failure, each naming its field', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { name: '', role: 7, extra: true } });
    expect(res.status).toBe(400);
    expect(res.json._meta.code).toBe('VALIDATION_FAILED');
    const paths = res.json._meta.details.map((d: any) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'role', 'extra']));
    expect(res.json._errors.every((e: string) => /^(name|role|extra): /.test(e))).toBe(true);
  });

  it('413 for a body over the limit', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body: { name: 'x'.repeat(4000), role: 'admin' },
    });
    expect(res.status).toBe(413);
    expect(res.json._meta.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json._errors[0]).toBe('body: larger than the limit of 2048 bytes');
  });

  it('415 for a content type the route does not take', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.json._meta.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(res.json._errors[0]).toMatch(/^Content-Type: /);
  });

  it('415 for JSON-looking text sent as text/plain or YAML to a JSON endpoint, with nothing created', async () => {
    for (const contentType of ['text/plain', 'text/plain; charset=utf-8', 'application/yaml']) {
      const res = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
        key: s.demoKey,
        raw: '{"data": {"lead_id": "CT-1"}}',
        headers: { 'content-type': contentType },
      });
      expect(res.status, contentType).toBe(415);
      expect(res.json._meta.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const list = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/list', { key: s.demoKey, body: { where: { lead_id: 'CT-1' } } });
    expect(list.json._data).toEqual([]);
  });

  it('keeps a sane caller x-request-id and replaces an unsafe one', async () => {
    const kept = await call(s.url, 'GET', '/v1/health', { key: s.demoKey, headers: { 'x-request-id': 'trace-123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await call(s.url, 'GET', '/v1/health', { key: s.demoKey, headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = s.logs.find((l) => l.reqId === 'trace-123' && l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', route: '/v1/health', status: 200 });
  });

  it('never logs the bearer key', async () => {
    await call(s.url, 'GET', '/v1/health', { key: s.demoKey });
    expect(JSON.stringify(s.logs)).not.toContain(s.demoKey);
  });
});

describe('failures inside the server', () => {
  it('500 says only "internal error" with the request id, and logs the cause under that id', async () => {
    await s.ctx.db.exec('alter table api_keys rename to api_keys_away');
    try {
      const res = await call(s.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: s.demoKey });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({
        _data: null,
        _meta: { code: 'INTERNAL', requestId: res.headers.get('x-request-id'), details: [] },
        _errors: ['internal error'],
        message: 'internal error',
      });
      expect(res.text).not.toMatch(/api_keys|relation|select/i);
      const logged = s.logs.find((l) => l.reqId === res.json._meta.requestId && l.msg === 'request failed');
      expect(JSON.stringify(logged)).toMatch(/api_keys/);
    } finally {
      await s.ctx.db.exec('alter table api_keys_away rename to api_keys');
    }
  });

  it('readyz answers 503 when the database does not, healthz still 200', async () => {
    const down = await startTestServer();
    try {
      await down.ctx.db.close();
      expect((await call(down.url, 'GET', '/readyz')).status).toBe(503);
      expect((await call(down.url, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await down.close().catch(() => {});
    }
  });
});

describe('rate limiting', () => {
  let rl: TestServer;
  beforeAll(async () => {
    // Through Redis, as several instances would share it (the in-memory bucket has its own unit test).
    rl = await startTestServer({
      RATE_LIMIT_PER_SECOND: '5',
      RATE_LIMIT_BURST: '10',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    });
  });
  afterAll(() => rl?.close());

  it('answers 429 with Retry-After once the burst is spent, then recovers', async () => {
    const created = await call(rl.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: rl.demoKey,
      body: { name: 'rl', role: 'inside_sales' },
    });
    const key = created.json._data.key;
    const statuses = await Promise.all(Array.from({ length: 14 }, () => call(rl.url, 'GET', '/v1/health', { key })));
    const refused = statuses.filter((r) => r.status === 429);
    expect(statuses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(10);
    expect(refused.length).toBeGreaterThan(0);
    const res = refused[0];
    expect(res.json._meta.code).toBe('RATE_LIMITED');
    const ms = Number(/retry after (\d+) ms/.exec(res.json._errors[0])![1]);
    expect(res.json._errors[0]).toBe(`Rate limit exceeded, retry after ${ms} ms`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(200);
    expect(res.headers.get('retry-after')).toBe('1');
    // Another key has its own bucket.
    expect((await call(rl.url, 'GET', '/v1/health', { key: rl.demoKey })).status).toBe(200);
    // Waiting as long as a refusal says is enough. (The burst's own hints may have been overtaken
    // by requests of the burst that came later and took the token they promised, so the hint
    // taken is that of a request made once the burst is over.)
    // (On a slow machine the bucket may have refilled already: then that request is the recovery.)
    let again = await call(rl.url, 'GET', '/v1/health', { key });
    if (again.status === 429) {
      await new Promise((r) => setTimeout(r, Number(/retry after (\d+) ms/.exec(again.json._errors[0])![1]) + 50));
      again = await call(rl.url, 'GET', '/v1/health', { key });
    }
    expect(again.status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  const body = { name: 'idem', role: 'inside_sales' };

  it('replays the stored response for the same key and body, creating nothing twice', async () => {
    const headers = { 'idempotency-key': 'create-key-1' };
    const first = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body, headers });
    const second = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body, headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const list = await call(s.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: s.demoKey });
    expect(list.json._data.filter((k: any) => k.name === 'idem')).toHaveLength(1);
  });

  it('409 when the key is reused with a different body', async () => {
    const headers = { 'idempotency-key': 'create-key-2' };
    expect((await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body, headers })).status).toBe(200);
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { ...body, name: 'other' }, headers });
    expect(res.status).toBe(409);
    expect(res.json._meta.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(res.json._errors[0]).toMatch(/^Idempotency-Key: create-key-2/);
  });

  it('does not store a failed validation as success: the retry with a fixed body is refused as a different request', async () => {
    const headers = { 'idempotency-key': 'create-key-3' };
    const bad = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { name: 'x', role: 'nope' }, headers });
    expect(bad.status).toBe(400);
    const replay = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body: { name: 'x', role: 'nope' },
      headers,
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keys are per caller: another key may use the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'shared-name' };
    const a = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body, headers });
    const other = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { name: 'admin2', role: 'admin' } });
    const b = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: other.json._data.key, body, headers });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json._data.id).not.toBe(a.json._data.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses an over-long key naming the header', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body,
      headers: { 'idempotency-key': 'k'.repeat(300) },
    });
    expect(res.status).toBe(400);
    expect(res.json._errors[0]).toMatch(/^header\.idempotency-key: /);
  });
});

describe('Idempotency-Key retention', () => {
  // A server of its own without workers: its sweep's first purge must come after the ageing.
  let w: TestServer;
  beforeAll(async () => {
    w = await startTestServer({}, undefined, { workers: false });
  });
  afterAll(() => w?.close());

  const create = (key: string, name: string) =>
    call(w.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: w.demoKey,
      body: { name, role: 'inside_sales' },
      headers: { 'idempotency-key': key },
    });
  const storedKeys = async () => (await w.ctx.db.query<{ key: string }>('select key from idempotency_keys order by key')).map((r) => r.key);
  const age = (keys: string[], hours: number) =>
    w.ctx.db.run(`update idempotency_keys set created_at = now() - $2::float8 * interval '1 hour' where key = any($1)`, [keys, hours]);

  it("the workers' hourly sweep deletes stored responses past 24 h and keeps younger ones", async () => {
    expect((await create('old', 'old')).status).toBe(200);
    expect((await create('fresh', 'fresh')).status).toBe(200);
    await age(['old'], 25);
    await age(['fresh'], 23);
    expect(await storedKeys()).toEqual(['fresh', 'old']);
    await w.startWorkers();
    // The sweep purges on its first run, a second after the workers start.
    await expect.poll(storedKeys, { timeout: 10_000, interval: 100 }).toEqual(['fresh']);
    const replay = await create('fresh', 'fresh');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // The purged key is free: another request under it runs.
    const reused = await create('old', 'other');
    expect(reused.status).toBe(200);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
  });

  it('purges a backlog in batches, all of it in one call', async () => {
    const keys = ['b1', 'b2', 'b3', 'b4', 'b5'];
    for (const k of keys) expect((await create(k, k)).status).toBe(200);
    await age(keys, 48);
    expect(await purgeIdempotencyKeys(w.ctx.db, IDEMPOTENCY_TTL_MS, 2)).toBe(5);
    expect(await storedKeys()).toEqual(['fresh', 'old']);
  });
});

describe('operations endpoints', () => {
  it('healthz and readyz answer without a key', async () => {
    expect((await call(s.url, 'GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await call(s.url, 'GET', '/readyz')).json).toEqual({ status: 'ok' });
  });

  it('metrics show request counts and latency by route and status, and pool gauges', async () => {
    await call(s.url, 'GET', '/v1/health', { key: s.demoKey });
    const res = await call(s.url, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/chakra_http_requests_total\{method="GET",route="\/v1\/health",status="200"\} \d+/);
    expect(res.text).toMatch(/chakra_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/health",status="200"\}/);
    expect(res.text).toMatch(/chakra_db_pool_connections\{state="total"\} \d+/);
  });

  it('serves an OpenAPI 3.1 document built from the validating schemas, and an interactive reference', async () => {
    const res = await call(s.url, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    const create = doc.paths['/v1/admin/teams/{team}/api-keys'].post;
    // The body's shape is the named component ApiKeyCreate.
    const ref = create.requestBody.content['application/json'].schema.$ref as string;
    const schema = doc.components.schemas[ref.split('/').pop()!];
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'role']));
    expect(schema.additionalProperties).toBe(false);
    expect(doc.paths['/v1/ext/config'].get.responses['200']).toBeDefined();
    expect(doc.paths['/v1/config']).toBeDefined();
    const html = await call(s.url, 'GET', '/docs/');
    expect(html.status).toBe(200);
    expect(html.text).toMatch(/Scalar\.createApiReference/);
  });
});
