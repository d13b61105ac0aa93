/**
 * The typed client (sdk/, imported from its sources) against the real server: processes, keyset
 * iteration, bulk jobs followed to the end, tasks, the error class, and an answer lost on the
 * network that the client retries under the same Idempotency-Key without creating twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackgroundJob, ChakraApiError, createClient } from '../../sdk/src/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  s = await startTestServer({ KEY_CACHE_TTL_MS: '0' });
  client = createClient({ baseUrl: s.url, apiKey: s.demoKey });
});
afterAll(() => s?.close());

const newLeadId = () => `SDK-${randomUUID().slice(0, 8)}`;

/** Catches what a promise rejects with, failing if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ChakraApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChakraApiError);
    return error as ChakraApiError;
  }
  throw new Error('expected the call to fail');
}

describe('client.processes', () => {
  it('creates, fetches, updates (by id and by primary key) and deletes a process', async () => {
    const leadId = newLeadId();
    const created = await client.processes.create('lead', {
      data: { lead_id: leadId, firstname: 'Ted', score: 5 },
      record: { data: { phone_number: '7701214822' } },
      state: 'CONTACTED',
      assignedTo: 'john@paisapay.com',
    });
    expect(created).toMatchObject({ state: 'CONTACTED', status: 'OPEN', data: { lead_id: leadId, score: 5 }, isDeleted: false });
    expect(created.record?.data.phone_number).toBe('7701214822');

    expect(await client.processes.get('lead', created.id)).toEqual(created);

    const byId = await client.processes.update('lead', created.id, { data: { score: 7 } });
    expect(byId.data).toMatchObject({ lead_id: leadId, score: 7, firstname: 'Ted' });

    const byPk = await client.processes.updateByPrimaryKey('lead', 'lead_id', leadId, { state: 'QUALIFIED' });
    expect(byPk).toMatchObject({ id: created.id, state: 'QUALIFIED', data: { score: 7 } });

    const deleted = await client.processes.delete('lead', created.id);
    expect(deleted).toMatchObject({ id: created.id, isDeleted: true });
    expect((await rejection(client.processes.get('lead', created.id))).status).toBe(404);

    const other = await client.processes.create('lead', { data: { lead_id: newLeadId() } });
    const gone = await client.processes.deleteByPrimaryKey('lead', 'lead_id', String(other.data.lead_id));
    expect(gone).toMatchObject({ id: other.id, isDeleted: true });
  });

  it("reads a process's history a page at a time and whole, newest first, also once it is deleted", async () => {
    const created = await client.processes.create('lead', { data: { lead_id: newLeadId(), score: 1 } });
    await client.processes.update('lead', created.id, { data: { score: 2 } });
    await client.processes.delete('lead', created.id);
    const first = await client.processes.history('lead', created.id, { limit: 2 });
    expect(first.data.map((e) => e.kind)).toEqual(['deleted', 'updated']);
    expect(first.data[1].changes).toEqual([{ field: 'score', old: 1, new: 2 }]);
    expect(first.meta).toEqual({ hasMore: true, nextCursor: expect.any(String) });
    const all = [];
    for await (const entry of client.processes.iterateHistory('lead', created.id, { limit: 1 })) all.push(entry.kind);
    expect(all).toEqual(['deleted', 'updated', 'created']);
  });

  it('lists one page, then iterates every match across pages by cursor with nothing repeated', async () => {
    const lastname = `Iter-${randomUUID().slice(0, 6)}`;
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await client.processes.create('lead', { data: { lead_id: newLeadId(), lastname, score: i } })).id);

    const first = await client.processes.list('lead', { where: { lastname }, limit: 3, sort: [{ field: 'score', order: 'asc' }] });
    expect(first.data.map((p) => p.data.score)).toEqual([0, 1, 2]);
    expect(first.meta.hasMore).toBe(true);
    expect(first.meta.nextCursor).toEqual(expect.any(String));

    const pages = [];
    for await (const page of client.processes.pages('lead', { where: { lastname }, limit: 3 })) pages.push(page.data.length);
    expect(pages).toEqual([3, 3, 1]);

    const seen: string[] = [];
    for await (const process of client.processes.iterate('lead', {
      where: { lastname },
      limit: 3,
      sort: [{ field: 'score', order: 'desc' }],
    })) {
      seen.push(process.id);
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(ids);
  });

  it('bulk-creates as a job that waitFor follows to the end, reporting progress', async () => {
    const lastname = `Bulk-${randomUUID().slice(0, 6)}`;
    const items = Array.from({ length: 40 }, (_, i) => ({ data: { lead_id: newLeadId(), lastname, score: i } }));
    items.push({ data: { lead_id: newLeadId(), lastname, score: 'not a number' as unknown as number } });
    const job = await client.processes.bulkCreate('lead', items);
    expect(job).toMatchObject({ id: expect.any(String), operation: 'create', total: 41 });

    const seen: BackgroundJob[] = [];
    const done = await client.jobs.waitFor(job.id, { intervalMs: 25, timeoutMs: 25_000, onProgress: (j) => seen.push(j) });
    expect(done.completionStatus).toBe('COMPLETED');
    expect(done.entryCounts).toMatchObject({ SUCCESS: 40, NOT_STARTED: 0 });
    expect(done.entryCounts.INVALID + done.entryCounts.ERROR).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toEqual(done);

    const entries = await client.jobs.entries(job.id, { limit: 5 });
    expect(entries.data).toHaveLength(5);
    expect(entries.meta.total).toBe(41);
    const failed = await client.jobs.entries(job.id, { completionStatus: 'INVALID' });
    const errored = await client.jobs.entries(job.id, { completionStatus: 'ERROR' });
    expect([...failed.data, ...errored.data].map((e) => e.index)).toEqual([40]);

    let listed = 0;
    for await (const _ of client.processes.iterate('lead', { where: { lastname }, limit: 100 })) listed++;
    expect(listed).toBe(40);
  });

  it('bulk-updates as a job; cancel reaches the job (a 409 once it has ended)', async () => {
    const leadId = newLeadId();
    await client.processes.create('lead', { data: { lead_id: leadId, score: 1 } });
    const job = await client.processes.bulkUpdate('lead', { processes: [{ lead_id: leadId, update: { data: { score: 99 } } }] });
    expect(job.operation).toBe('update');
    const done = await client.jobs.waitFor(job.id, { intervalMs: 25, timeoutMs: 25_000 });
    expect(done.entryCounts.SUCCESS).toBe(1);
    expect((await client.processes.list('lead', { where: { lead_id: leadId } })).data[0].data.score).toBe(99);

    await expect(client.jobs.cancel(job.id)).rejects.toMatchObject({ status: 409, code: 'CONFLICT' });
    // A larger job is cancelled while it runs, or (on a fast machine) has already ended.
    const big = await client.processes.bulkCreate(
      'lead',
      Array.from({ length: 500 }, () => ({ data: { lead_id: newLeadId() } })),
    );
    const cancelled = await client.jobs.cancel(big.id).catch((error: ChakraApiError) => error);
    if (cancelled instanceof ChakraApiError) expect(cancelled.errors[0]).toMatch(/already ended/);
    else expect(cancelled.id).toBe(big.id);
    expect(['CANCELLED', 'COMPLETED']).toContain(
      (await client.jobs.waitFor(big.id, { intervalMs: 25, timeoutMs: 25_000 })).completionStatus,
    );
  });

  it('waitFor gives up with a TimeoutError and stops on an aborted signal', async () => {
    const job = await client.processes.bulkCreate('lead', [{ data: { lead_id: newLeadId() } }]);
    const never = createClient({ baseUrl: s.url, apiKey: s.demoKey });
    // A job that is always reported in progress: the client is pointed at a fetch that says so.
    const stuck = createClient({
      baseUrl: s.url,
      apiKey: s.demoKey,
      fetch: async (request) => {
        const response = await fetch(request);
        const body = await response.json();
        body._data.completionStatus = 'IN_PROGRESS';
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    await expect(stuck.jobs.waitFor(job.id, { intervalMs: 20, timeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(stuck.jobs.waitFor(job.id, { intervalMs: 20, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await never.jobs.waitFor(job.id, { intervalMs: 25, timeoutMs: 25_000 })).completionStatus).toBe('COMPLETED');
  });
});

describe('client.tasks', () => {
  it('logs a task on a process named by its primary key or id', async () => {
    const leadId = newLeadId();
    const lead = await client.processes.create('lead', { data: { lead_id: leadId } });
    const call = await client.tasks.create('lead', leadId, 'call', { data: { primary_disposition: 'interested' }, status: 'COMPLETED' });
    expect(call).toMatchObject({
      process: lead.id,
      stateTask: expect.anything(),
      status: 'COMPLETED',
      data: { primary_disposition: 'interested' },
    });
    expect(call.completedAt).toEqual(expect.any(Number));
    const open = await client.tasks.create('lead', lead.id, 'call');
    expect(open.status).toBe('OPEN');

    const refused = await rejection(client.tasks.create('lead', leadId, 'meeting', {}));
    expect(refused).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
  });
});

describe('ChakraApiError', () => {
  it('a 400 carries the code, one sentence per problem naming the field, details and the request id', async () => {
    const error = await rejection(client.processes.create('lead', { data: { lead_id: newLeadId(), score: 'many' } }));
    expect(error).toMatchObject({ name: 'ChakraApiError', status: 400, code: 'VALIDATION_FAILED' });
    expect(error.errors[0]).toMatch(/^data\.score: /);
    expect(error.message).toContain(error.errors[0]);
    expect(error.requestId).toEqual(expect.any(String));
    expect((error.body as any)._meta.requestId).toBe(error.requestId);
    expect(error.url).toBe(`${s.url}/v1/ext/procedure/lead/process`);
  });

  it('a 400 from the schema lists every problem in details', async () => {
    const error = await rejection(client.processes.list('lead', { limit: 0, sort: [{ field: 'score', order: 'up' as 'asc' }] }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.errors.length).toBeGreaterThanOrEqual(2);
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['limit']));
  });

  it('a 404 and a 401', async () => {
    const missing = await rejection(client.processes.get('lead', randomUUID()));
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(missing.errors[0]).toMatch(/not found/);

    const stranger = createClient({ baseUrl: s.url, apiKey: 'chk_not-a-key' });
    const unauthorised = await rejection(stranger.config.get());
    expect(unauthorised).toMatchObject({ status: 401, code: 'API_KEY_INVALID' });
    await expect(stranger.health()).rejects.toMatchObject({ status: 401 });
    expect(await client.health()).toEqual({ status: 'ok' });
  });

  it('a 409 on a taken primary key', async () => {
    const leadId = newLeadId();
    await client.processes.create('lead', { data: { lead_id: leadId } });
    const error = await rejection(client.processes.create('lead', { data: { lead_id: leadId } }));
    expect(error).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(error.errors[0]).toMatch(/^data\.lead_id: /);
  });
});

describe('idempotency against the real server', () => {
  it('an answer lost on the way back is retried under the same key: the server replays it, one process exists', async () => {
    const sent: (string | null)[] = [];
    let lose = true;
    const flaky = createClient({
      baseUrl: s.url,
      apiKey: s.demoKey,
      retry: { retries: 2, minDelayMs: 10, maxDelayMs: 50 },
      // Stands in for the network: the request reaches the server, its answer never comes back.
      fetch: async (request) => {
        sent.push(request.headers.get('idempotency-key'));
        const response = await fetch(request);
        if (lose) {
          lose = false;
          await response.arrayBuffer();
          throw new TypeError('fetch failed: the connection was reset');
        }
        return response;
      },
    });
    const lastname = `Once-${randomUUID().slice(0, 6)}`;
    const created = await flaky.processes.create('lead', { data: { lead_id: newLeadId(), lastname } });
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toBe(sent[0]);
    const listed = await client.processes.list('lead', { where: { lastname } });
    expect(listed.data.map((p) => p.id)).toEqual([created.id]);
  });

  it('a key given by the caller replays across calls; each call otherwise gets a fresh key', async () => {
    const idempotencyKey = randomUUID();
    const body = { data: { lead_id: newLeadId() } };
    const first = await client.processes.create('lead', body, { idempotencyKey });
    const again = await client.processes.create('lead', body, { idempotencyKey });
    expect(again).toEqual(first);

    const reused = await rejection(client.processes.create('lead', { data: { lead_id: newLeadId() } }, { idempotencyKey }));
    expect(reused).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });

    const leadId = newLeadId();
    await client.processes.create('lead', { data: { lead_id: leadId } });
    await expect(client.processes.create('lead', { data: { lead_id: leadId } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
