/** Saved views through real HTTP: own and team views, the same checks as the list call, who may change what. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let sales: string;
let salesTwo: string;
let reader: string;

async function key(role: string, name: string) {
  const res = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', { key: s.demoKey, body: { name, role } });
  expect(res.status, res.text).toBe(200);
  return res.json._data.key as string;
}

beforeAll(async () => {
  s = await startTestServer({}, undefined, { workers: false });
  sales = await key('inside_sales', 'sales one');
  salesTwo = await key('inside_sales', 'sales two');
  // A role that may read processes but not change them.
  await call(s.url, 'POST', '/v1/admin/workspace', {
    key: s.demoKey,
    body: {
      version: 1,
      teams: [{ shortId: 'demo', name: 'Demo', roles: [{ shortId: 'viewer', name: 'Viewer', privileges: ['process:read'] }] }],
    },
  });
  reader = await key('viewer', 'reader');
});
afterAll(() => s?.close());

const views = (k: string) => call(s.url, 'GET', '/v1/ext/procedure/lead/views', { key: k });
const save = (k: string, body: unknown) => call(s.url, 'POST', '/v1/ext/procedure/lead/views', { key: k, body });

describe('saved views', () => {
  it('a view is its owner’s unless shared; the team sees shared ones', async () => {
    const own = await save(sales, { name: 'My new leads', columns: ['firstname', 'state'], where: { state: 'NEW' } });
    expect(own.status, own.text).toBe(200);
    expect(own.json._data).toMatchObject({ procedure: 'lead', shared: false, layout: 'table', name: 'My new leads', sort: null });
    const team = await save(sales, { name: 'Hot', shared: true, layout: 'board', sort: [{ field: 'score', order: 'desc' }] });
    expect(team.status, team.text).toBe(200);

    expect((await views(sales)).json._data.map((v: { name: string }) => v.name)).toEqual(['Hot', 'My new leads']);
    expect((await views(salesTwo)).json._data.map((v: { name: string }) => v.name)).toEqual(['Hot']);
    // Views belong to their procedure.
    expect((await call(s.url, 'GET', '/v1/ext/procedure/ticket/views', { key: sales })).json._data).toEqual([]);
  });

  it('filters, sorts and columns are checked as the list call checks them, naming the field', async () => {
    const badWhere = await save(sales, { name: 'x', where: { nosuch: 1 } });
    expect(badWhere.status).toBe(400);
    expect(badWhere.json._errors[0]).toMatch(/^where\.nosuch: /);
    const badSort = await save(sales, { name: 'x', sort: [{ field: 'notes_nope' }] });
    expect(badSort.status).toBe(400);
    expect(badSort.json._errors[0]).toMatch(/^sort/);
    const badColumn = await save(sales, { name: 'x', columns: ['firstname', 'nope'] });
    expect(badColumn.status).toBe(400);
    expect(badColumn.json._errors[0]).toBe('columns[1]: nope is neither an attribute of lead nor a process field');
    const dup = await save(sales, { name: 'my NEW leads' });
    expect(dup.status).toBe(409);
    expect(dup.json._errors[0]).toBe('name: a view named "my NEW leads" exists already');
    // The same name under another owner is fine.
    expect((await save(salesTwo, { name: 'My new leads' })).status).toBe(200);
    // Renaming onto another of the owner's views is the same 409.
    const other = (await save(sales, { name: 'Another' })).json._data;
    const path = `/v1/ext/procedure/lead/view/${other.id}`;
    const clash = await call(s.url, 'PATCH', path, { key: sales, body: { name: 'my new LEADS' } });
    expect(clash.status).toBe(409);
    expect(clash.json._errors[0]).toBe('name: a view named "my new LEADS" exists already');
    expect((await call(s.url, 'DELETE', path, { key: sales })).status).toBe(200);
  });

  it('only the owner changes their view; team views need process:write', async () => {
    const [hot, mine] = (await views(sales)).json._data;
    const patched = await call(s.url, 'PATCH', `/v1/ext/procedure/lead/view/${mine.id}`, {
      key: sales,
      body: { columns: ['firstname'], where: null },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json._data).toMatchObject({ name: 'My new leads', columns: ['firstname'], where: null });
    expect((await call(s.url, 'PATCH', `/v1/ext/procedure/lead/view/${mine.id}`, { key: salesTwo, body: { name: 'taken' } })).status).toBe(
      404,
    );
    expect((await call(s.url, 'DELETE', `/v1/ext/procedure/lead/view/${mine.id}`, { key: salesTwo })).status).toBe(404);

    const byReader = await call(s.url, 'PATCH', `/v1/ext/procedure/lead/view/${hot.id}`, { key: reader, body: { name: 'Mine now' } });
    expect(byReader.status).toBe(403);
    expect(byReader.json._errors[0]).toBe('role viewer lacks the privilege process:write');
    expect((await save(reader, { name: 'Shared by a reader', shared: true })).status).toBe(403);
    expect((await save(reader, { name: 'A reader’s own' })).status).toBe(200);

    const renamed = await call(s.url, 'PATCH', `/v1/ext/procedure/lead/view/${hot.id}`, { key: salesTwo, body: { name: 'Hottest' } });
    expect(renamed.json._data.name).toBe('Hottest');
    const gone = await call(s.url, 'DELETE', `/v1/ext/procedure/lead/view/${hot.id}`, { key: salesTwo });
    expect(gone.status).toBe(200);
    expect((await views(sales)).json._data.map((v: { name: string }) => v.name)).toEqual(['My new leads']);
  });
});
