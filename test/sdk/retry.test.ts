/**
 * The client's retries. The mechanics against a tiny local HTTP server that answers from a
 * script (503 then 201, a reset connection, 429 with Retry-After…) and records what it got: it
 * stands in for the network and proxies, not for our code. Then the rate limiter of the real
 * server: a 429 with Retry-After, waited out and retried.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChakraApiError, createClient } from '../../sdk/src/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
let script: Answer[] = [];
let seen: Seen[] = [];

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => {
  return (_req, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};
const envelope = (data: unknown) => json(200, { _data: data, _meta: {}, _errors: [] });
const failure = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { _data: null, _meta: { code, requestId: `req-${status}` }, _errors: [`${code.toLowerCase()}`], message: code }, headers);
const reset: Answer = (req) => req.socket.destroy();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const answer = script.shift() ?? json(500, { _data: null, _meta: { code: 'INTERNAL' }, _errors: ['script ran out'] });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  script = [];
  seen = [];
});

const fast = { retries: 3, minDelayMs: 10, maxDelayMs: 2_000 };
const client = (retry: Parameters<typeof createClient>[0]['retry'] = fast) => createClient({ baseUrl: base, apiKey: 'chk_test', retry });
const lead = { data: { lead_id: 'L-1' } };

describe('retries (a scripted local server)', () => {
  it('a create answered 503 is sent again with the same Idempotency-Key and body, and resolves with the 201', async () => {
    script = [failure(503, 'INTERNAL'), json(201, { _data: { id: 'p1' }, _meta: {}, _errors: [] })];
    const created = await client().processes.create('lead', lead);
    expect(created).toEqual({ id: 'p1' });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(Array(2).fill('POST /v1/ext/procedure/lead/process'));
    const [first, second] = seen;
    expect(first.headers['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(JSON.parse(second.body)).toEqual(lead);
    expect(second.body).toBe(first.body);
    expect(first.headers.authorization).toBe('Bearer chk_test');
  });

  it('each call has its own key; a caller’s key is sent as given; reads carry none', async () => {
    script = [envelope({}), envelope({}), envelope({}), envelope({})];
    const c = client();
    await c.processes.create('lead', lead);
    await c.processes.create('lead', lead);
    await c.processes.create('lead', lead, { idempotencyKey: 'my-key-1' });
    await c.processes.get('lead', 'p1');
    const keys = seen.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('my-key-1');
    expect(keys[3]).toBeUndefined();
  });

  it('without crypto.randomUUID (a browser page on plain http) the key is still a v4 UUID', async () => {
    script = [envelope({})];
    // An own property shadows Crypto.prototype.randomUUID; deleting it restores the method.
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      await client().processes.create('lead', lead);
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
    expect(seen[0].headers['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a reset connection on a read is retried; multipart bodies are sent whole again', async () => {
    script = [reset, envelope({ id: 'p1' })];
    expect(await client().processes.get('lead', 'p1')).toEqual({ id: 'p1' });
    expect(seen).toHaveLength(2);

    script = [failure(502, 'INTERNAL'), envelope({ id: 'ph1' })];
    seen = [];
    await client().photos.upload({ file: new TextEncoder().encode('bytes'), filename: 'a.png' });
    expect(seen).toHaveLength(2);
    expect(seen[1].body).toContain('bytes');
    expect(seen[1].body.replace(/-{2,}[\w-]+/g, '')).toBe(seen[0].body.replace(/-{2,}[\w-]+/g, ''));
    expect(seen[1].headers['idempotency-key']).toBe(seen[0].headers['idempotency-key']);
  });

  it('429 waits Retry-After (seconds or an HTTP date) for every call; past maxDelayMs the 429 is the answer', async () => {
    script = [failure(429, 'RATE_LIMITED', { 'retry-after': '1' }), envelope({ ok: 1 })];
    let started = Date.now();
    await client().config.get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(seen).toHaveLength(2);

    script = [failure(429, 'RATE_LIMITED', { 'retry-after': new Date(Date.now() + 2_000).toUTCString() }), envelope({ id: 't1' })];
    started = Date.now();
    await client().tasks.create('lead', 'L-1', 'call');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    script = [failure(429, 'RATE_LIMITED', { 'retry-after': '60' })];
    seen = [];
    const error = (await client()
      .config.get()
      .catch((e) => e)) as ChakraApiError;
    expect(error).toBeInstanceOf(ChakraApiError);
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 60_000, requestId: 'req-429' });
    expect(seen).toHaveLength(1);
  });

  it('a mutating call sent without a key (`idempotencyKey: false`) is not replayed after a 503', async () => {
    script = [failure(503, 'INTERNAL'), envelope({})];
    await expect(client().processes.create('lead', lead, { idempotencyKey: false })).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers['idempotency-key']).toBeUndefined();
    // A 429 still is: the server refused it before running it.
    script = [failure(429, 'RATE_LIMITED', { 'retry-after': '0' }), envelope({ id: 'p2' })];
    seen = [];
    expect(await client().processes.create('lead', lead, { idempotencyKey: false })).toEqual({ id: 'p2' });
    expect(seen).toHaveLength(2);
  });

  it('gives up after `retries`, answering the last error; `retry: false` sends once', async () => {
    script = Array.from({ length: 4 }, () => failure(503, 'INTERNAL'));
    await expect(client().config.get()).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(4);

    script = [failure(503, 'INTERNAL'), envelope({})];
    seen = [];
    await expect(client(false).processes.create('lead', lead)).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
  });

  it('does not resend a mutating call the server answered UPSTREAM_* (Meta may have acted), nor a 4xx', async () => {
    script = [failure(504, 'UPSTREAM_TIMEOUT'), envelope({})];
    const send = client().whatsapp.templateMessages.send({
      pluginId: 'p',
      toPhoneNumber: '919900112233',
      whatsappPhoneNumberId: '1',
      templateName: 't',
    });
    await expect(send).rejects.toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
    expect(seen).toHaveLength(1);

    script = [failure(400, 'VALIDATION_FAILED'), envelope({})];
    seen = [];
    await expect(client().processes.create('lead', lead)).rejects.toMatchObject({ status: 400 });
    expect(seen).toHaveLength(1);
  });

  it('after a retry, IDEMPOTENCY_KEY_IN_PROGRESS (the first attempt still running) is waited out', async () => {
    script = [reset, failure(409, 'IDEMPOTENCY_KEY_IN_PROGRESS'), envelope({ id: 'p1' })];
    expect(await client().processes.create('lead', lead)).toEqual({ id: 'p1' });
    expect(new Set(seen.map((r) => r.headers['idempotency-key'])).size).toBe(1);

    // On a first attempt it is somebody else's request under the same key: the caller hears it.
    script = [failure(409, 'IDEMPOTENCY_KEY_IN_PROGRESS'), envelope({})];
    seen = [];
    await expect(client().processes.create('lead', lead, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
    });
    expect(seen).toHaveLength(1);
  });

  it('an aborted signal stops the waits between retries', async () => {
    script = [failure(503, 'INTERNAL'), envelope({})];
    const controller = new AbortController();
    const slow = client({ retries: 3, minDelayMs: 5_000, maxDelayMs: 5_000 });
    const started = Date.now();
    const pending = slow.config.get({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(seen).toHaveLength(1);
  });

  it('a proxy’s HTML error page is a ChakraApiError too: its status, no code, the text as the body', async () => {
    script = [(_req, res) => res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'edge-1' }).end('<html>Bad Gateway</html>')];
    const error = (await client(false)
      .config.get()
      .catch((e) => e)) as ChakraApiError;
    expect(error).toBeInstanceOf(ChakraApiError);
    expect(error).toMatchObject({ status: 502, code: undefined, errors: [], requestId: 'edge-1', body: '<html>Bad Gateway</html>' });
    expect(error.message).toBe('502: <html>Bad Gateway</html>');
  });

  it('sends the client’s headers and the per-call ones', async () => {
    script = [envelope({})];
    await createClient({ baseUrl: base, apiKey: 'chk_test', headers: { 'x-team-app': 'crm' } }).config.get({
      headers: { 'x-request-id': 'mine-1' },
    });
    expect(seen[0].headers).toMatchObject({ 'x-team-app': 'crm', 'x-request-id': 'mine-1', authorization: 'Bearer chk_test' });
  });
});

describe('the real rate limiter', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_BURST: '1' });
  });
  afterAll(() => s?.close());

  it('a 429 with Retry-After is waited out and the call succeeds; without retries it is a RATE_LIMITED error', async () => {
    const noRetry = createClient({ baseUrl: s.url, apiKey: s.demoKey, retry: false });
    await new Promise((r) => setTimeout(r, 1_100));
    await noRetry.config.get();
    const limited = (await noRetry.config.get().catch((e) => e)) as ChakraApiError;
    expect(limited).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limited.retryAfterMs).toBe(1_000);
    expect(limited.requestId).toEqual(expect.any(String));

    const patient = createClient({ baseUrl: s.url, apiKey: s.demoKey });
    const started = Date.now();
    const config = await patient.config.get();
    expect(config.team.shortId).toBe('demo');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});
