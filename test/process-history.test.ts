/** Process history (docs/console.md#history): written with every change, read over HTTP, trimmed by retention. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { writeHistory } from '../src/features/history/repo.ts';
import { deleteExpiredHistory, historyRetention } from '../src/features/history/retention.ts';
import { actorOfOwner } from '../src/features/history/service.ts';
import { BACKEND } from './helpers/database.ts';
import { waitForJob } from './helpers/jobs.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let key: string;
let keyId: string;
let importerKey: string;
let otherKey: string;
let teamId: string;

beforeAll(async () => {
  s = await startTestServer();
  [{ id: teamId }] = await s.ctx.db.query("select id from teams where short_id = 'demo'");
  const created = await createApiKey(s.ctx.db, teamId, { name: 'history-tester', role: 'admin' });
  key = created.key;
  keyId = (await s.ctx.db.query('select id from api_keys where name = $1', ['history-tester']))[0].id;
  importerKey = (await createApiKey(s.ctx.db, teamId, { name: 'nightly-import', role: 'admin' })).key;
  otherKey = await addTeamWithLeads(s, 'acme');
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown, k = key) => call(s.url, method, path, { key: k, body });
const history = (ref: string, query = '', k = key) => api('GET', `/v1/ext/procedure/lead/process/${ref}/history${query}`, undefined, k);
let seq = 0;
const newLead = async (data: Record<string, unknown> = {}) => {
  const res = await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: `HIST-${++seq}`, ...data } });
  expect(res.status, res.text).toBe(200);
  return res.json._data;
};

describe('process history', () => {
  it('records create, updates with old and new values, state, assignee, tasks and delete, each by the key that did it', async () => {
    const lead = await newLead({ firstname: 'Asha', score: 10 });
    expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { firstname: 'Asha R', score: 20 } })).status).toBe(200);
    // Nothing changes: no entry.
    expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: 20 } })).status).toBe(200);
    expect((await api('PUT', `/v1/ext/procedure/lead/process/lead_id/${lead.data.lead_id}`, { state: 'CONTACTED' })).status).toBe(200);
    const assign = await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { assignedTo: 'alex@paisapay.com' });
    expect(assign.status).toBe(200);
    const task = await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { data: { remarks: 'rang' }, status: 'COMPLETED' });
    expect(task.status, task.text).toBe(200);
    expect((await api('DELETE', `/v1/ext/procedure/lead/process/${lead.id}`)).status).toBe(200);

    // Deleted: still readable by uuid; its primary-key value names no process any more.
    const res = await history(lead.id);
    expect(res.status, res.text).toBe(200);
    expect((await history(lead.data.lead_id)).status).toBe(404);
    const entries = res.json._data;
    expect(entries.map((e: any) => e.kind)).toEqual([
      'deleted',
      'task_completed',
      'task_created',
      'updated',
      'updated',
      'updated',
      'created',
    ]);
    expect(res.json._meta).toEqual({ hasMore: false, nextCursor: null });
    for (const e of entries) {
      expect(e.actor).toEqual({ type: 'key', id: keyId, name: 'history-tester' });
      expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    const ids = entries.map((e: any) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(ids);

    const [deleted, completed, taskCreated, assigned, moved, edited, created] = entries;
    expect(deleted.changes).toBeNull();
    const taskSummary = { taskId: task.json._data.id, stateTask: 'call', title: null, status: 'COMPLETED' };
    expect(completed.changes).toEqual(taskSummary);
    expect(taskCreated.changes).toEqual(taskSummary);
    expect(assigned.changes).toEqual([{ field: 'assignedTo', old: null, new: assign.json._data.assignedTo }]);
    expect(moved.changes).toEqual([{ field: 'state', old: 'NEW', new: 'CONTACTED' }]);
    // Attributes come in the stored object's key order, which is PostgreSQL's, not the request's.
    expect(edited.changes).toHaveLength(2);
    expect(edited.changes).toEqual(
      expect.arrayContaining([
        { field: 'firstname', old: 'Asha', new: 'Asha R' },
        { field: 'score', old: 10, new: 20 },
      ]),
    );
    expect(created.changes).toEqual({ state: 'NEW', status: 'OPEN' });
  });

  it('names a signed-in user by their name, the same way for a single change and a bulk job they submit', async () => {
    const token = new URL(s.demoSignInLink).searchParams.get('token');
    const setup = await call(s.url, 'POST', '/v1/ext/auth/setup', { body: { token, password: 'correct horse battery' } });
    expect(setup.status, setup.text).toBe(200);
    const headers = { cookie: (setup.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': setup.json._data.csrfToken };
    const lead = await newLead();
    const res = await call(s.url, 'PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { headers, body: { data: { score: 9 } } });
    expect(res.status, res.text).toBe(200);
    const [updated] = (await history(lead.id)).json._data;
    expect(updated.actor).toMatchObject({ type: 'user', id: setup.json._data.user.id });
    expect(updated.actor.name).toBe('John Doe'); // the demo workspace's john@paisapay.com
    const job = await call(s.url, 'PATCH', '/v1/ext/procedure/lead/process', { headers, body: [{ id: lead.id, data: { score: 10 } }] });
    expect(job.status, job.text).toBe(200);
    await waitForJob(s.url, key, job.json._data.id);
    const [bulk] = (await history(lead.id)).json._data;
    expect(bulk.actor).toEqual(updated.actor);
  });

  it('closing an open task is in its process history; reopening and editing it are not', async () => {
    const lead = await newLead();
    const task = (await api('POST', `/v1/ext/p/lead/${lead.id}/task/call`, { data: { remarks: 'later' } })).json._data;
    for (const body of [{ status: 'CANCELLED' }, { status: 'OPEN' }, { title: 'Call back' }, { status: 'COMPLETED' }]) {
      const res = await api('PATCH', `/v1/ext/task/${task.id}`, body);
      expect(res.status, res.text).toBe(200);
    }
    const entries = (await history(lead.id)).json._data;
    expect(entries.map((e: any) => [e.kind, e.changes?.status])).toEqual([
      ['task_completed', 'COMPLETED'],
      ['task_cancelled', 'CANCELLED'],
      ['task_created', 'OPEN'],
      ['created', 'OPEN'],
    ]);
    expect(entries[0].changes).toEqual({ taskId: task.id, stateTask: 'call', title: 'Call back', status: 'COMPLETED' });
  });

  it('a cleared attribute and a moved status show null on the side where there is no value', async () => {
    const lead = await newLead({ firstname: 'Ravi' });
    await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, {
      data: { firstname: null },
      status: 'COMPLETED',
      nextActionAt: 1700000000000,
    });
    const [updated] = (await history(lead.id)).json._data;
    expect(updated.changes).toEqual([
      { field: 'firstname', old: 'Ravi', new: null },
      { field: 'status', old: 'OPEN', new: 'COMPLETED' },
      { field: 'nextActionAt', old: null, new: 1700000000000 },
    ]);
  });

  it('a refused change writes nothing, and a rolled-back transaction takes its rows with it', async () => {
    const lead = await newLead();
    const other = await newLead();
    expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { assignedTo: 'ghost', data: { score: 5 } })).status).toBe(400);
    expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { lead_id: other.data.lead_id } })).status).toBe(409);
    expect((await api('POST', `/v1/ext/p/lead/${lead.id}/task/meeting`, { data: { remarks: 'x' } })).status).toBe(422);
    expect((await history(lead.id)).json._data.map((e: any) => e.kind)).toEqual(['created']);

    const actor = { type: 'system' as const, id: null, name: 'system' };
    await expect(
      s.ctx.db.tx(async (tx) => {
        await writeHistory(tx, teamId, actor, [{ procedureId: lead.procedure, processId: lead.id, kind: 'updated', changes: [] }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await history(lead.id)).json._data).toHaveLength(1);
  });

  it('bulk create and bulk update name the submitting key, once per item that changed', async () => {
    const res = await api(
      'POST',
      '/v1/ext/procedure/lead/process/bulk-create',
      [{ data: { lead_id: 'HIST-BULK-1', score: 1 } }],
      importerKey,
    );
    expect(res.status, res.text).toBe(200);
    await waitForJob(s.url, importerKey, res.json._data.id);
    const up = await api(
      'PATCH',
      '/v1/ext/procedure/lead/process',
      [
        { lead_id: 'HIST-BULK-1', update: { data: { score: 2 } } },
        { lead_id: 'HIST-BULK-1', update: { data: { score: 2 } } },
        { lead_id: 'HIST-BULK-1', update: { state: 'CONTACTED', data: { score: 3 } } },
      ],
      importerKey,
    );
    expect(up.status, up.text).toBe(200);
    await waitForJob(s.url, importerKey, up.json._data.id);
    const entries = (await history('HIST-BULK-1')).json._data;
    expect(entries.map((e: any) => [e.kind, e.actor.type, e.actor.name])).toEqual([
      ['updated', 'key', 'nightly-import'],
      ['updated', 'key', 'nightly-import'],
      ['created', 'key', 'nightly-import'],
    ]);
    expect(entries[0].changes).toEqual([
      { field: 'score', old: 2, new: 3 },
      { field: 'state', old: 'NEW', new: 'CONTACTED' },
    ]);
    expect(entries[1].changes).toEqual([{ field: 'score', old: 1, new: 2 }]);

    const [entry] = (await api('GET', `/v1/ext/background-job/${res.json._data.id}/entries`)).json._data;
    const del = await api('PATCH', '/v1/ext/procedure/lead/process', [{ lead_id: 'HIST-BULK-1', isDeleted: true }], importerKey);
    await waitForJob(s.url, importerKey, del.json._data.id);
    const [deleted] = (await history(entry.result.processId)).json._data;
    expect(deleted).toMatchObject({ kind: 'deleted', changes: null, actor: { type: 'key', name: 'nightly-import' } });
  });

  it('pages newest first by cursor, and refuses a cursor it did not issue', async () => {
    const lead = await newLead({ score: 0 });
    for (let i = 1; i <= 5; i++) await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: i } });
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await history(lead.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.json._data.length).toBeLessThanOrEqual(2);
      seen.push(...res.json._data);
      cursor = res.json._meta.nextCursor;
      expect(res.json._meta.hasMore).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.changes?.[0]?.new ?? e.kind)).toEqual([5, 4, 3, 2, 1, 'created']);
    const bad = await history(lead.id, '?cursor=nope');
    expect(bad.status).toBe(400);
    expect(bad.json._errors[0]).toMatch(/^cursor: /);
    expect((await history(lead.id, '?limit=201')).status).toBe(400);
  });

  it('orders by the entry number, not its text, across a power of ten', async () => {
    const lead = await newLead({ score: 0 });
    // The next entries are 999999, 1000000 and 1000001: as text, "999999" would come first.
    await s.ctx.db.query(
      `select setval(pg_get_serial_sequence('process_history', 'id'), greatest(999998, (select max(id) from process_history)))`,
    );
    for (let i = 1; i <= 3; i++) await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: i } });
    const all = (await history(lead.id)).json._data;
    expect(all.map((e: any) => e.changes?.[0]?.new ?? e.kind)).toEqual([3, 2, 1, 'created']);
    const first = await history(lead.id, '?limit=1');
    const rest = await history(lead.id, `?limit=10&cursor=${first.json._meta.nextCursor}`);
    expect(rest.json._data.map((e: any) => e.changes?.[0]?.new ?? e.kind)).toEqual([2, 1, 'created']);
  });

  it("another team's process is not found, by uuid or primary key", async () => {
    const lead = await newLead();
    expect((await history(lead.id, '', otherKey)).status).toBe(404);
    expect((await history(lead.data.lead_id, '', otherKey)).status).toBe(404);
    expect((await history('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  // PGlite has no second connection to listen on; the statement is the same on both backends.
  it.runIf(BACKEND === 'postgres')(
    'announces each committed write on chakra_history with the team id, and nothing for a refused one',
    async () => {
      const listener = new pg.Client({ connectionString: s.db.env.DATABASE_URL });
      await listener.connect();
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
      await listener.query('listen chakra_history');
      try {
        const lead = await newLead();
        expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { assignedTo: 'ghost' })).status).toBe(400);
        await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: 3 } });
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toEqual([`chakra_history:${teamId}`, `chakra_history:${teamId}`]);
      } finally {
        await listener.end();
      }
    },
  );

  it('retention deletes rows older than the limit, in batches, and keeps the rest', async () => {
    const lead = await newLead();
    await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: 1 } });
    await s.ctx.db.run(`update process_history set created_at = now() - interval '40 days' where process_id = $1 and kind = 'created'`, [
      lead.id,
    ]);
    const before = (await s.ctx.db.query('select count(*)::int as n from process_history'))[0].n;
    expect(await deleteExpiredHistory(s.ctx.db, 30)).toBe(1);
    expect((await s.ctx.db.query('select count(*)::int as n from process_history'))[0].n).toBe(before - 1);
    expect((await history(lead.id)).json._data.map((e: any) => e.kind)).toEqual(['updated']);
    expect(await deleteExpiredHistory(s.ctx.db, 30)).toBe(0);
  });

  it('the retention worker sweeps when it starts, and only when HISTORY_RETENTION_DAYS is set', async () => {
    const lead = await newLead();
    await s.ctx.db.run(`update process_history set created_at = now() - interval '3 days' where process_id = $1`, [lead.id]);
    const worker = (days: number | undefined) =>
      historyRetention({ ...s.ctx, config: { ...s.ctx.config, historyRetentionDays: days } } as typeof s.ctx);
    const off = worker(undefined);
    await off.start();
    // Unset: nothing is swept, at the start or after (a sweep would take well under this long).
    await new Promise((r) => setTimeout(r, 300));
    off.stop();
    expect((await history(lead.id)).json._data.map((e: any) => e.kind)).toEqual(['created']);
    const on = worker(2);
    await on.start();
    try {
      await expect.poll(async () => (await history(lead.id)).json._data.length, { timeout: 5000 }).toBe(0);
    } finally {
      on.stop();
    }
  });

  it("names a bulk job's submitter: a key by its name, a user by display name or username, a vanished one by its id", async () => {
    expect(await actorOfOwner(s.ctx.db, teamId, keyId)).toEqual({ type: 'key', id: keyId, name: 'history-tester' });
    const [user] = await s.ctx.db.query("select id from users where team_id = $1 and username = 'alex@paisapay.com'", [teamId]);
    expect(await actorOfOwner(s.ctx.db, teamId, `user:${user.id}`)).toEqual({ type: 'user', id: user.id, name: 'Alex Roe' });
    const gone = '00000000-0000-4000-8000-000000000001';
    expect(await actorOfOwner(s.ctx.db, teamId, gone)).toEqual({ type: 'key', id: gone, name: gone });
    expect(await actorOfOwner(s.ctx.db, teamId, null)).toEqual({ type: 'system', id: null, name: 'system' });
  });
});
