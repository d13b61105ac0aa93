/** Bulk create / bulk update as background jobs, over HTTP on the demo workspace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { insertJob } from '../src/features/jobs/repo.ts';
import { BULK_DEAD_LETTER } from '../src/features/jobs/bulk-worker.ts';
import { waitForJob } from './helpers/jobs.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

let s: TestServer;
let otherKey: string;
let salesKey: string;
let receiver: Receiver;

// Small chunks so that a few dozen items already span several transactions.
beforeAll(async () => {
  s = await startTestServer({ BULK_CHUNK_SIZE: '7', BULK_MAX_ITEMS: '3000' });
  otherKey = await addTeamWithLeads(s, 'acme');
  const [demo] = await s.ctx.db.query("select id from teams where short_id = 'demo'");
  salesKey = (await createApiKey(s.ctx.db, demo.id, { name: 'sales', role: 'inside_sales' })).key;
  receiver = await startReceiver();
  await call(s.url, 'POST', '/v1/ext/webhooks', { key: s.demoKey, body: { url: receiver.url, events: ['background_job.completed'] } });
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});
/** The background_job.completed event delivered for a job. */
const completionEvent = async (jobId: string) => {
  for (let i = 0; i < 200; i++) {
    const event = receiver.received.map((r) => r.json).find((b) => b.data.id === jobId);
    if (event) return event;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no background_job.completed delivered for ${jobId}`);
};

const api = (method: string, path: string, body?: unknown, key = s.demoKey, headers?: Record<string, string>) =>
  call(s.url, method, path, { key, body, headers });
const bulkCreate = (body: unknown, headers?: Record<string, string>) =>
  api('POST', '/v1/ext/procedure/lead/process/bulk-create', body, s.demoKey, headers);
const bulkUpdate = (body: unknown, key = s.demoKey) => api('PATCH', '/v1/ext/procedure/lead/process', body, key);
const entries = async (jobId: string, query = '') => (await api('GET', `/v1/ext/background-job/${jobId}/entries${query}`)).json;
const jobCount = async () => (await s.ctx.db.query<{ n: number }>('select count(*)::int as n from background_jobs'))[0].n;
const lead = async (leadId: string) =>
  (await api('POST', '/v1/ext/procedure/lead/process/list', { where: { lead_id: leadId } })).json._data[0];
const fetchByPk = (leadId: string) => api('PUT', `/v1/ext/procedure/lead/process/lead_id/${leadId}`, {});

let seq = 0;
/** Primary-key values unique to this run of this file. */
const newIds = (n: number) => Array.from({ length: n }, () => `B-${++seq}`);

describe('bulk create', () => {
  it('answers at once with the job, then creates every valid item and links records; invalid items carry the endpoint’s own message', async () => {
    const ids = newIds(40);
    const items: any[] = ids.map((id, i) => ({
      data: { lead_id: id, firstname: `Bulk ${i}`, score: i },
      record: { data: { phone_number: `91990000${String(i).padStart(4, '0')}`, city: 'Pune' } },
      state: i % 2 ? 'CONTACTED' : undefined,
      assignedTo: i === 3 ? 'john@paisapay.com' : undefined,
    }));
    items[5] = { data: { lead_id: 'X-5', score: 'many' } };
    items[9] = { data: { lead_id: 'X-9', nope: 1 } };
    items[11] = { data: { lead_id: 'X-11' }, state: 'WHATEVER' };
    items[12] = { data: { lead_id: 'X-12' }, colour: 'red' };
    const res = await bulkCreate(items);
    expect(res.status, res.text).toBe(200);
    const job = res.json._data;
    expect(job).toMatchObject({ type: 'bulk_api_job', operation: 'create', completionStatus: 'IN_PROGRESS', total: 40, completedAt: 0 });
    expect(job.startedAt).toBeGreaterThan(0);
    expect(res.json._meta.bjEntryCompletionStatusVsCount).toEqual({ INVALID: 0, NOT_STARTED: 40, SUCCESS: 0, ERROR: 0 });

    const done = await waitForJob(s.url, s.demoKey, job.id);
    expect(done._data.completionStatus).toBe('COMPLETED');
    expect(done._data.completedAt).toBeGreaterThanOrEqual(done._data.startedAt);
    expect(done._meta.bjEntryCompletionStatusVsCount).toEqual({ INVALID: 4, NOT_STARTED: 0, SUCCESS: 36, ERROR: 0 });

    // The same items sent to the single endpoint fail with the same words.
    const page = await entries(job.id, '?completionStatus=INVALID');
    expect(page._data.map((e: any) => e.index)).toEqual([5, 9, 11, 12]);
    for (const e of page._data) {
      const single = await api('POST', '/v1/ext/procedure/lead/process', items[e.index]);
      expect(single.status).toBe(400);
      expect(e.statusMessage).toBe(single.json._errors.join('; '));
      expect(e.input).toEqual(items[e.index]);
      expect(e.result).toEqual({ processId: null });
    }

    const first = await lead(ids[1]);
    expect(first).toMatchObject({ state: 'CONTACTED', data: { firstname: 'Bulk 1', score: 1 } });
    expect(first.record.data).toEqual({ phone_number: '919900000001', city: 'Pune' });
    expect((await lead(ids[3])).assignedTo).toBe('bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c');
    const success = await entries(job.id, '?completionStatus=SUCCESS&limit=1000');
    expect(success._data).toHaveLength(36);
    const e1 = success._data.find((e: any) => e.index === 1);
    expect(e1.result.processId).toBe(first.id);
  });

  it('links one record per customer phone across the whole job, merging data in item order', async () => {
    const ids = newIds(20);
    const phone = '919811112222';
    const items = ids.map((id, i) => ({ data: { lead_id: id }, record: { data: { phone_number: phone, city: `City ${i}` } } }));
    const res = await bulkCreate({ processes: items });
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount.SUCCESS).toBe(20);
    const records = new Set<string>();
    for (const id of [ids[0], ids[19]]) records.add((await lead(id)).record.id);
    expect(records.size).toBe(1);
    expect((await lead(ids[0])).record.data.city).toBe('City 19');
  });

  it('gives each item without record data a new empty record, as the single create does', async () => {
    const ids = newIds(3);
    const res = await bulkCreate(ids.map((id) => ({ data: { lead_id: id } })));
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    const records = await Promise.all(ids.map(async (id) => (await lead(id)).record));
    for (const r of records) expect(r).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), data: {} });
    expect(new Set(records.map((r) => r.id)).size).toBe(3);
  });

  it('links records given by id and reports unknown record ids as invalid', async () => {
    const seed = await api('POST', '/v1/ext/procedure/lead/process', {
      data: { lead_id: newIds(1)[0] },
      record: { data: { city: 'Goa' } },
    });
    const recordId = seed.json._data.record.id;
    const [a, b] = newIds(2);
    const res = await bulkCreate([
      { data: { lead_id: a }, record: { id: recordId, data: { email: 'x@example.com' } } },
      { data: { lead_id: b }, record: { id: '3b1d3a8e-0000-4000-8000-000000000000' } },
    ]);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toMatchObject({ SUCCESS: 1, INVALID: 1 });
    expect((await lead(a)).record).toMatchObject({ id: recordId, data: { city: 'Goa', email: 'x@example.com' } });
    const err = (await entries(res.json._data.id, '?completionStatus=INVALID'))._data[0];
    expect(err.statusMessage).toBe('record.id: unknown customer record 3b1d3a8e-0000-4000-8000-000000000000');
    expect((await fetchByPk(b)).status).toBe(404);
  });

  it('keeps the first of duplicated primary keys (within a chunk, across chunks, and against existing processes)', async () => {
    const [taken] = newIds(1);
    await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: taken } });
    const [a, b] = newIds(2);
    const items = [
      { data: { lead_id: a, firstname: 'first' } },
      { data: { lead_id: a, firstname: 'same chunk' } },
      ...newIds(10).map((id) => ({ data: { lead_id: id } })),
      { data: { lead_id: a, firstname: 'later chunk' } },
      { data: { lead_id: taken } },
      { data: { lead_id: b } },
    ];
    const res = await bulkCreate(items);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toEqual({ INVALID: 0, NOT_STARTED: 0, SUCCESS: 12, ERROR: 3 });
    const errors = (await entries(res.json._data.id, '?completionStatus=ERROR'))._data;
    expect(errors.map((e: any) => [e.index, e.statusMessage])).toEqual([
      [1, `data.lead_id: ${a} duplicates entry 0 of this job`],
      [12, `data.lead_id: ${a} duplicates entry 0 of this job`],
      [13, `data.lead_id: ${taken} is already used by another lead process`],
    ]);
    expect((await lead(a)).data.firstname).toBe('first');
  });

  it('completes a job whose items are all invalid, and delivers background_job.completed to the subscription', async () => {
    const res = await bulkCreate([{ data: { score: 'x' } }, { state: 'NOPE' }]);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._data).toMatchObject({ completionStatus: 'COMPLETED', total: 2 });
    expect(done._data.completedAt).toBeGreaterThan(0);
    const event = await completionEvent(res.json._data.id);
    expect(event).toMatchObject({
      event: 'background_job.completed',
      data: { id: res.json._data.id, completionStatus: 'COMPLETED', total: 2 },
      meta: { bjEntryCompletionStatusVsCount: { INVALID: 2 } },
    });
  });

  it('answers the older path form and the {"processes": [...]} body alike', async () => {
    const [a] = newIds(1);
    const res = await api('POST', '/v1/procedure/lead/process/bulk-create', { processes: [{ data: { lead_id: a } }] });
    expect(res.status).toBe(200);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect((await lead(a)).data.lead_id).toBe(a);
  });
});

describe('bad bulk input is refused whole, and no job is created', () => {
  const cases: [string, unknown, number, string][] = [
    ['a non-array body', { lead_id: 'x' }, 400, 'lead_id: is not a known field (send an array of processes, or {"processes": [...]})'],
    ['processes that is not an array', { processes: 'many' }, 400, 'processes: must be an array of processes, or {"processes": [...]}'],
    ['an empty array', [], 400, 'body: must hold at least one process'],
    ['an item that is not an object', [{ data: {} }, 'lead'], 400, 'body[1]: must be an object'],
    [
      'more items than the limit',
      Array.from({ length: 3001 }, () => ({})),
      400,
      'body: holds 3001 items, more than the limit of 3000 per request; split it into several jobs',
    ],
  ];
  it.each(cases)('%s', async (_name, body, status, message) => {
    const before = await jobCount();
    const res = await bulkCreate(body);
    expect(res.status, res.text).toBe(status);
    expect(res.json._errors[0]).toBe(message);
    expect(await jobCount()).toBe(before);
  });

  it('a body over the bulk limit (33 MiB) is a 413', async () => {
    const before = await jobCount();
    const big = JSON.stringify([{ data: { firstname: 'x'.repeat(33 * 1024 * 1024) } }]);
    const res = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/bulk-create', {
      key: s.demoKey,
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.json._errors[0]).toMatch(/^body: larger than the limit of 33554432 bytes/);
    expect(await jobCount()).toBe(before);
  });

  it('a body that is not JSON is a 400; an unknown procedure is a 404', async () => {
    const res = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/bulk-create', {
      key: s.demoKey,
      raw: '[{"data": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await api('POST', '/v1/ext/procedure/nope/process/bulk-create', [{}])).status).toBe(404);
  });
});

describe('bulk update', () => {
  it('updates by id and by primary key, flat or under update, in array order for the same process', async () => {
    const [a, b, c] = newIds(3);
    for (const id of [a, b, c]) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: id, firstname: 'orig', score: 1 } });
    const bId = (await lead(b)).id;
    const res = await bulkUpdate({
      processes: [
        { lead_id: a, update: { state: 'QUALIFIED', data: { score: 7 } } },
        { id: bId, status: 'COMPLETED', data: { lastname: 'Flat' } },
        { lead_id: a, update: { data: { score: 8, firstname: null } } },
        { lead_id: c, update: { state: 'LOST', nextActionAt: 1700000000000, assignedTo: 'john@paisapay.com' } },
        { lead_id: a, update: { data: { score: 9 } } },
        { lead_id: 'NO-SUCH', update: { data: { score: 1 } } },
        { id: 'not-a-uuid', data: {} },
        { lead_id: c, update: { data: { score: 'x' } } },
        { update: { data: { score: 1 } } },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data.operation).toBe('update');
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toEqual({ INVALID: 2, NOT_STARTED: 0, SUCCESS: 5, ERROR: 2 });
    expect(await lead(a)).toMatchObject({ state: 'QUALIFIED', status: 'OPEN', data: { lead_id: a, score: 9 } });
    expect((await lead(a)).data.firstname).toBeUndefined();
    expect(await lead(b)).toMatchObject({ status: 'COMPLETED', data: { firstname: 'orig', lastname: 'Flat' } });
    expect(await lead(c)).toMatchObject({ state: 'LOST', status: 'CANCELLED', nextActionAt: 1700000000000 });
    const list = (await entries(res.json._data.id))._data;
    expect(list.map((e: any) => [e.completionStatus, e.statusMessage])).toEqual([
      ['SUCCESS', null],
      ['SUCCESS', null],
      ['SUCCESS', null],
      ['SUCCESS', null],
      ['SUCCESS', null],
      ['ERROR', 'lead process lead_id=NO-SUCH not found'],
      ['ERROR', 'lead process not-a-uuid not found'],
      ['INVALID', 'data.score: must be an integer'],
      ['INVALID', 'id: is required (or the primary key lead_id)'],
    ]);
  });

  it('soft-deletes with isDeleted, freeing the primary key; later items for that process find nothing', async () => {
    const [a] = newIds(1);
    await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: a } });
    const res = await bulkUpdate([
      { lead_id: a, update: { isDeleted: true } },
      { lead_id: a, update: { data: { score: 1 } } },
    ]);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toMatchObject({ SUCCESS: 1, ERROR: 1 });
    expect((await fetchByPk(a)).status).toBe(404);
    expect((await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: a } })).status).toBe(200);
  });

  it('refuses isDeleted from a role without process:delete (403, no job)', async () => {
    const before = await jobCount();
    const res = await bulkUpdate([{ lead_id: 'x', isDeleted: true }], salesKey);
    expect(res.status).toBe(403);
    expect(res.json._errors[0]).toBe('role inside_sales lacks the privilege process:delete');
    expect(await jobCount()).toBe(before);
  });

  it('a primary-key change to a value in use is an error; the rest of the chunk proceeds', async () => {
    const [a, b] = newIds(2);
    for (const id of [a, b]) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: id } });
    const res = await bulkUpdate([
      { lead_id: a, update: { data: { lead_id: b } } },
      { lead_id: b, update: { data: { score: 3 } } },
    ]);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    const list = (await entries(res.json._data.id))._data;
    expect(list[0].statusMessage).toBe(`data.lead_id: ${b} is already used by another lead process`);
    expect(list[1].completionStatus).toBe('SUCCESS');
  });

  it('racing single updates of other attributes loses nothing', async () => {
    const ids = newIds(60);
    const created = await bulkCreate(ids.map((id) => ({ data: { lead_id: id, score: 0 } })));
    await waitForJob(s.url, s.demoKey, created.json._data.id);
    const update = await bulkUpdate(ids.map((id, i) => ({ lead_id: id, update: { data: { score: i } } })));
    // While the job runs, each process gets its lastname through the single endpoint.
    const singles = await Promise.all(
      ids.map((id) => api('PUT', `/v1/ext/procedure/lead/process/lead_id/${id}`, { data: { lastname: `L${id}` } })),
    );
    expect(singles.every((r) => r.status === 200)).toBe(true);
    await waitForJob(s.url, s.demoKey, update.json._data.id);
    for (const [i, id] of ids.entries()) {
      const p = await lead(id);
      expect(p.data).toMatchObject({ score: i, lastname: `L${id}` });
    }
  });
});

describe('the job API', () => {
  it('pages entries with skip, limit and _meta.next', async () => {
    const res = await bulkCreate(newIds(25).map((id) => ({ data: { lead_id: id } })));
    const id = res.json._data.id;
    await waitForJob(s.url, s.demoKey, id);
    const p1 = await entries(id, '?limit=10');
    expect(p1._meta).toEqual({ total: 25, next: `/v1/ext/background-job/${id}/entries?skip=10&limit=10` });
    const p3 = (await api('GET', `/v1/ext/background-job/${id}/entries?skip=20&limit=10`)).json;
    expect(p3._data.map((e: any) => e.index)).toEqual([20, 21, 22, 23, 24]);
    expect(p3._meta.next).toBeNull();
    expect((await entries(id))._data).toHaveLength(25);
    const bad = await api('GET', `/v1/ext/background-job/${id}/entries?limit=1001`);
    expect(bad.status).toBe(400);
    expect(bad.json._errors[0]).toBe('query.limit: must be <= 1000');
    const badStatus = await api('GET', `/v1/ext/background-job/${id}/entries?completionStatus=DONE`);
    expect(badStatus.json._errors[0]).toMatch(/^query.completionStatus: must be one of "INVALID"/);
  });

  it("hides another team's jobs (404) and unknown ids (404)", async () => {
    const res = await bulkCreate([{ data: { lead_id: newIds(1)[0] } }]);
    const other = await api('GET', `/v1/ext/background-job/${res.json._data.id}`, undefined, otherKey);
    expect(other.status).toBe(404);
    expect((await api('GET', `/v1/ext/background-job/${res.json._data.id}/entries`, undefined, otherKey)).status).toBe(404);
    expect((await api('POST', `/v1/ext/background-job/${res.json._data.id}/cancel`, undefined, otherKey)).status).toBe(404);
    expect((await api('GET', '/v1/ext/background-job/nope')).json._errors[0]).toBe('background job nope not found');
  });

  it('a retried submit with the same Idempotency-Key returns the same job, even when the replay record is gone', async () => {
    const body = newIds(3).map((id) => ({ data: { lead_id: id } }));
    const headers = { 'idempotency-key': `bulk-${seq}` };
    const first = await bulkCreate(body, headers);
    const second = await bulkCreate(body, headers);
    expect(second.json._data.id).toBe(first.json._data.id);
    await s.ctx.db.run('delete from idempotency_keys');
    const third = await bulkCreate(body, headers);
    expect(third.status).toBe(200);
    expect(third.json._data.id).toBe(first.json._data.id);
    await waitForJob(s.url, s.demoKey, first.json._data.id);
    const rows = await s.ctx.db.query('select count(*)::int as n from background_jobs where id = $1', [first.json._data.id]);
    expect(rows[0].n).toBe(1);
  });

  it('shows progress while running; cancel stops the job after the current chunk and leaves the rest NOT_STARTED', async () => {
    const res = await bulkCreate(newIds(3000).map((id) => ({ data: { lead_id: id } })));
    const id = res.json._data.id;
    for (;;) {
      const progress = (await api('GET', `/v1/ext/background-job/${id}`)).json._meta.bjEntryCompletionStatusVsCount;
      if (progress.SUCCESS > 0) break;
    }
    const cancel = await api('POST', `/v1/ext/background-job/${id}/cancel`);
    expect(cancel.status, cancel.text).toBe(200);
    expect(cancel.json._data).toMatchObject({ completionStatus: 'CANCELLED', statusMessage: 'cancelled on request' });
    const counts = cancel.json._meta.bjEntryCompletionStatusVsCount;
    expect(counts.NOT_STARTED).toBeGreaterThan(0);
    expect(counts.SUCCESS).toBeGreaterThan(0);
    expect(counts.SUCCESS + counts.NOT_STARTED).toBe(3000);
    // Nothing moves after the cancel, and the counters match the entries.
    await new Promise((r) => setTimeout(r, 500));
    const after = (await api('GET', `/v1/ext/background-job/${id}`)).json;
    expect(after._meta.bjEntryCompletionStatusVsCount).toEqual(counts);
    const notStarted = await entries(id, '?completionStatus=NOT_STARTED&limit=1000');
    expect(notStarted._meta.total).toBe(counts.NOT_STARTED);
    expect(notStarted._data).toHaveLength(Math.min(1000, counts.NOT_STARTED));
    expect(notStarted._data.every((e: any) => e.completionStatus === 'NOT_STARTED' && e.result.processId === null)).toBe(true);
    expect((await api('POST', `/v1/ext/background-job/${id}/cancel`)).status).toBe(200);

    const finished = await bulkCreate([{ data: { score: 'x' } }]);
    await waitForJob(s.url, s.demoKey, finished.json._data.id);
    const late = await api('POST', `/v1/ext/background-job/${finished.json._data.id}/cancel`);
    expect(late.status).toBe(409);
    expect(late.json._errors[0]).toBe(`id: background job ${finished.json._data.id} has already ended (COMPLETED)`);
  });

  it('a job whose worker attempts are used up ends FAILED, with the reason and a completion event', async () => {
    const [demo] = await s.ctx.db.query(
      "select t.id as team, p.id as procedure from teams t join procedures p on p.team_id = t.id where t.short_id = 'demo' and p.short_id = 'lead'",
    );
    const jobId = crypto.randomUUID();
    // What pg-boss does once a job's slices have failed 11 times: hand the message to the dead-letter queue.
    await s.ctx.db.tx(async (tx) => {
      await insertJob(tx, {
        id: jobId,
        teamId: demo.team,
        procedureId: demo.procedure,
        operation: 'create',
        total: 1,
        submittedBy: 'test',
        submitKey: null,
      });
      await s.ctx.queue.send(tx, BULK_DEAD_LETTER, { jobId, teamId: demo.team });
    });
    s.ctx.queue.wake(BULK_DEAD_LETTER);
    const done = await waitForJob(s.url, s.demoKey, jobId);
    expect(done._data).toMatchObject({
      completionStatus: 'FAILED',
      statusMessage: 'the job could not be run: its worker failed 11 times (see the server log)',
    });
    expect(done._data.completedAt).toBeGreaterThan(0);
    expect((await completionEvent(jobId)).data.completionStatus).toBe('FAILED');
  });
});

describe('what one item cannot do to the rest', () => {
  it('a NUL character anywhere in the body is a 400 naming it, for bulk and single requests alike', async () => {
    const before = await jobCount();
    const raw = JSON.stringify([{ data: { lead_id: newIds(1)[0], firstname: 'nul\u0000here' } }]);
    expect(raw).toContain('\\u0000');
    for (const path of ['/v1/ext/procedure/lead/process/bulk-create', '/v1/ext/procedure/lead/process']) {
      const res = await call(s.url, 'POST', path, {
        key: s.demoKey,
        raw: path.endsWith('bulk-create') ? raw : raw.slice(1, -1),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, res.text).toBe(400);
      expect(res.json._errors[0]).toBe('body: contains the NUL character \\u0000, which cannot be stored');
    }
    expect(await jobCount()).toBe(before);
    // An escaped backslash followed by "u0000" is ordinary text.
    const text = await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: newIds(1)[0], firstname: 'a\\u0000b' } });
    expect(text.status).toBe(200);
    expect(text.json._data.data.firstname).toBe('a\\u0000b');
  });

  it('times outside the years 1 to 9999 are invalid, not a crash', async () => {
    const single = await api('POST', '/v1/ext/procedure/lead/process', {
      data: { lead_id: newIds(1)[0] },
      nextActionAt: 9_000_000_000_000_000,
    });
    expect(single.status).toBe(400);
    expect(single.json._errors[0]).toBe('nextActionAt: must be a time between the years 1 and 9999');
    const [a, b] = newIds(2);
    const res = await bulkCreate([{ data: { lead_id: a }, nextActionAt: 9_000_000_000_000_000 }, { data: { lead_id: b } }]);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toMatchObject({ INVALID: 1, SUCCESS: 1 });
    expect((await entries(res.json._data.id))._data[0].statusMessage).toBe('nextActionAt: must be a time between the years 1 and 9999');
  });

  it('primary keys longer than 1000 characters are invalid (an index entry has a size limit)', async () => {
    const single = await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: 'K'.repeat(3000) } });
    expect(single.status).toBe(400);
    expect(single.json._errors[0]).toBe('data.lead_id: is a primary key: at most 1000 characters');
  });

  it('an item the database refuses becomes one ERROR entry; the rest of its chunk is written', async () => {
    // Stands in for any value the database turns down that validation let through.
    await s.ctx.db.exec("alter table processes add constraint test_refuse check (data->>'firstname' is distinct from 'refuse me')");
    try {
      const ids = newIds(20);
      const res = await bulkCreate(ids.map((id, i) => ({ data: { lead_id: id, firstname: i === 9 ? 'refuse me' : 'fine' } })));
      const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
      expect(done._data.completionStatus).toBe('COMPLETED');
      expect(done._meta.bjEntryCompletionStatusVsCount).toEqual({ INVALID: 0, NOT_STARTED: 0, SUCCESS: 19, ERROR: 1 });
      const [err] = (await entries(res.json._data.id, '?completionStatus=ERROR'))._data;
      expect(err).toMatchObject({ index: 9, statusMessage: 'could not be stored: the database refused a value (SQLSTATE 23514)' });
      expect(await lead(ids[19])).toBeDefined();
    } finally {
      await s.ctx.db.exec('alter table processes drop constraint test_refuse');
    }
  });
});

describe('order within a chunk', () => {
  it('an item refused for its record.id does not count as the first holder of its primary key', async () => {
    const [a] = newIds(1);
    const res = await bulkCreate([
      { data: { lead_id: a, firstname: 'refused' }, record: { id: '3b1d3a8e-0000-4000-8000-000000000001' } },
      { data: { lead_id: a, firstname: 'kept' } },
    ]);
    const done = await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect(done._meta.bjEntryCompletionStatusVsCount).toMatchObject({ INVALID: 1, SUCCESS: 1, ERROR: 0 });
    expect((await lead(a)).data.firstname).toBe('kept');
  });

  it('bulk update follows primary keys as earlier items change them', async () => {
    const [k1, k2, k9] = newIds(3);
    for (const id of [k1, k2]) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: id } });
    const p1 = (await lead(k1)).id;
    const p2 = (await lead(k2)).id;
    const res = await bulkUpdate([
      { id: p1, data: { lead_id: k9 } },
      { lead_id: k9, data: { score: 9 } },
      { lead_id: k1, data: { score: 1 } },
      { id: p2, data: { lead_id: k1 } },
      { lead_id: k1, data: { score: 2 } },
    ]);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    const list = (await entries(res.json._data.id))._data;
    expect(list.map((e: any) => e.completionStatus)).toEqual(['SUCCESS', 'SUCCESS', 'ERROR', 'SUCCESS', 'SUCCESS']);
    expect(list[2].statusMessage).toBe(`lead process lead_id=${k1} not found`);
    expect(await lead(k9)).toMatchObject({ id: p1, data: { score: 9 } });
    expect(await lead(k1)).toMatchObject({ id: p2, data: { score: 2 } });
  });

  it('record data is merged in item order whether items find the record by phone or by id', async () => {
    const phone = '919877700001';
    const seed = await api('POST', '/v1/ext/procedure/lead/process', {
      data: { lead_id: newIds(1)[0] },
      record: { data: { phone_number: phone, city: 'Seed' } },
    });
    const recordId = seed.json._data.record.id;
    const [a, b] = newIds(2);
    const res = await bulkCreate([
      { data: { lead_id: a }, record: { data: { phone_number: phone, city: 'A' } } },
      { data: { lead_id: b }, record: { id: recordId, data: { city: 'B' } } },
    ]);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect((await lead(a)).record).toMatchObject({ id: recordId, data: { city: 'B' } });
  });

  it('a null in record.data removes that key where the item names the record by id, and nothing where the phone finds it, as in the single create', async () => {
    const phone = '919877700002';
    const seed = await api('POST', '/v1/ext/procedure/lead/process', {
      data: { lead_id: newIds(1)[0] },
      record: { data: { phone_number: phone, city: 'Pune', email: 'a@b.in' } },
    });
    const recordId = seed.json._data.record.id;
    const [a, b] = newIds(2);
    const res = await bulkCreate([
      { data: { lead_id: a }, record: { data: { phone_number: phone, email: null } } },
      { data: { lead_id: b }, record: { id: recordId, data: { city: null } } },
    ]);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    expect((await lead(a)).record).toMatchObject({ id: recordId, data: { phone_number: phone, email: 'a@b.in' } });
    expect((await lead(b)).record.data).toEqual({ phone_number: phone, email: 'a@b.in' });
  });
});
