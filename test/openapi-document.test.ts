/** The OpenAPI document as a client generator reads it: names, tags, aliases, version, servers, security (docs/api.md#the-openapi-document). */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../src/core/errors.ts';
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
    expect(id('get', '/v1/whatsapp/{ver}/{pnid}/settings')).toBe('getCallingSettings');
    expect(id('post', '/v1/whatsapp/{ver}/{pnid}/settings')).toBe('updateCallingSettings');
    expect(id('get', '/v1/whatsapp/{ver}/{pnid}/call_permissions')).toBe('getCallPermissions');
    expect(id('post', '/v1/whatsapp/{ver}/{pnid}/calls')).toBe('sendCallAction');
  });

  it("has a description that opens with where it comes from: ChakraHQ's API, an extension, or Meta", () => {
    for (const op of operations) expect(op.description, named(op)).toMatch(/^(ChakraHQ|Extension of this server|Meta)/);
    expect(doc.paths['/v1/ext/webhooks'].post.description).toMatch(/^Extension of this server/);
    expect(doc.paths['/v1/ext/procedure/{ps}/process'].post.description).toMatch(/^ChakraHQ documents this call/);
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

  it('describes the API key, the console session and the administrator token; admin routes take any, public ones none', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.bearer.description).toContain('chakra keys create');
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.adminToken.description).toContain('CHAKRA_ADMIN_TOKEN');
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'chakra_session' });
    expect(schemes.sessionCookie.description).toContain('X-CSRF-Token');
    expect(doc.security).toEqual([{ bearer: [] }, { sessionCookie: [] }]);

    const admin = operations.filter((op) => op.path.startsWith('/v1/admin/'));
    expect(admin.map(named).sort()).toEqual([
      'DELETE /v1/admin/teams/{team}/api-keys/{id}',
      'GET /v1/admin/teams/{team}/api-keys',
      'POST /v1/admin/teams/{team}/api-keys',
      'POST /v1/admin/workspace',
    ]);
    for (const op of admin) expect(op.security, named(op)).toEqual([{ bearer: [] }, { sessionCookie: [] }, { adminToken: [] }]);
    // Nothing else takes the administrator token.
    for (const op of operations.filter((o) => !o.path.startsWith('/v1/admin/')))
      expect(JSON.stringify(op.security ?? []), named(op)).not.toContain('adminToken');
    // Open unless the operator set METRICS_TOKEN: the document says both, whatever this server's setting.
    expect(doc.paths['/metrics'].get.security).toEqual([{}, { metricsToken: [] }]);
    expect(schemes.metricsToken.description).toContain('METRICS_TOKEN');
    for (const [method, path] of [
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/v1/photo-files/{photoId}'],
      ['get', '/public-media/{team}/{date}/{name}'],
      ['get', '/v1/webhooks/whatsapp/{pluginId}'],
      ['post', '/v1/webhooks/whatsapp/{pluginId}'],
      ['post', '/v1/ext/auth/sign-in'],
      ['post', '/v1/ext/auth/setup'],
    ])
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([]);
  });
});

/** Every schema object in the document, with where it is. */
function* schemasIn(node: unknown, at = '#'): Generator<[string, Record<string, any>]> {
  if (Array.isArray(node)) for (const [i, item] of node.entries()) yield* schemasIn(item, `${at}/${i}`);
  else if (node && typeof node === 'object') {
    const object = node as Record<string, any>;
    // A free-form object (`properties: {}`) has no shape to name.
    if (object.type === 'object' && Object.keys(object.properties ?? {}).length > 0) yield [at, object];
    for (const [key, value] of Object.entries(object)) if (key !== 'example' && key !== 'examples') yield* schemasIn(value, `${at}/${key}`);
  }
}

describe('shapes', () => {
  it('the main resources are named component schemas, referenced where used', () => {
    const names = Object.keys(doc.components.schemas);
    for (const name of [
      'Process',
      'Task',
      'User',
      'BackgroundJob',
      'ChatMessage',
      'Chat',
      'WebhookSubscription',
      'Photo',
      'Error',
      'TeamConfig',
    ])
      expect(names, name).toContain(name);
    const created = doc.paths['/v1/ext/procedure/{ps}/process'].post;
    expect(created.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProcessCreate' });
    expect(created.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ProcessEnvelope' });
    expect(doc.components.schemas.ProcessEnvelope.properties._data).toEqual({ $ref: '#/components/schemas/Process' });
  });

  it('no object shape is written out twice: a second use is a $ref', () => {
    const seen = new Map<string, string>();
    for (const [at, schema] of schemasIn({ paths: doc.paths, components: doc.components })) {
      const key = JSON.stringify(schema);
      expect(seen.get(key), `${at} repeats the shape at ${seen.get(key)}`).toBeUndefined();
      seen.set(key, at);
    }
    expect(seen.size).toBeGreaterThan(40);
  });
});

describe('responses', () => {
  const responsesOf = (op: Operation) => Object.entries<any>((op as any).responses);
  const resolved = (response: any) => (response.$ref ? doc.components.responses[response.$ref.split('/').pop()] : response);

  it('each says what it is: no "Default Response"', () => {
    for (const op of operations)
      for (const [status, response] of responsesOf(op))
        expect(resolved(response).description, `${named(op)} ${status}`).not.toBe('Default Response');
  });

  it('errors are the shared Error envelope, its _meta.code one of the catalogue, each status listing its codes', () => {
    expect(doc.components.schemas.Error.properties._meta.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const op of operations) {
      const errors = responsesOf(op).filter(([status]) => Number(status) >= 400);
      // The probes are the two operations that cannot refuse (redocly.yaml's ignore file says why).
      if (!['/healthz', '/readyz'].includes(op.path)) expect(errors.length, named(op)).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        // The readiness probe's 503 is its own small body, for load balancers.
        if (op.path === '/readyz') continue;
        expect(response.$ref, `${named(op)} ${status}`).toMatch(/^#\/components\/responses\/[A-Za-z]+$/);
        const shared = resolved(response);
        expect(shared.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        for (const [code, entry] of Object.entries(ERROR_CATALOGUE))
          if (entry.status === Number(status)) expect(shared.description, `${status} lists ${code}`).toContain(`\`${code}\``);
      }
    }
  });

  it('idempotent operations take Idempotency-Key and may answer 409; operations with a body may answer 413 and 415', () => {
    const created = doc.paths['/v1/ext/procedure/{ps}/process'].post;
    expect(created.parameters.find((p: any) => p.in === 'header' && p.name === 'idempotency-key')).toBeDefined();
    for (const op of operations) {
      const takesKey = ((op as any).parameters ?? []).some((p: any) => p.in === 'header' && p.name === 'idempotency-key');
      if (takesKey) expect((op as any).responses['409'], named(op)).toBeDefined();
      if ((op as any).requestBody) {
        expect((op as any).responses['413'], named(op)).toBeDefined();
        expect((op as any).responses['415'], named(op)).toBeDefined();
      }
    }
    const list = doc.paths['/v1/ext/procedure/{ps}/process/list'].post;
    expect(list.parameters?.some((p: any) => p.name === 'idempotency-key') ?? false).toBe(false);
  });

  it('uploads describe their multipart parts', () => {
    const component = (schema: { $ref: string }) => doc.components.schemas[schema.$ref.split('/').pop()!];
    const upload = component(doc.paths['/v1/ext/photo'].post.requestBody.content['multipart/form-data'].schema);
    expect(upload.required).toEqual(['photo']);
    expect(upload.properties.photo).toMatchObject({ type: 'string', format: 'binary' });
    const media =
      doc.paths['/v1/ext/plugin/whatsapp/{pluginId}/upload-public-media'].post.requestBody.content['multipart/form-data'].schema;
    expect(component(media).required).toEqual(['file']);
  });
});
