/**
 * The web console's files over plain HTTP (src/features/console/routes.ts): the CSP on /console
 * and not on /docs, cache headers, br/gzip by Accept-Encoding, deep links answered with the page
 * but missing files with a 404, `/` redirected, and the `<base href>` under PUBLIC_BASE_URL's prefix.
 */
import { get } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET with exactly the headers given (fetch would add Accept-Encoding and decompress). */
function raw(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

let s: TestServer;
let script: string;
let style: string;

beforeAll(async () => {
  s = await startTestServer({}, undefined, { workers: false });
  const page = (await raw(`${s.url}/console/`)).body.toString();
  script = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(page)![1];
  style = /<link rel="stylesheet"[^>]*href="\.\/(assets\/[^"]+\.css)"/.exec(page)![1];
});
afterAll(() => s?.close());

describe('the page', () => {
  it('is index.html with no-cache, the CSP and the other security headers', async () => {
    const answer = await raw(`${s.url}/console/`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
    const csp = String(answer.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['referrer-policy']).toBe('same-origin');
    expect(answer.body.toString()).toContain('<base href="/console/" />');
  });

  it('answers deep links (the app routes them itself)', async () => {
    for (const path of ['/console/p/lead', '/console/p/lead/LEAD-1/history', '/console/setup?token=abc', '/console/sign-in']) {
      const answer = await raw(`${s.url}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body.toString()).toContain('<div id="root"></div>');
    }
  });

  it('is compressed when the client takes it', async () => {
    const br = await raw(`${s.url}/console/`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toContain('<div id="root"></div>');
    const gz = await raw(`${s.url}/console/p/lead`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('<div id="root"></div>');
  });

  it('redirects / to /console/, and answers /console itself', async () => {
    const root = await raw(`${s.url}/`);
    expect(root.status).toBe(302);
    expect(root.headers.location).toBe('/console/');
    const bare = await raw(`${s.url}/console`);
    expect(bare.status).toBe(200);
    expect(bare.body.toString()).toContain('<base href="/console/" />');
  });

  it('keeps the CSP off the API reference at /docs and off the API', async () => {
    const docs = await raw(`${s.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(docs.headers['content-security-policy']).toBeUndefined();
    const api = await raw(`${s.url}/v1/ext/config`);
    expect(api.status).toBe(401);
    expect(api.headers['content-security-policy']).toBeUndefined();
  });
});

describe('the assets', () => {
  it('are immutable for a year, precompressed as br or gzip by Accept-Encoding, plain otherwise', async () => {
    const plain = await raw(`${s.url}/console/${script}`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.headers['content-security-policy']).toBeDefined();

    const br = await raw(`${s.url}/console/${script}`, { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gz = await raw(`${s.url}/console/${script}`, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);

    const css = await raw(`${s.url}/console/${style}`, { 'accept-encoding': 'identity' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['content-encoding']).toBeUndefined();
  });

  it('are a 404 when missing, never the page; so is a path that climbs out of the build', async () => {
    for (const path of [
      '/console/assets/missing-abc123.js',
      '/console/assets/',
      '/console/favicon.ico',
      '/console/assets/..%2f..%2fpackage.json',
      '/console/%2e%2e/package.json',
    ]) {
      const answer = await raw(`${s.url}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString()).not.toContain('<div id="root">');
    }
  });
});

describe('behind a proxy prefix (PUBLIC_BASE_URL with a path)', () => {
  let prefixed: TestServer;
  beforeAll(async () => {
    prefixed = await startTestServer({ PUBLIC_BASE_URL: 'https://example.com/chakra/' }, undefined, { workers: false });
  });
  afterAll(() => prefixed?.close());

  it('sets the page base and the redirects to the prefixed console; assets stay relative', async () => {
    const page = await raw(`${prefixed.url}/console/p/lead`);
    const html = page.body.toString();
    expect(html).toContain('<base href="/chakra/console/" />');
    expect(html).toContain(`src="./${script}"`);
    expect((await raw(`${prefixed.url}/`)).headers.location).toBe('/chakra/console/');
    expect((await raw(`${prefixed.url}/console/${script}`)).status).toBe(200);
  });

  it('sets the session cookie Secure: the public address is https', async () => {
    const token = new URL(prefixed.demoSignInLink).searchParams.get('token');
    const setup = await call(prefixed.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'correct horse battery' } });
    expect(setup.status, setup.text).toBe(200);
    expect(setup.headers.get('set-cookie')?.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Secure']));
  });
});
