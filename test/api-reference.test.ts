/**
 * The interactive API reference at /docs (docs/api.md#the-openapi-document): public, naming
 * chakra-server, reading /openapi.json, and loading nothing from outside this server, since a
 * self-hosted server may have no internet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const PUBLIC_BASE_URL = 'https://chakra.example.test';

let s: TestServer;
let html: string;
let config: Record<string, any>;
let bundle: string;

/** The object literal the page hands to Scalar.createApiReference (plain JSON: no functions are configured). */
function inlineConfiguration(page: string): Record<string, any> {
  const match = /Scalar\.createApiReference\('#app', (\{[\s\S]*?\})\)\s*<\/script>/.exec(page);
  expect(match, 'the page initialises Scalar with an inline configuration').not.toBeNull();
  return JSON.parse(match![1]);
}

/** Every src= / href= of the elements a browser fetches while loading the page. */
function loadedResources(page: string): string[] {
  const tags = page.match(/<(script|link|img|iframe|source|embed|object)\b[^>]*>/gi) ?? [];
  return tags.flatMap((tag) => [...tag.matchAll(/\b(?:src|href|data)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]));
}

beforeAll(async () => {
  s = await startTestServer({ PUBLIC_BASE_URL }, undefined, { workers: false });
  const res = await call(s.url, 'GET', '/docs/');
  expect(res.status).toBe(200);
  html = res.text;
  config = inlineConfiguration(html);
  const script = await call(s.url, 'GET', '/docs/js/scalar.js');
  expect(script.status).toBe(200);
  bundle = script.text;
}, 60_000);
afterAll(() => s?.close());

describe('GET /docs', () => {
  it('redirects /docs to /docs/, so the page’s relative script path resolves under /docs/', async () => {
    const res = await fetch(`${s.url}/docs`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/');
  });

  it('is an HTML page naming chakra-server and reading the served /openapi.json, without a key', async () => {
    const res = await call(s.url, 'GET', '/docs/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/<title>chakra-server[^<]*<\/title>/);
    expect(config.title).toBe('chakra-server');
    expect(config.metaData.description).toMatch(/self-hostable ChakraHQ-compatible API server/);
    expect(config.url).toBe('/openapi.json');
    const doc = await call(s.url, 'GET', new URL(config.url, `${s.url}/docs/`).pathname);
    expect(doc.status).toBe(200);
    expect(doc.json.info.title).toBe('chakra-server');
    expect(doc.json.servers).toEqual([expect.objectContaining({ url: PUBLIC_BASE_URL })]);
  });

  it('pre-selects the API key (bearer) scheme of the document', async () => {
    const doc = (await call(s.url, 'GET', '/openapi.json')).json;
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'adminToken']));
    expect(config.authentication).toEqual({ preferredSecurityScheme: 'bearer' });
  });

  it('serves every script and stylesheet it loads itself', async () => {
    const resources = loadedResources(html);
    expect(resources).toContain('js/scalar.js');
    for (const ref of resources) {
      const url = new URL(ref, `${s.url}/docs/`);
      expect(url.origin, ref).toBe(s.url);
      const res = await fetch(url);
      expect(res.status, ref).toBe(200);
      if (ref.endsWith('.js')) expect(res.headers.get('content-type'), ref).toMatch(/javascript/);
    }
  });

  it('names no other origin anywhere in the page: no CDN script, no font, no proxy', () => {
    expect(html.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? []).toEqual([]);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('switches off everything the bundle would fetch from Scalar’s services', () => {
    // Each of these gates a run-time request to an outside origin in the bundle (see the next test).
    expect(config.withDefaultFonts).toBe(false); // @font-face from fonts.scalar.com
    expect(config.proxyUrl).toBe(''); // "Test request" through proxy.scalar.com
    expect(config.showDeveloperTools).toBe('never'); // uploads to Scalar's registry, the cal.com embed script
    expect(config.agent).toEqual({ disabled: true }); // "Ask AI" against api.scalar.com
    expect(config.mcp).toEqual({ disabled: true });
    expect(config.telemetry).toBe(false);
    expect(config.hideClientButton).toBe(true); // "Open in client.scalar.com" would hand it this document's URL
    expect(config.externalUrls).toBeUndefined();
  });

  it('has no run-time load of an outside origin in its bundle beyond those the configuration switches off', () => {
    // Where a browser loads a URL from script: CSS url(), @import, import(), fetch(), and src on created elements.
    const cssOrigins = new Set([...bundle.matchAll(/url\(\s*["']?(https?:\/\/[^/)"'\s]+)/g)].map((m) => m[1]));
    expect([...cssOrigins]).toEqual(['https://fonts.scalar.com']);
    // The @font-face rules naming it are the default fonts block that withDefaultFonts: false leaves out.
    const fontRules = [...bundle.matchAll(/@font-face\s*\{[^}]*\}/g)].map((m) => m[0]);
    const fontUrls = [...bundle.matchAll(/url\(\s*["']?https?:\/\//g)].length;
    expect(fontRules.filter((rule) => rule.includes('https://fonts.scalar.com')).length).toBe(fontUrls);
    expect(bundle).not.toMatch(/@import\s+(?:url\()?["']?https?:/);
    expect(bundle).not.toMatch(/\bimport\(\s*[`"']https?:/);
    expect(bundle).not.toMatch(/\bfetch\(\s*[`"']https?:/);
    // One script element is given a src: cal.com's booking embed, opened from the developer tools only.
    expect(bundle.match(/\.src=[^,;)]+/g)).toHaveLength(1);
    expect(bundle).toMatch(/=`https:\/\/app\.cal\.com\/embed\/embed\.js`/);
  });

  it('answers other methods as every route does: 405 in the envelope, naming GET', async () => {
    const res = await call(s.url, 'POST', '/docs/', { body: {} });
    expect(res.status).toBe(405);
    expect(res.json._meta.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toMatch(/\bGET\b/);
  });

  it('adds no copy of the document and no CORS-open route under /docs', async () => {
    expect((await call(s.url, 'GET', '/docs/openapi.json')).status).toBe(404);
    expect((await call(s.url, 'GET', '/docs/openapi.yaml')).status).toBe(404);
  });
});
