/** Processes over HTTP on the demo workspace: create/fetch/update/delete, by id and by primary key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { migrate } from '../src/core/db/migrate.ts';

let s: TestServer;
let otherKey: string;
const JOHN = 'bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c';

beforeAll(async () => {
  s = await startTestServer();
  otherKey = await addTeamWithLeads(s, 'acme');
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown, key = s.demoKey) => call(s.url, method, path, { key, body });
const create = (ps: string, body: unknown) => api('POST', `/v1/ext/procedure/${ps}/process`, body);

describe('create and fetch', () => {
  it("runs ChakraHQ's documented create example verbatim and fetches the process back", async () => {
    const res = await create('lead', {
      data: { firstname: 'Ted', lastname: 'Mosby', score: 5 },
      record: { data: { phone_number: '7701214822', email: 'ted.mosby@yahoo.com' } },
      status: 'COMPLETED',
      state: 'CONVERTED',
      nextActionAt: 1618558867539,
      assignedTo: 'john@paisapay.com',
    });
    expect(res.status, res.text).toBe(200);
    const p = res.json._data;
    expect(p).toMatchObject({
      status: 'COMPLETED',
      state: 'CONVERTED',
      nextActionAt: 1618558867539,
      assignedTo: JOHN,
      createdBy: null,
      belongsTo: null,
      isDeleted: false,
      data: { firstname: 'Ted', lastname: 'Mosby', score: 5 },
      record: { data: { phone_number: '7701214822', email: 'ted.mosby@yahoo.com' } },
    });
    expect(p.createdAt).toBeGreaterThan(Date.now() - 60_000);
    const config = (await api('GET', '/v1/ext/config')).json._data;
    expect(p.procedure).toBe(config.procedures.find((x: any) => x.shortId === 'lead').id);
    expect(p.entity).toBe(config.entities.find((x: any) => x.shortId === 'customer').id);
    expect(p.record.entity).toBe(p.entity);

    const fetched = await api('GET', `/v1/ext/procedure/lead/process/${p.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json._data).toEqual(p);
    const viaAlias = await api('GET', `/v1/procedure/${p.procedure}/process/${p.id}`);
    expect(viaAlias.json._data).toEqual(p);
  });

  it('defaults: default start state, status OPEN, a new empty record of the entity', async () => {
    const res = await create('lead', { data: { firstname: 'Robin' } });
    const p = res.json._data;
    expect(p).toMatchObject({ state: 'NEW', status: 'OPEN', assignedTo: null, nextActionAt: null });
    expect(p.record).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), entity: p.entity, data: {} });
    expect(p.record.createdAt).toBe(p.createdAt);
    // Each process without record data gets its own record, and it is there when fetched again.
    const other = (await create('lead', { data: { firstname: 'Lily' } })).json._data;
    expect(other.record.id).not.toBe(p.record.id);
    expect((await api('GET', `/v1/ext/procedure/lead/process/${p.id}`)).json._data.record).toEqual(p.record);
  });

  it('a state given without a status brings its status', async () => {
    const res = await create('lead', { data: {}, state: 'LOST' });
    expect(res.json._data).toMatchObject({ state: 'LOST', status: 'CANCELLED' });
  });

  it('links the record with the same primary key and merges its data', async () => {
    const a = await create('lead', { data: {}, record: { data: { phone_number: '+91 99110-12345', city: 'Pune' } } });
    const b = await create('ticket', {
      data: { subject: 'Card blocked' },
      record: { data: { phone_number: '919911012345', email: 'x@y.in' } },
    });
    expect(b.status, b.text).toBe(200);
    expect(b.json._data.record.id).toBe(a.json._data.record.id);
    expect(b.json._data.record.data).toEqual({ phone_number: '919911012345', city: 'Pune', email: 'x@y.in' });
    // …and the first process now shows the record's current data.
    const again = await api('GET', `/v1/ext/procedure/lead/process/${a.json._data.id}`);
    expect(again.json._data.record.data.email).toBe('x@y.in');
    const byId = await create('lead', { data: {}, record: { id: a.json._data.record.id } });
    expect(byId.json._data.record.id).toBe(a.json._data.record.id);
    const unknown = await create('lead', { data: {}, record: { id: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json._errors[0]).toMatch(/^record\.id: unknown customer record/);
  });

  it('a null in record.data removes that key from a record named by record.id, and nothing from one found by primary key', async () => {
    const phone = '919911099001';
    const first = (await create('lead', { data: {}, record: { data: { phone_number: phone, city: 'Pune', email: 'a@b.in' } } })).json._data;
    const byPk = await create('lead', { data: {}, record: { data: { phone_number: phone, email: null } } });
    expect(byPk.json._data.record).toMatchObject({ id: first.record.id, data: { phone_number: phone, city: 'Pune', email: 'a@b.in' } });
    const byId = await create('lead', { data: {}, record: { id: first.record.id, data: { city: null, email: 'c@d.in' } } });
    expect(byId.json._data.record.data).toEqual({ phone_number: phone, email: 'c@d.in' });
  });

  it('concurrent creates for one new customer link a single record', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        create('lead', { data: { firstname: `C${i}` }, record: { data: { phone_number: '915550001111', city: `City${i}` } } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.json._data.record.id)).size).toBe(1);
    const rows = await s.ctx.db.query("select count(*)::int as n from records where pk_value = '915550001111'");
    expect(rows[0].n).toBe(1);
  });

  it('accepts the procedure uuid wherever a shortId is', async () => {
    const config = (await api('GET', '/v1/ext/config')).json._data;
    const lead = config.procedures.find((x: any) => x.shortId === 'lead');
    const res = await create(lead.id, { data: { firstname: 'Barney' } });
    expect(res.status).toBe(200);
  });
});

describe('attribute validation', () => {
  const bad = async (ps: string, body: unknown) => {
    const res = await create(ps, body);
    expect(res.status, res.text).toBe(400);
    expect(res.json._meta.code).toBe('VALIDATION_FAILED');
    return res.json._errors as string[];
  };

  it('names each offending field, and writes nothing', async () => {
    const before = (await s.ctx.db.query('select count(*)::int as n from processes'))[0].n;
    const errors = await bad('lead', {
      data: { score: 'lots', colour: 'red', source: 'tv', email: 'nope', interested_in: ['loan', 'boat'], follow_up_on: 'someday' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        'data.score: must be an integer',
        expect.stringMatching(/^data\.colour: is not an attribute \(known: lead_id, firstname, /),
        'data.source: must be one of "web", "referral", "walk_in", "whatsapp"',
        'data.email: must be an email address',
        'data.interested_in: [1] must be one of "loan", "card", "insurance"',
        'data.follow_up_on: must be epoch milliseconds or an ISO-8601 time',
      ]),
    );
    expect((await s.ctx.db.query('select count(*)::int as n from processes'))[0].n).toBe(before);
  });

  it('coerces lossless numeric strings and ISO times, normalises phones', async () => {
    const res = await create('lead', {
      data: { score: '146', budget: '2500.50', follow_up_on: '2026-01-02T00:00:00Z', phone_number: '+91 77012-14822' },
    });
    expect(res.json._data.data).toEqual({
      score: 146,
      budget: 2500.5,
      follow_up_on: Date.parse('2026-01-02T00:00:00Z'),
      phone_number: '917701214822',
    });
    expect(await bad('lead', { data: { score: '1.5' } })).toEqual(['data.score: must be an integer']);
  });

  it('checks external objects against their JSON Schema and geolocations against ranges', async () => {
    const ok = await create('fieldvisit', { data: { location: [18.52, 73.85] } });
    expect(ok.status, ok.text).toBe(200);
    expect(await bad('fieldvisit', { data: { location: [91, 0] } })).toEqual(['data.location: latitude must be a number from -90 to 90']);
    expect(await bad('fieldvisit', { data: { photos: ['not-a-photo'] } })).toEqual(['data.photos: [0] must be a photo id']);
  });

  it('requires required attributes on create', async () => {
    expect(await bad('ticket', { data: { ticket_no: 'T-1' } })).toEqual(['data.subject: is required']);
    expect(await bad('ticket', { data: { subject: null } })).toEqual(['data.subject: is required']);
  });

  it('stores a user attribute given by username or id as the user id', async () => {
    await applyWorkspaceDocument(
      s.ctx.db,
      {
        version: 1,
        teams: [
          {
            shortId: 'demo',
            name: 'Demo Company',
            procedures: [
              {
                shortId: 'handover',
                name: 'Handover',
                attributes: [
                  { shortId: 'owner', name: 'Owner', type: 'user' },
                  { shortId: 'backup', name: 'Backup', type: 'user' },
                ],
                states: [{ shortId: 'OPEN', name: 'Open', status: 'OPEN', default: 'start' }],
              },
            ],
          },
        ],
      },
      { secrets: s.ctx.secrets },
    );
    s.ctx.configCache.invalidate();
    const res = await create('handover', { data: { owner: 'JOHN@paisapay.com', backup: JOHN } });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data.data).toEqual({ owner: JOHN, backup: JOHN });
    expect(await bad('handover', { data: { owner: 'ghost@x' } })).toEqual(['data.owner: unknown user ghost@x']);
  });

  it('refuses unknown users, states and top-level fields', async () => {
    expect(await bad('lead', { data: {}, assignedTo: 'ghost@nowhere' })).toEqual(['assignedTo: unknown user ghost@nowhere']);
    expect(await bad('lead', { data: {}, state: 'WON' })).toEqual([
      'state: unknown state WON (states of lead: NEW, CONTACTED, QUALIFIED, CONVERTED, LOST)',
    ]);
    expect(await bad('lead', { data: {}, colour: 'red' })).toEqual(['colour: is not a known field']);
    expect(await bad('lead', { data: {}, status: 'DONE' })).toEqual([
      expect.stringMatching(/^status: must be one of "OPEN", "COMPLETED", "CANCELLED"$/),
    ]);
  });
});

describe('every process has a record', () => {
  it('a process stored without one (before migration 014) gets an empty record of its entity when migrating', async () => {
    const p = (await create('lead', { data: { firstname: 'Barney' } })).json._data;
    const db = s.ctx.db;
    await db.query('update processes set record_id = null where id = $1', [p.id]);
    await db.query('delete from records where id = $1', [p.record.id]);
    await db.query("delete from chakra_migrations where name = '014_every_process_has_a_record'");
    expect(await migrate(db)).toEqual(['014_every_process_has_a_record']);
    const fetched = (await api('GET', `/v1/ext/procedure/lead/process/${p.id}`)).json._data;
    expect(fetched.record).toMatchObject({ entity: p.entity, data: {}, createdAt: p.createdAt });
    expect(fetched.record.id).not.toBe(p.record.id);
  });
});

describe('update and delete', () => {
  it('updates partially: only given keys change, null clears, a new state brings its status', async () => {
    const p = (await create('lead', { data: { lead_id: 'LEAD-U1', firstname: 'Lily', score: 3, source: 'web' } })).json._data;
    const res = await api('PUT', `/v1/ext/procedure/lead/process/${p.id}`, { data: { score: 9, source: null }, state: 'QUALIFIED' });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data).toMatchObject({ data: { lead_id: 'LEAD-U1', firstname: 'Lily', score: 9 }, state: 'QUALIFIED', status: 'OPEN' });
    expect(res.json._data.data).not.toHaveProperty('source');
    expect(res.json._data.updatedAt).toBeGreaterThanOrEqual(p.updatedAt);
    const won = await api('PUT', `/v1/ext/procedure/lead/process/lead_id/LEAD-U1`, { state: 'CONVERTED' });
    expect(won.json._data).toMatchObject({ state: 'CONVERTED', status: 'COMPLETED' });
    const explicit = await api('PUT', `/v1/ext/procedure/lead/process/lead_id/LEAD-U1`, { state: 'LOST', status: 'OPEN' });
    expect(explicit.json._data).toMatchObject({ state: 'LOST', status: 'OPEN' });
  });

  it('keeps primary keys unique among live processes; delete frees the value', async () => {
    const first = await create('lead', { data: { lead_id: 'LEAD-PK' } });
    expect(first.status).toBe(200);
    const dup = await create('lead', { data: { lead_id: 'LEAD-PK' } });
    expect(dup.status).toBe(409);
    expect(dup.json._meta.code).toBe('CONFLICT');
    expect(dup.json._errors).toEqual(['data.lead_id: LEAD-PK is already used by another lead process']);
    const other = (await create('lead', { data: { lead_id: 'LEAD-PK2' } })).json._data;
    const clash = await api('PUT', `/v1/ext/procedure/lead/process/${other.id}`, { data: { lead_id: 'LEAD-PK' } });
    expect(clash.status).toBe(409);

    const deleted = await api('DELETE', '/v1/ext/procedure/lead/process/lead_id/LEAD-PK');
    expect(deleted.status).toBe(200);
    expect(deleted.json._data).toMatchObject({ id: first.json._data.id, isDeleted: true });
    expect((await api('GET', `/v1/ext/procedure/lead/process/${first.json._data.id}`)).status).toBe(404);
    expect((await create('lead', { data: { lead_id: 'LEAD-PK' } })).status).toBe(200);
  });

  it('deletes by id, and a second delete is 404', async () => {
    const p = (await create('lead', { data: {} })).json._data;
    expect((await api('DELETE', `/v1/ext/procedure/lead/process/${p.id}`)).json._data.isDeleted).toBe(true);
    const again = await api('DELETE', `/v1/ext/procedure/lead/process/${p.id}`);
    expect(again.status).toBe(404);
    expect(again.json._errors).toEqual([`lead process ${p.id} not found`]);
  });

  it('refuses a path key that is not the procedure primary key', async () => {
    const res = await api('PUT', '/v1/ext/procedure/lead/process/firstname/Ted', { data: {} });
    expect(res.status).toBe(400);
    expect(res.json._errors).toEqual(['path.pkShortId: firstname is not the primary key of procedure lead (lead_id)']);
  });
});

describe('tenancy', () => {
  it("another team's key sees 404 for this team's processes and procedures", async () => {
    const p = (await create('lead', { data: { lead_id: 'LEAD-T' } })).json._data;
    for (const [method, path] of [
      ['GET', `/v1/ext/procedure/lead/process/${p.id}`],
      ['PUT', `/v1/ext/procedure/lead/process/${p.id}`],
      ['DELETE', `/v1/ext/procedure/lead/process/lead_id/LEAD-T`],
      ['GET', `/v1/ext/procedure/${p.procedure}/process/${p.id}`],
    ]) {
      const res = await api(method, path, method === 'PUT' ? { data: {} } : undefined, otherKey);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await api('GET', `/v1/ext/procedure/lead/process/${p.id}`)).status).toBe(200);
    // Tasks on another team's process, and lists, are scoped the same way.
    expect((await api('POST', `/v1/ext/p/lead/${p.id}/task/call`, {}, otherKey)).status).toBe(404);
    expect((await api('POST', `/v1/ext/p/lead/LEAD-T/task/call`, {}, otherKey)).status).toBe(404);
    const theirList = await api('POST', '/v1/ext/procedure/lead/process/list', { limit: 100 }, otherKey);
    expect(theirList.status).toBe(200);
    expect(theirList.json._data.some((x: any) => x.id === p.id)).toBe(false);
    expect(theirList.json._data.every((x: any) => x.team !== p.team)).toBe(true);
    // The other team may use the same primary-key value in its own lead procedure.
    const theirs = await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: 'LEAD-T' } }, otherKey);
    expect(theirs.status, theirs.text).toBe(200);
  });

  it('an unknown procedure is 404 naming it', async () => {
    const res = await api('GET', '/v1/ext/procedure/nope/process/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.json._errors).toEqual(['procedure nope not found']);
  });
});
