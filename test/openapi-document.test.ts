/** The OpenAPI document as a client generator reads it: names, tags, aliases, version, servers, security (docs/api.md#the-openapi-document). */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const PUBLIC_BASE_URL = 'https://chakra.example.test';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Older paths and the canonical form of each (docs/compatibility.md, "Older paths"). */
const OLDER_PATHS: [older: RegExp, canonical: (path: string) => string][] = [
  [/^\/v1\/procedure\//, (path) => path.replace('/v1/procedure/', '/v1/ext/procedure/')],
  [/^\/v1\/config$/, () => '/v1/ext/config'],
  [/^\/v1\/users$/, () => '/v1/ext/users'],
];

interface Operation {
  method: string;
  path: string;
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  security?: Record<string, string[]>[];
}

let s: TestServer;
let doc: any;
let operations: Operation[];
beforeAll(async () => {
  s = await startTestServer({ PUBLIC_BASE_URL });
  const res = await call(s.url, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.json;
  operations = Object.entries<Record<string, Omit<Operation, 'method' | 'path'>>>(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, ...item[method] })),
  );
}, 60_000);
afterAll(() => s?.close());

const named = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

describe('every operation', () => {
  it('has a unique camelCase operationId', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const op of operations) expect(op.operationId, named(op)).toMatch(/^[a-z][A-Za-z0-9]+$/);
    const seen = new Map<string, string>();
    for (const op of operations) {
      expect(seen.get(op.operationId!), `${named(op)} reuses ${op.operationId}`).toBeUndefined();
      seen.set(op.operationId!, named(op));
    }
  });

  it('keeps the documented names of the main calls', () => {
    const id = (method: string, path: string) => doc.paths[path]?.[method]?.operationId;
    expect(id('post', '/v1/ext/procedure/{ps}/process')).toBe('createProcess');
    expect(id('post', '/v1/ext/procedure/{ps}/process/list')).toBe('listProcesses');
    expect(id('put', '/v1/ext/procedure/{ps}/process/{pkShortId}/{pkValue}')).toBe('updateProcessByPrimaryKey');
    expect(id('post', '/v1/ext/plugin/whatsapp/{pluginId}/upload-public-media')).toBe('uploadPublicMedia');
    expect(id('get', '/v1/ext/background-job/{id}')).toBe('getBackgroundJob');
  });

  it('has a summary and a tag declared at the top level with a description', () => {
    const declared = new Map<string, string>((doc.tags ?? []).map((t: { name: string; description: string }) => [t.name, t.description]));
    for (const [name, description] of declared) expect(description, `tag ${name}`).toMatch(/\S/);
    for (const op of operations) {
      expect(op.summary, named(op)).toMatch(/\S/);
      expect(op.tags?.length, named(op)).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(declared.has(tag), `${named(op)}: tag "${tag}" is not declared`).toBe(true);
    }
  });
});

describe('older paths', () => {
  it('are deprecated, named after the canonical operation, and point at its path', () => {
    const older = operations.filter((op) => OLDER_PATHS.some(([pattern]) => pattern.test(op.path)));
    expect(older.length).toBeGreaterThanOrEqual(11);
    for (const op of older) {
      const canonicalPath = OLDER_PATHS.find(([pattern]) => pattern.test(op.path))![1](op.path);
      const canonical = doc.paths[canonicalPath]?.[op.method];
      expect(canonical, `${named(op)} has no canonical ${canonicalPath}`).toBeDefined();
      expect(canonical.deprecated, canonicalPath).toBeUndefined();
      expect(op.deprecated, named(op)).toBe(true);
      expect(op.operationId, named(op)).toBe(`${canonical.operationId}LegacyPath`);
      expect(op.description, named(op)).toContain(`${op.method.toUpperCase()} ${canonicalPath}`);
    }
  });

  it('are the only deprecated operations', () => {
    for (const op of operations.filter((o) => o.deprecated)) {
      expect(
        OLDER_PATHS.some(([pattern]) => pattern.test(op.path)),
        named(op),
      ).toBe(true);
    }
  });
});

describe('the document', () => {
  it("carries the package's version, name, licence and this server's public URL", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.info.title).toBe(pkg.name);
    expect(doc.info.license).toMatchObject({ name: 'Apache-2.0', identifier: pkg.license });
    expect(doc.servers[0].url).toBe(PUBLIC_BASE_URL);
    expect(doc.servers[0].description).toMatch(/\S/);
  });

  it('describes the API key and the administrator token; admin routes take either, public ones neither', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.bearer.description).toContain('chakra keys create');
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.adminToken.description).toContain('CHAKRA_ADMIN_TOKEN');
    expect(doc.security).toEqual([{ bearer: [] }]);

    const admin = operations.filter((op) => op.path.startsWith('/v1/admin/'));
    expect(admin.map(named).sort()).toEqual([
      'DELETE /v1/admin/teams/{team}/api-keys/{id}',
      'GET /v1/admin/teams/{team}/api-keys',
      'POST /v1/admin/teams/{team}/api-keys',
      'POST /v1/admin/workspace',
    ]);
    for (const op of admin) expect(op.security, named(op)).toEqual([{ bearer: [] }, { adminToken: [] }]);
    // Nothing else takes the administrator token.
    for (const op of operations.filter((o) => !o.path.startsWith('/v1/admin/')))
      expect(JSON.stringify(op.security ?? []), named(op)).not.toContain('adminToken');
    for (const [method, path] of [
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
      ['get', '/v1/photo-files/{photoId}'],
      ['get', '/public-media/{team}/{date}/{name}'],
      ['get', '/v1/webhooks/whatsapp/{pluginId}'],
      ['post', '/v1/webhooks/whatsapp/{pluginId}'],
    ])
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([]);
  });
});
