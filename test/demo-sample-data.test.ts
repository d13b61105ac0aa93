/**
 * DEMO_SAMPLE_DATA: the first embedded start shows sample leads, tickets with tasks and a
 * WhatsApp conversation through the API; a start with DATABASE_URL adds none unless asked; the
 * sample is written once, also when the first start is cut short and repeated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, createLogger, openContext } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Db, Queryable } from '../src/core/db/types.ts';
import { SAMPLE_LEAD_COUNT, samplePhone } from '../src/features/demo/sample-content.ts';
import { BACKEND, createTestDatabase } from './helpers/database.ts';
import { PLUGIN } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

/** The server's own default: the helper turns the sample off for every other test. */
const DEFAULT = { DEMO_SAMPLE_DATA: '' };

const list = (s: TestServer, procedure: string, body: unknown = { limit: 100 }) =>
  call(s.url, 'POST', `/v1/ext/procedure/${procedure}/process/list`, { key: s.demoKey, body });

/** Each sample lead by lead_id, as far as it does not depend on when the first start happened (user ids, follow-up dates). */
async function stableLeads(s: TestServer) {
  const users = (await call(s.url, 'GET', '/v1/ext/users', { key: s.demoKey })).json._data;
  const username = new Map(users.map((u: any) => [u.id, u.username]));
  const leads = (await list(s, 'lead')).json._data;
  return Object.fromEntries(
    leads.map((lead: any) => {
      const { follow_up_on: _, ...data } = lead.data;
      return [
        data.lead_id,
        { state: lead.state, status: lead.status, assignedTo: username.get(lead.assignedTo) ?? null, data, record: lead.record.data },
      ];
    }),
  );
}

describe.runIf(BACKEND === 'pglite')('the first embedded start (DEMO_SAMPLE_DATA unset)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(DEFAULT);
  });
  afterAll(() => s?.close());

  it('lists a few dozen leads in varied states, scores and assignees, each with a record holding a phone and an email', async () => {
    const res = await list(s, 'lead');
    expect(res.status, res.text).toBe(200);
    const leads = res.json._data;
    expect(leads).toHaveLength(SAMPLE_LEAD_COUNT);
    expect(new Set(leads.map((l: any) => l.state))).toEqual(new Set(['NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST']));
    expect(new Set(leads.map((l: any) => l.status))).toEqual(new Set(['OPEN', 'COMPLETED', 'CANCELLED']));
    expect(new Set(leads.map((l: any) => l.data.score)).size).toBeGreaterThan(5);
    const users = (await call(s.url, 'GET', '/v1/ext/users', { key: s.demoKey })).json._data;
    const assignees = new Set(leads.map((l: any) => l.assignedTo));
    expect(assignees).toEqual(new Set([null, ...users.map((u: any) => u.id)]));
    for (const lead of leads) {
      expect(lead.record.data).toMatchObject({
        phone_number: expect.stringMatching(/^91\d{10}$/),
        email: expect.stringMatching(/@example\.(com|org|net)$/),
      });
      expect(lead.createdAt).toBeLessThan(Date.now());
    }
    // Spread over the past weeks, not all at the moment of the start.
    const ages = leads.map((l: any) => Date.now() - l.createdAt);
    expect(Math.max(...ages)).toBeGreaterThan(20 * 24 * 3600_000);
    // The API's own filters and sorts work on them.
    const hot = await list(s, 'lead', { where: { state: 'QUALIFIED', score: { '>=': 5 } }, limit: 10 });
    expect(hot.json._data.length).toBeGreaterThan(0);
    expect(hot.json._meta.hasMore).toBe(false);
  });

  it('lists tickets, each with a task, on the records of earlier leads', async () => {
    const tickets = (await list(s, 'ticket')).json._data;
    expect(tickets.length).toBeGreaterThanOrEqual(6);
    expect(new Set(tickets.map((t: any) => t.state)).size).toBeGreaterThanOrEqual(3);
    const leadRecords = new Set((await list(s, 'lead')).json._data.map((l: any) => l.record.id));
    for (const ticket of tickets) expect(leadRecords.has(ticket.record.id), ticket.data.subject).toBe(true);
    const perTicket = await s.ctx.db.query<{ process_id: string; n: number }>(
      'select process_id, count(*)::int as n from tasks where process_id = any($1::uuid[]) group by process_id',
      [tickets.map((t: any) => t.id)],
    );
    expect(perTicket).toHaveLength(tickets.length);
    const [{ lead_tasks }] = await s.ctx.db.query(
      "select count(*)::int as lead_tasks from tasks t join processes p on p.id = t.process_id join procedures pr on pr.id = p.procedure_id where pr.short_id = 'lead'",
    );
    expect(lead_tasks).toBeGreaterThanOrEqual(SAMPLE_LEAD_COUNT);
  });

  it('shows a WhatsApp chat with incoming and outgoing messages and their delivery statuses, in order', async () => {
    const chats = await call(s.url, 'POST', '/v1/ext/chat', { key: s.demoKey, body: {} });
    expect(chats.status, chats.text).toBe(200);
    expect(chats.json._data.length).toBeGreaterThanOrEqual(1);
    const priya = chats.json._data.find((c: any) => c.contact.phoneNumber === samplePhone(1));
    expect(priya).toMatchObject({
      plugin: PLUGIN,
      whatsappPhoneNumberId: '775966265503012',
      lastMessage: { direction: 'OUTGOING', deliveryStatus: 'DELIVERED' },
    });
    expect(priya.lastIncomingMessageAt).toBeLessThan(priya.lastMessageAt);

    const messages = (await call(s.url, 'POST', `/v1/ext/chat/${priya.id}/message`, { key: s.demoKey, body: {} })).json._data;
    const oldestFirst = [...messages].reverse();
    expect(oldestFirst.map((m: any) => [m.direction, m.deliveryStatus])).toEqual([
      ['INCOMING', 'DELIVERED'],
      ['OUTGOING', 'READ'],
      ['INCOMING', 'DELIVERED'],
      ['OUTGOING', 'READ'],
      ['INCOMING', 'DELIVERED'],
      ['OUTGOING', 'DELIVERED'],
    ]);
    expect(oldestFirst[0].text).toMatch(/personal loans/);
    const times = oldestFirst.map((m: any) => m.createdAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Outgoing messages belong to the lead, as a send for a process does.
    const [lead] = (await list(s, 'lead', { where: { lead_id: 'LEAD-102' } })).json._data;
    expect(oldestFirst[1]).toMatchObject({ process: lead.id, procedure: lead.procedure, externalId: expect.stringMatching(/^wamid\./) });

    const byPhone = await call(s.url, 'POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
      key: s.demoKey,
      body: { customerPhoneNumber: samplePhone(1) },
    });
    expect(byPhone.json._data.map((m: any) => m.id)).toEqual(messages.map((m: any) => m.id));
  });

  it('adds nothing on the next start', async () => {
    const before = (await list(s, 'lead')).json._data.length;
    const again = await bootstrap(s.ctx, { ...s.db.env, ...DEFAULT });
    expect(again.demoKey).toBeUndefined();
    expect(again.sampleData).toBeUndefined();
    expect((await list(s, 'lead')).json._data).toHaveLength(before);
    const [{ n }] = await s.ctx.db.query('select count(*)::int as n from chat_messages');
    expect(n).toBe(9);
  });

  it('writes the sample exactly once when the first start is cut short and repeated, with the same content', async () => {
    const db = await createTestDatabase('pglite');
    try {
      // A first start that dies in the middle of the sample (here: at its first chat message).
      const config = loadConfig({ ...db.env, LOG_LEVEL: 'silent', ...DEFAULT });
      const ctx = await openContext(config, createLogger('silent'), { queue: false });
      const failing = await bootstrap({ ...ctx, db: failOn(ctx.db, 'insert into chat_messages') }).catch((err: Error) => err);
      expect(failing).toBeInstanceOf(Error);
      const [{ n }] = await ctx.db.query('select count(*)::int as n from teams');
      expect(n).toBe(0);
      await ctx.close();

      const repeated = await startTestServer(DEFAULT, db);
      try {
        expect(repeated.demoKey).toMatch(/^chk_/);
        expect((await list(repeated, 'lead')).json._data).toHaveLength(SAMPLE_LEAD_COUNT);
        expect(await stableLeads(repeated)).toEqual(await stableLeads(s));
      } finally {
        await repeated.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe.runIf(BACKEND === 'postgres')('a start with DATABASE_URL', () => {
  let plain: TestServer;
  let asked: TestServer;
  beforeAll(async () => {
    plain = await startTestServer(DEFAULT);
    asked = await startTestServer({ DEMO_SAMPLE_DATA: 'true' });
  });
  afterAll(async () => {
    await plain?.close();
    await asked?.close();
  });

  it('adds no sample data by default: lists and chats start empty', async () => {
    expect((await list(plain, 'lead')).json._data).toEqual([]);
    expect((await list(plain, 'ticket')).json._data).toEqual([]);
    expect((await call(plain.url, 'POST', '/v1/ext/chat', { key: plain.demoKey, body: {} })).json._data).toEqual([]);
  });

  it('adds it with DEMO_SAMPLE_DATA=true', async () => {
    expect((await list(asked, 'lead')).json._data).toHaveLength(SAMPLE_LEAD_COUNT);
    expect((await call(asked.url, 'POST', '/v1/ext/chat', { key: asked.demoKey, body: {} })).json._data.length).toBeGreaterThan(0);
  });
});

/** The database, except that the first statement containing `sql` inside a transaction fails, as a crash there would stop it. */
function failOn(db: Db, sql: string): Db {
  const failing = (tx: Queryable): Queryable => ({
    query: (text, params) => (text.includes(sql) ? Promise.reject(new Error('the start was cut short')) : tx.query(text, params)),
    run: (text, params) => tx.run(text, params),
    exec: (text) => tx.exec(text),
  });
  return { ...db, tx: (fn) => db.tx((tx) => fn(failing(tx))) };
}
