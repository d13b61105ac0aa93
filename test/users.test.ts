import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const JOHN = 'bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c';
let s: TestServer;
let otherKey: string;
beforeAll(async () => {
  s = await startTestServer();
  await applyWorkspaceDocument(
    s.ctx.db,
    {
      version: 1,
      teams: [
        {
          shortId: 'demo',
          name: 'Demo Company',
          users: [
            {
              id: JOHN,
              username: 'john@paisapay.com',
              firstName: 'John',
              lastName: 'Doe',
              email: 'John@PaisaPay.com',
              phone: '919999000001',
              role: 'inside_sales',
            },
          ],
        },
      ],
    },
    { secrets: s.ctx.secrets },
  );
  await applyWorkspaceDocument(
    s.ctx.db,
    {
      version: 1,
      teams: [
        {
          shortId: 'acme',
          name: 'Acme',
          roles: [{ shortId: 'admin', name: 'Admin', privileges: ['admin'] }],
          users: [{ username: 'wile@acme.com', role: 'admin' }],
        },
      ],
    },
    { secrets: s.ctx.secrets },
  );
  const [acme] = await s.ctx.db.query("select id from teams where short_id = 'acme'");
  otherKey = (await createApiKey(s.ctx.db, acme.id, { name: 'acme', role: 'admin' })).key;
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown, key = s.demoKey) => call(s.url, method, path, { key, body });

describe('users', () => {
  it('v1 list: the documented object with uuids and epoch-ms times', async () => {
    const res = await api('GET', '/v1/ext/users');
    expect(res.status, res.text).toBe(200);
    // Ordered by creation, then id: the demo users were created in one transaction.
    expect(res.json._data.map((u: any) => u.username).sort()).toEqual(['alex@paisapay.com', 'john@paisapay.com']);
    const john = res.json._data.find((u: any) => u.id === JOHN);
    const config = (await api('GET', '/v1/ext/config')).json._data;
    expect(john).toMatchObject({
      id: JOHN,
      firstName: 'John',
      lastName: 'Doe',
      displayName: 'John Doe',
      timezone: '+0530',
      isActive: true,
      isDeleted: false,
      deletedAt: null,
      availabilityStatus: 'AVAILABLE',
      team: config.team.id,
      role: config.roles.find((r: any) => r.shortId === 'inside_sales').id,
      primaryEmail: { email: 'John@PaisaPay.com', normalizedEmail: 'john@paisapay.com', type: 'PRIMARY', isVerified: false, user: JOHN },
      primaryPhone: { phone: '919999000001', user: JOHN },
      profile: null,
    });
    expect(typeof john.createdAt).toBe('number');
    expect((await api('GET', '/v1/users')).json._data).toEqual(res.json._data);
    expect((await api('GET', '/v1/ext/users?skip=1&limit=1')).json._data).toEqual([res.json._data[1]]);
  });

  it('v2: ISO times with the offset, team and role shortIds, plain email', async () => {
    const res = await api('GET', `/v2/ext/user/${JOHN}`);
    expect(res.status).toBe(200);
    const u = res.json._data;
    expect(u.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$/);
    expect(Date.parse(u.createdAt)).toBe((await api('GET', `/v1/ext/user/${JOHN}`)).json._data.createdAt);
    expect(u).toMatchObject({ team: 'demo', role: 'inside_sales', primaryEmail: 'John@PaisaPay.com', primaryPhone: '919999000001' });
    expect((await api('GET', '/v2/ext/users')).json._data.map((x: any) => x.team)).toEqual(['demo', 'demo']);
  });

  it('v1 fetch adds emails, phones and reportees', async () => {
    const u = (await api('GET', `/v1/ext/user/${JOHN}`)).json._data;
    expect(u.emails).toEqual([u.primaryEmail]);
    expect(u.phones).toEqual([u.primaryPhone]);
    expect(u.reportees).toEqual([]);
  });

  it('updates partially with PUT or PATCH and validates each field', async () => {
    const put = await api('PUT', `/v1/ext/user/${JOHN}`, { firstName: 'Johnny', availabilityStatus: 'BUSY', dob: '1990-05-01T00:00:00Z' });
    expect(put.status, put.text).toBe(200);
    expect(put.json._data).toMatchObject({
      firstName: 'Johnny',
      lastName: 'Doe',
      availabilityStatus: 'BUSY',
      dob: Date.parse('1990-05-01T00:00:00Z'),
    });
    const patch = await api('PATCH', `/v1/ext/user/${JOHN}`, { data: { desk: 4 }, lastName: null });
    expect(patch.json._data).toMatchObject({ firstName: 'Johnny', lastName: null, data: { desk: 4 } });
    const bad = await api('PUT', `/v1/ext/user/${JOHN}`, { availabilityStatus: 'ASLEEP', timezone: 'IST', username: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json._meta.details.map((d: any) => d.path).sort()).toEqual(['availabilityStatus', 'timezone', 'username']);
  });

  it("another team's users are 404 and never listed", async () => {
    expect((await api('GET', `/v1/ext/user/${JOHN}`, undefined, otherKey)).status).toBe(404);
    expect((await api('PUT', `/v1/ext/user/${JOHN}`, { firstName: 'X' }, otherKey)).status).toBe(404);
    expect((await api('GET', '/v1/ext/users', undefined, otherKey)).json._data.map((u: any) => u.username)).toEqual(['wile@acme.com']);
    const missing = await api('GET', '/v1/ext/user/not-a-uuid');
    expect(missing.json._errors).toEqual(['user not-a-uuid not found']);
  });
});
