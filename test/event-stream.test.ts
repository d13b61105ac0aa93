/**
 * The live event stream, GET /v1/ext/events (docs/console.md#event-stream), over real HTTP on
 * both backends: delivery within a second, tenancy and privilege, resumption by Last-Event-ID,
 * late-committing transactions, several server processes, slow clients and shutdown.
 */
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/core/db/types.ts';
import { QUEUE_MAX_BYTES } from '../src/features/events/hub.ts';
import { sendFuzzRequest, sendTruncatedRequest } from './fuzz/fuzz-request.ts';
import { BACKEND } from './helpers/database.ts';
import { openEventStream } from './helpers/event-stream.ts';
import { insertChanges, recordChange, teamIdOf } from './helpers/history.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let demo: string;
let otherKey: string;
let other: string;

beforeAll(async () => {
  s = await startTestServer({ EVENT_STREAMS_PER_KEY: '4', LOG_LEVEL: 'warn' }, undefined, { workers: false });
  demo = await teamIdOf(s.ctx.db, 'demo');
  otherKey = await addTeamWithLeads(s, 'other');
  other = await teamIdOf(s.ctx.db, 'other');
});
afterAll(() => s?.close());

const data = (m: { data: string }) => JSON.parse(m.data);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A change of the demo team committed now reaches `stream` within a second. */
async function expectChangeWithinASecond(stream: Awaited<ReturnType<typeof openEventStream>>) {
  const started = performance.now();
  const [change] = await recordChange(s.ctx.db, demo);
  const [message] = await stream.waitFor(1, 1000);
  expect(message.id).toBe(change.eventId);
  expect(performance.now() - started).toBeLessThan(1000);
}

describe('GET /v1/ext/events', () => {
  it('is an SSE stream: its headers, the retry delay and its starting id first', async () => {
    const stream = await openEventStream(s.url, s.demoKey);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers.get('cache-control')).toBe('no-cache');
      expect(stream.headers.get('x-accel-buffering')).toBe('no');
      expect(stream.headers.get('x-request-id')).toBeTruthy();
      await expect.poll(() => stream.text()).toMatch(/^retry: 2000\nid: \d+\.\d+\n\n/);
      expect(stream.messages).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('delivers a change within a second, with its procedure, process, actor and changes', async () => {
    const stream = await openEventStream(s.url, s.demoKey);
    try {
      await expect.poll(() => stream.text()).toMatch(/^retry/);
      const started = performance.now();
      const [change] = await recordChange(s.ctx.db, demo);
      const [message] = await stream.waitFor(1, 1000);
      const ms = performance.now() - started;
      expect(ms).toBeLessThan(1000);
      expect(message.event).toBe('process');
      expect(message.id).toBe(change.eventId);
      expect(data(message)).toEqual({
        id: change.eventId,
        kind: 'updated',
        procedure: expect.any(String),
        procedureId: expect.any(String),
        processId: change.processId,
        changes: [{ field: 'score', old: 1, new: 2 }],
        actor: { type: 'key', id: 'test-key', name: 'test' },
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    } finally {
      stream.close();
    }
  });

  it('carries changes made through the API: a create, then an update with its old and new values', async () => {
    const stream = await openEventStream(s.url, s.demoKey);
    try {
      await expect.poll(() => stream.text()).toMatch(/^retry/);
      const started = performance.now();
      const created = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
        key: s.demoKey,
        body: { data: { lead_id: `ev-${Date.now()}`, score: 10 } },
      });
      expect(created.status, created.text).toBe(200);
      const [first] = await stream.waitFor(1, 1000);
      expect(performance.now() - started).toBeLessThan(1000);
      const id = created.json._data.id;
      expect(data(first)).toMatchObject({ kind: 'created', procedure: 'lead', processId: id, actor: { type: 'key' } });
      const updated = await call(s.url, 'PUT', `/v1/ext/procedure/lead/process/${id}`, { key: s.demoKey, body: { data: { score: 40 } } });
      expect(updated.status, updated.text).toBe(200);
      const [, second] = await stream.waitFor(2, 1000);
      expect(data(second)).toMatchObject({
        kind: 'updated',
        processId: id,
        changes: expect.arrayContaining([{ field: 'score', old: 10, new: 40 }]),
      });
    } finally {
      stream.close();
    }
  });

  it("shows a key only its own team's changes", async () => {
    const mine = await openEventStream(s.url, otherKey);
    try {
      await expect.poll(() => mine.text()).toMatch(/^retry/);
      await recordChange(s.ctx.db, demo);
      const [own] = await recordChange(s.ctx.db, other);
      const [message] = await mine.waitFor(1);
      expect(message.id).toBe(own.eventId);
      await sleep(300);
      expect(mine.messages.map((m) => m.id)).toEqual([own.eventId]);
    } finally {
      mine.close();
    }
  });

  it('needs a key, and a role with process:read', async () => {
    expect((await call(s.url, 'GET', '/v1/ext/events')).status).toBe(401);
    const applied = await call(s.url, 'POST', '/v1/admin/workspace', {
      key: s.demoKey,
      body: {
        version: 1,
        teams: [
          { shortId: 'demo', name: 'Demo Company', roles: [{ shortId: 'users_only', name: 'Users only', privileges: ['user:read'] }] },
        ],
      },
    });
    expect(applied.status, applied.text).toBe(200);
    const created = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body: { name: 'no-process', role: 'users_only' },
    });
    expect(created.status, created.text).toBe(200);
    const res = await call(s.url, 'GET', '/v1/ext/events', { key: created.json._data.key });
    expect(res.status).toBe(403);
    expect(res.json._meta.code).toBe('PRIVILEGE_MISSING');
    expect(res.json._errors[0]).toMatch(/process:read/);
  });

  it('refuses a position that is not one, naming where it came from', async () => {
    const header = await call(s.url, 'GET', '/v1/ext/events', { key: s.demoKey, headers: { 'last-event-id': 'yesterday' } });
    expect(header.status).toBe(400);
    expect(header.json._errors[0]).toMatch(/last-event-id/i);
    const query = await call(s.url, 'GET', '/v1/ext/events?lastEventId=1.2.3', { key: s.demoKey });
    expect(query.status).toBe(400);
    expect(query.json._errors[0]).toMatch(/lastEventId/);
    const tooBig = await call(s.url, 'GET', '/v1/ext/events?lastEventId=1.99999999999999999999', { key: s.demoKey });
    expect(tooBig.status).toBe(400);
  });

  it('resumes after Last-Event-ID with exactly the missed events, once each, then live', async () => {
    const first = await openEventStream(s.url, s.demoKey);
    await expect.poll(() => first.text()).toMatch(/^retry/);
    const seen = await recordChange(s.ctx.db, demo, 2);
    await first.waitFor(2);
    first.close();
    const missed = [...(await recordChange(s.ctx.db, demo, 3)), ...(await recordChange(s.ctx.db, demo))];

    for (const how of ['header', 'query'] as const) {
      const resumed =
        how === 'header'
          ? await openEventStream(s.url, s.demoKey, { lastEventId: seen[1].eventId })
          : await openEventStream(s.url, s.demoKey, { query: `?lastEventId=${seen[1].eventId}` });
      try {
        const replayed = await resumed.waitFor(missed.length);
        expect(replayed.map((m) => m.id)).toEqual(missed.map((c) => c.eventId));
        const [live] = await recordChange(s.ctx.db, demo);
        const all = await resumed.waitFor(missed.length + 1);
        expect(all.at(-1)!.id).toBe(live.eventId);
        await sleep(200);
        expect(new Set(resumed.messages.map((m) => m.id)).size).toBe(resumed.messages.length);
        missed.push(live);
      } finally {
        resumed.close();
      }
    }
  });

  it('resets a client whose position is unknown here (pruned, or from another database), then goes live', async () => {
    // Behind every row here, and far ahead of them (a restored or other database's id).
    for (const lastEventId of ['1.999999999', '99999999999.1']) {
      const stream = await openEventStream(s.url, s.demoKey, { lastEventId });
      try {
        const [reset] = await stream.waitFor(1);
        expect(reset.event).toBe('reset');
        expect(data(reset)).toMatchObject({ reason: 'behind' });
        const [live] = await recordChange(s.ctx.db, demo);
        const [, message] = await stream.waitFor(2);
        expect(message.id).toBe(live.eventId);
      } finally {
        stream.close();
      }
    }
  });

  it.runIf(BACKEND === 'postgres')(
    'holds back a committed change while an older transaction runs, then delivers both in transaction order',
    async () => {
      const stream = await openEventStream(s.url, s.demoKey);
      const slow = new pg.Client({ connectionString: s.db.env.DATABASE_URL });
      await slow.connect();
      try {
        await expect.poll(() => stream.text()).toMatch(/^retry/);
        await slow.query('begin');
        // The older transaction takes its id (and a smaller row id) first, and commits last.
        const session = { query: async (sql: string, params?: unknown[]) => (await slow.query(sql, params)).rows } as unknown as Queryable;
        const [early] = await insertChanges(session, demo);
        const [late] = await recordChange(s.ctx.db, demo);
        await sleep(400);
        expect(stream.messages).toEqual([]);
        await slow.query('commit');
        const messages = await stream.waitFor(2, 2000);
        expect(messages.map((m) => m.id)).toEqual([early.eventId, late.eventId]);
      } finally {
        await slow.query('rollback').catch(() => {});
        await slow.end();
        stream.close();
      }
    },
  );

  it.runIf(BACKEND === 'postgres')('is not held back by a transaction running in another database of the same server', async () => {
    const stream = await openEventStream(s.url, s.demoKey);
    // Another application's database on the same PostgreSQL server, with a write transaction
    // left open (a long import, a stuck session): its id is older than our change's.
    const elsewhere = new pg.Client({ connectionString: process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await elsewhere.connect();
    try {
      await expect.poll(() => stream.text()).toMatch(/^retry/);
      await elsewhere.query('begin');
      await elsewhere.query('select pg_current_xact_id()');
      await expectChangeWithinASecond(stream);
    } finally {
      await elsewhere.query('rollback').catch(() => {});
      await elsewhere.end();
      stream.close();
    }
  });

  it.runIf(BACKEND === 'postgres')('reaches a stream open on another server process on the same database', async () => {
    const second = await startTestServer({ LOG_LEVEL: 'warn' }, s.db, { workers: false });
    try {
      const stream = await openEventStream(second.url, s.demoKey);
      try {
        await expect.poll(() => stream.text()).toMatch(/^retry/);
        await expectChangeWithinASecond(stream);
      } finally {
        stream.close();
      }
    } finally {
      await second.close();
    }
  });

  it('limits the streams one key holds on a process (429), and frees the place when one closes', async () => {
    const streams = [];
    try {
      for (let i = 0; i < 4; i++) streams.push(await openEventStream(s.url, otherKey));
      const refused = await call(s.url, 'GET', '/v1/ext/events', { key: otherKey });
      expect(refused.status).toBe(429);
      expect(refused.json._meta.code).toBe('EVENT_STREAMS_PER_KEY');
      streams.pop()!.close();
      await expect
        .poll(async () => {
          const again = await openEventStream(s.url, otherKey);
          again.close();
          return again.status;
        })
        .toBe(200);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('drops the queue of a client that does not read, tells it to refetch when it reads again, and carries on live', async () => {
    const url = new URL(s.url);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.pause();
    socket.write(`GET /v1/ext/events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${s.demoKey}\r\n\r\n`);
    const hub = s.ctx.local.eventHub;
    await expect.poll(() => hub.size).toBe(1);
    // Far more than the socket's buffers and the stream's queue hold: 10 KB events, 40 MB in all.
    const changes = [{ field: 'notes', old: null, new: 'x'.repeat(10_000) }];
    for (let i = 0; i < 8; i++) await recordChange(s.ctx.db, demo, 500, { changes });
    await expect.poll(() => hub.queued().overflowed, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(hub.queued().bytes).toBeLessThanOrEqual(QUEUE_MAX_BYTES);

    let text = '';
    socket.on('data', (d) => {
      text += d;
    });
    socket.resume();
    await expect.poll(() => /event: reset\n/.test(text), { timeout: 20_000 }).toBe(true);
    const [live] = await recordChange(s.ctx.db, demo);
    await expect.poll(() => text.includes(`id: ${live.eventId}\n`), { timeout: 5000 }).toBe(true);
    socket.destroy();
    await expect.poll(() => hub.size).toBe(0);
  }, 60_000);
});

describe('the fuzzer', () => {
  it('takes the opening of a stream as its answer instead of waiting for an end that never comes', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const request = {
      operation: 'GET /v1/ext/events',
      method: 'GET',
      path: '/v1/ext/events',
      headers: { authorization: `Bearer ${s.demoKey}` },
      notes: [],
    };
    try {
      const answer = await sendFuzzRequest(s.url, request, 5000, agent);
      expect(answer.status).toBe(200);
      expect(answer.text).toMatch(/^retry: 2000/);
      const truncated = await sendTruncatedRequest(s.url, { ...request, body: Buffer.from('{"a":'), truncateBy: 100 }, 5000);
      // The stream, or the body's refusal when the server notices it first: an answer either way.
      expect([200, 400]).toContain(truncated.status);
    } finally {
      agent.destroy();
    }
    // Both closed their connection: neither stream may stay behind.
    await expect.poll(() => s.ctx.local.eventHub.size, { timeout: 5000 }).toBe(0);
  });
});

describe('shutdown', () => {
  it('ends open streams and closes promptly', async () => {
    const own = await startTestServer({ LOG_LEVEL: 'warn' }, undefined, { workers: false });
    const streams = [await openEventStream(own.url, own.demoKey), await openEventStream(own.url, own.demoKey)];
    await expect.poll(() => streams.every((x) => x.text().startsWith('retry'))).toBe(true);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(5000);
    await Promise.all(streams.map((x) => x.ended));
  }, 60_000);
});
