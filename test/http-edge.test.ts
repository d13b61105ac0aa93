/**
 * Requests refused at the HTTP edge, before any route runs, as a client sees them: every one is
 * answered — in the error envelope, with a request id — rather than in Fastify's own shape or
 * with a reset connection (issue 12 §2, found by the fuzzer in test/fuzz/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp, type RawAnswer } from './helpers/raw-http.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let host: string;
beforeAll(async () => {
  s = await startTestServer({ BODY_LIMIT_JSON: '4096' });
  host = new URL(s.url).host;
});
afterAll(() => s?.close());

const head = (requestLine: string, headers: Record<string, string | number> = {}) =>
  [requestLine, `host: ${host}`, `authorization: Bearer ${s.demoKey}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join(
    '\r\n',
  );

function expectEnvelope(res: RawAnswer, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ _data: null, _meta: { code } });
  expect(res.json._errors.length).toBeGreaterThan(0);
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.json._meta.requestId).toBe(res.headers['x-request-id']);
}

describe('paths the router refuses', () => {
  it('400 naming the path for malformed percent-encoding', async () => {
    for (const path of ['/v1/ext/photo/%E0%A4%A', '/v1/ext/procedure/%zz/process', '/v1/ext/webhooks/%']) {
      const res = await rawHttp(s.url, head(`GET ${path} HTTP/1.1`));
      expectEnvelope(res, 400, 'VALIDATION_FAILED');
      expect(res.json._errors[0]).toMatch(/^path: is not valid percent-encoding/);
    }
  });

  it('keeps a caller x-request-id on those answers too', async () => {
    const res = await rawHttp(s.url, head('GET /v1/ext/photo/%zz HTTP/1.1', { 'x-request-id': 'trace-42' }));
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(res.json._meta.requestId).toBe('trace-42');
  });

  it('a primary key of 1,000 characters is addressable in every primary-key path', async () => {
    const pk = `P${'k'.repeat(999)}`;
    const created = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
      key: s.demoKey,
      body: { data: { lead_id: pk, firstname: 'Long' } },
    });
    expect(created.status).toBe(200);
    const updated = await call(s.url, 'PUT', `/v1/ext/procedure/lead/process/lead_id/${pk}`, {
      key: s.demoKey,
      body: { data: { score: 7 } },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json._data.data.score).toBe(7);
    const task = await call(s.url, 'POST', `/v1/ext/p/lead/${pk}/task/call`, { key: s.demoKey, body: { data: { remarks: 'called' } } });
    expect(task.status, task.text).toBe(200);
    const deleted = await call(s.url, 'DELETE', `/v1/ext/procedure/lead/process/lead_id/${pk}`, { key: s.demoKey });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json._data.id).toBe(created.json._data.id);
  });

  it('414 in the envelope for a path segment over 1,000 characters', async () => {
    const res = await rawHttp(s.url, head(`GET /v1/ext/photo/${'a'.repeat(1001)} HTTP/1.1`));
    expectEnvelope(res, 414, 'URI_TOO_LONG');
    expect(res.json._errors[0]).toBe('path: a segment is longer than 1000 characters');
  });
});

describe("requests Node's HTTP parser refuses", () => {
  it('431 in the envelope for headers over the size limit, and the connection closed', async () => {
    const res = await rawHttp(s.url, head('GET /healthz HTTP/1.1', { 'x-padding': 'a'.repeat(20_000) }));
    expectEnvelope(res, 431, 'HEADERS_TOO_LARGE');
    expect(res.json._errors[0]).toBe('headers: larger than the limit of 16384 bytes');
    expect(res.headers.connection).toBe('close');
  });

  it('400 in the envelope for a JSON body cut short of its Content-Length, nothing created', async () => {
    const body = '{"data": {"lead_id": "CUT-1"';
    const res = await rawHttp(
      s.url,
      head('POST /v1/ext/procedure/lead/process HTTP/1.1', { 'content-type': 'application/json', 'content-length': body.length + 40 }),
      body,
      { endAfterWrite: true },
    );
    expectEnvelope(res, 400, 'MALFORMED_REQUEST');
    expect(res.json._errors[0]).toMatch(/^request: the connection was closed before the whole body/);
    const list = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/list', {
      key: s.demoKey,
      body: { where: { lead_id: 'CUT-1' } },
    });
    expect(list.json._data).toEqual([]);
  });

  it('400 in the envelope for a request that is not valid HTTP/1.1', async () => {
    // Content-Length and Transfer-Encoding together: the classic request-smuggling shape.
    const res = await rawHttp(
      s.url,
      head('POST /v1/ext/procedure/lead/process/list HTTP/1.1', { 'content-length': 2, 'transfer-encoding': 'chunked' }),
      '{}',
    );
    expectEnvelope(res, 400, 'MALFORMED_REQUEST');
  });

  it('400 in the envelope for an HTTP/1.1 request without a Host header', async () => {
    const res = await rawHttp(s.url, `GET /v1/ext/config HTTP/1.1\r\nauthorization: Bearer ${s.demoKey}`);
    expectEnvelope(res, 400, 'MALFORMED_REQUEST');
    expect(res.json._errors[0]).toBe('request: HTTP/1.1 requires a Host header');
  });

  it('a client that hangs up mid-body is not logged or counted as a server failure', async () => {
    const before = s.logs.length;
    await rawHttp(
      s.url,
      head('POST /v1/ext/procedure/lead/process HTTP/1.1', { 'content-type': 'application/json', 'content-length': 500 }),
      '{"data":',
      { endAfterWrite: true },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(s.logs.slice(before).filter((l) => Number(l.level) >= 50)).toEqual([]);
  });
});

describe('bodies refused before they are read are answered, not reset', () => {
  // 8 MB written before reading anything, as simple clients do: far more than the socket buffers
  // hold. A server that closes the connection on answering makes the rest of the body fail to
  // send (EPIPE, or a reset that can throw the answer away): most clients report that error,
  // not the 4xx.
  const eightMegabytes = Buffer.alloc(8 * 1024 * 1024, 0x61);

  it('413 for a large JSON body on a DELETE', async () => {
    const res = await rawHttp(
      s.url,
      head('DELETE /v1/ext/webhooks/00000000-0000-4000-8000-000000000000 HTTP/1.1', {
        'content-type': 'application/json',
        'content-length': eightMegabytes.length,
      }),
      eightMegabytes,
      { readAfterWrite: true },
    );
    expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.sendError, 'the server hung up while the body was being sent').toBeUndefined();
  });

  it('415 for a large body of a type the route does not take', async () => {
    const res = await rawHttp(
      s.url,
      head('POST /v1/ext/procedure/lead/process HTTP/1.1', {
        'content-type': 'application/octet-stream',
        'content-length': eightMegabytes.length,
      }),
      eightMegabytes,
      { readAfterWrite: true },
    );
    expectEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.sendError, 'the server hung up while the body was being sent').toBeUndefined();
  });

  it('keeps the connection open (no Connection: close) once the refused body is read', async () => {
    const refused = await rawHttp(
      s.url,
      head('DELETE /v1/ext/webhooks/x HTTP/1.1', { 'content-type': 'application/json', 'content-length': 10_000 }),
      Buffer.alloc(10_000, 0x61),
    );
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).not.toBe('close');
  });
});

describe('query strings', () => {
  it('bracketed and repeated parameters on the delivery log are answered, not reset', async () => {
    const sub = await call(s.url, 'POST', '/v1/ext/webhooks', {
      key: s.demoKey,
      body: { url: 'http://127.0.0.1:9/edge', events: ['process.created'] },
    });
    for (const query of ['skip[a]=1', 'skip[]=1&skip=2', 'skip[__proto__]=1', 'limit.a=1']) {
      const res = await rawHttp(s.url, head(`GET /v1/ext/webhooks/${sub.json._data.id}/deliveries?${query} HTTP/1.1`));
      expect(res.status, query).toBeLessThan(500);
      expect(res.headers['x-request-id']).toBeTruthy();
      if (res.status >= 400) expect(res.json._meta.requestId).toBe(res.headers['x-request-id']);
    }
  });
});
