import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const ADMIN_TOKEN = 'system-admin-token-for-tests';
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ CHAKRA_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => s?.close());

async function createKey(role: string, extra: Record<string, unknown> = {}, team = 'demo', key = s.demoKey) {
  const res = await call(s.url, 'POST', `/v1/admin/teams/${team}/api-keys`, { key, body: { name: `k-${role}`, role, ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.json._data as { id: string; key: string; role: string; expiresAt: number | null };
}

function expectError(res: Awaited<ReturnType<typeof call>>, status: number, code: string, message?: RegExp) {
  expect(res.status, res.text).toBe(status);
  expect(res.json._data).toBeNull();
  expect(res.json._meta.code).toBe(code);
  expect(res.json._errors.length).toBeGreaterThan(0);
  expect(res.json.message).toBe(res.json._errors[0]);
  if (message) expect(res.json._errors[0]).toMatch(message);
}

describe('authentication', () => {
  it('accepts the demo key', async () => {
    const res = await call(s.url, 'GET', '/v1/health', { key: s.demoKey });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ _data: { status: 'ok' }, _meta: {}, _errors: [] });
  });

  it('refuses a missing key', async () => {
    expectError(await call(s.url, 'GET', '/v1/health'), 401, 'API_KEY_MISSING', /^Authorization: /);
  });

  it('refuses a malformed Authorization header', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', s.demoKey]) {
      expectError(await call(s.url, 'GET', '/v1/health', { headers: { authorization: header } }), 401, 'API_KEY_MALFORMED');
    }
  });

  it('refuses an unknown key', async () => {
    expectError(await call(s.url, 'GET', '/v1/health', { key: `chk_${'x'.repeat(43)}` }), 401, 'API_KEY_INVALID');
  });

  it('refuses a revoked key at once on the instance that revoked it', async () => {
    const k = await createKey('inside_sales');
    expect((await call(s.url, 'GET', '/v1/health', { key: k.key })).status).toBe(200);
    const revoked = await call(s.url, 'DELETE', `/v1/admin/teams/demo/api-keys/${k.id}`, { key: s.demoKey });
    expect(revoked.status).toBe(200);
    expect(revoked.json._data.revokedAt).toEqual(expect.any(Number));
    expectError(await call(s.url, 'GET', '/v1/health', { key: k.key }), 401, 'API_KEY_REVOKED');
  });

  it('refuses an expired key', async () => {
    const k = await createKey('inside_sales', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call(s.url, 'GET', '/v1/health', { key: k.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expectError(await call(s.url, 'GET', '/v1/health', { key: k.key }), 401, 'API_KEY_EXPIRED', /expired at 20\d\d-/);
  });

  it('refuses an expiry in the past or unparseable, naming the field', async () => {
    for (const expiresAt of ['2001-01-01T00:00:00Z', 'tomorrow']) {
      const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
        key: s.demoKey,
        body: { name: 'x', role: 'admin', expiresAt },
      });
      expectError(res, 400, 'VALIDATION_FAILED', /^expiresAt: /);
    }
  });
});

describe('authorisation', () => {
  it('refuses a role without the route privilege with 403 naming both', async () => {
    const sales = await createKey('inside_sales');
    expect((await call(s.url, 'GET', '/v1/ext/config', { key: sales.key })).status).toBe(200);
    const res = await call(s.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: sales.key });
    expectError(res, 403, 'PRIVILEGE_MISSING', /role inside_sales lacks the privilege admin/);
  });

  it('a role with only some privileges cannot read config without config:read', async () => {
    const applied = await call(s.url, 'POST', '/v1/admin/workspace', {
      key: s.demoKey,
      body: {
        version: 1,
        teams: [{ shortId: 'demo', name: 'Demo Company', roles: [{ shortId: 'reader', name: 'Reader', privileges: ['process:read'] }] }],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const reader = await createKey('reader');
    expectError(await call(s.url, 'GET', '/v1/ext/config', { key: reader.key }), 403, 'PRIVILEGE_MISSING', /config:read/);
  });

  it('lets a team admin manage its own team only: another team is 404, as if it did not exist', async () => {
    const other = await call(s.url, 'POST', '/v1/admin/workspace', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: {
        version: 1,
        teams: [{ shortId: 'other', name: 'Other', roles: [{ shortId: 'admin', name: 'Admin', privileges: ['admin'] }] }],
      },
    });
    expect(other.status, other.text).toBe(200);
    expectError(await call(s.url, 'GET', '/v1/admin/teams/other/api-keys', { key: s.demoKey }), 404, 'NOT_FOUND', /team other not found/);
    expectError(
      await call(s.url, 'POST', '/v1/admin/teams/other/api-keys', { key: s.demoKey, body: { name: 'x', role: 'admin' } }),
      404,
      'NOT_FOUND',
    );
    // …and cannot reach into it through a workspace apply either.
    const res = await call(s.url, 'POST', '/v1/admin/workspace', {
      key: s.demoKey,
      body: { version: 1, teams: [{ shortId: 'other', name: 'Renamed' }] },
    });
    expectError(res, 403, 'TEAM_FORBIDDEN', /^teams\[0\]/);
  });

  it('lets CHAKRA_ADMIN_TOKEN manage every team, but not call team APIs', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const team of ['demo', 'other']) {
      expect((await call(s.url, 'GET', `/v1/admin/teams/${team}/api-keys`, { headers: auth })).status).toBe(200);
    }
    const created = await call(s.url, 'POST', '/v1/admin/teams/other/api-keys', { headers: auth, body: { name: 'o', role: 'admin' } });
    expect(created.status).toBe(200);
    const otherKey = created.json._data.key;
    const config = await call(s.url, 'GET', '/v1/ext/config', { key: otherKey });
    expect(config.json._data.team.shortId).toBe('other');
    expectError(await call(s.url, 'GET', '/v1/health', { headers: auth }), 401, 'API_KEY_INVALID');
  });

  it('refuses a key for an unknown role, naming the field', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { name: 'x', role: 'nope' } });
    expectError(res, 400, 'VALIDATION_FAILED', /^role: unknown role nope/);
  });
});

describe('API key management', () => {
  it('shows the key once, stores only a hash and lists without secrets', async () => {
    const k = await createKey('inside_sales', { description: 'crm sync' });
    expect(k.key).toMatch(/^chk_[A-Za-z0-9_-]{43}$/);
    const list = await call(s.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: s.demoKey });
    expect(list.status).toBe(200);
    const listed = list.json._data.find((x: any) => x.id === k.id);
    expect(listed).toMatchObject({ name: 'k-inside_sales', role: 'inside_sales', description: 'crm sync', revokedAt: null });
    expect(list.text).not.toContain(k.key);
    const stored = await s.ctx.db.query('select key_hash from api_keys where id = $1', [k.id]);
    expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(k.key);
  });

  it('tracks lastUsedAt without writing on every request', async () => {
    const k = await createKey('inside_sales');
    const before = await s.ctx.db.query('select last_used_at from api_keys where id = $1', [k.id]);
    expect(before[0].last_used_at).toBeNull();
    for (let i = 0; i < 5; i++) await call(s.url, 'GET', '/v1/health', { key: k.key });
    const during = await s.ctx.db.query('select last_used_at from api_keys where id = $1', [k.id]);
    expect(during[0].last_used_at).toBeNull(); // batched, not written per request
    const list = await call(s.url, 'GET', '/v1/admin/teams/demo/api-keys', { key: s.demoKey });
    expect(list.json._data.find((x: any) => x.id === k.id).lastUsedAt).toEqual(expect.any(Number));
  });

  it('revoking an unknown key is a 404 naming it', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expectError(await call(s.url, 'DELETE', `/v1/admin/teams/demo/api-keys/${id}`, { key: s.demoKey }), 404, 'NOT_FOUND', new RegExp(id));
  });

  it('validates the create body, naming the field', async () => {
    const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { role: 'admin' } });
    expectError(res, 400, 'VALIDATION_FAILED', /name/);
  });
});
