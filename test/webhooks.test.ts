/**
 * Platform event subscriptions: events written with the change, delivered signed to the
 * customer's URL, in order per process, retried while the receiver is down or failing, never
 * crossing teams, logged, replayable, and disabled when a receiver fails for the whole window.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitForJob } from './helpers/jobs.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { messageEvent, signMeta } from './helpers/meta-events.ts';
import { addTeamWithLeads } from './helpers/teams.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

const HMAC_SECRET = 'demo-webhook-secret-for-tests';
let s: TestServer;
let receiver: Receiver;
const api = (method: string, path: string, body?: unknown, key = s.demoKey) => call(s.url, method, path, { key, body });
const subscribe = async (events: string[], url = receiver.url, key = s.demoKey) => {
  const res = await api('POST', '/v1/ext/webhooks', { url, events, description: 'test' }, key);
  expect(res.status).toBe(200);
  return res.json._data;
};
const eventsOf = (r: Receiver) => r.received.map((x) => x.json.event);
/**
 * The deliveries written to a subscription, oldest first, as [event, lead_id]. The outbox writes
 * them in the transaction of the change: once the change is answered (or its job is done), this
 * is everything that subscription will ever be sent for it, with no waiting to see what arrives.
 */
const written = async (subscriptionId: string) =>
  (
    await s.ctx.db.query<{ event: string; lead_id: string }>(
      `select event, body::jsonb #>> '{data,data,lead_id}' as lead_id from webhook_deliveries where subscription_id = $1 order by seq`,
      [subscriptionId],
    )
  ).map((d) => [d.event, d.lead_id]);

beforeAll(async () => {
  s = await startTestServer({ DEMO_WEBHOOK_HMAC_SECRET: HMAC_SECRET, WEBHOOK_RETRY_BASE_MS: '50', KEY_CACHE_TTL_MS: '0' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});
beforeEach(async () => {
  for (const sub of (await api('GET', '/v1/ext/webhooks')).json._data) await api('DELETE', `/v1/ext/webhooks/${sub.id}`);
  receiver.received.length = 0;
  receiver.answer = () => 200;
});

const newLeadId = () => `WH-${randomUUID().slice(0, 8)}`;

describe('subscriptions', () => {
  it('are created, listed, fetched, changed and deleted', async () => {
    const sub = await subscribe(['process.created']);
    expect(sub).toMatchObject({
      url: receiver.url,
      events: ['process.created'],
      description: 'test',
      enabled: true,
      failingSince: null,
      disabledAt: null,
    });
    expect((await api('GET', '/v1/ext/webhooks')).json._data.map((x: any) => x.id)).toEqual([sub.id]);
    expect((await api('GET', `/v1/ext/webhooks/${sub.id}`)).json._data.id).toBe(sub.id);
    const changed = await api('PATCH', `/v1/ext/webhooks/${sub.id}`, { events: ['process.created', 'task.created'], description: null });
    expect(changed.json._data).toMatchObject({ events: ['process.created', 'task.created'], description: null });
    expect((await api('DELETE', `/v1/ext/webhooks/${sub.id}`)).status).toBe(200);
    const gone = await api('GET', `/v1/ext/webhooks/${sub.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json._errors).toEqual([`webhook subscription ${sub.id} not found`]);
  });

  it('refuses bad input with a 400 naming the field, and creates nothing', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/x', events: ['process.created'] }, 'url: must be an http(s) URL'],
      [{ url: 'not a url', events: ['process.created'] }, 'url: must be an http(s) URL'],
      [{ url: receiver.url, events: [] }, 'events'],
      [{ url: receiver.url, events: ['process.exploded'] }, 'events[0]: must be one of'],
      [{ url: receiver.url }, 'events'],
      [{ url: receiver.url, events: ['process.created'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await api('POST', '/v1/ext/webhooks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json._errors[0]).toContain(field);
    }
    expect((await api('GET', '/v1/ext/webhooks')).json._data).toEqual([]);
  });
});

describe('platform events', () => {
  it('delivers process.created/updated/deleted and task.created in order, signed, with the documented headers and bodies', async () => {
    await subscribe(['process.created', 'process.updated', 'process.deleted', 'task.created']);
    const leadId = newLeadId();
    const t0 = Date.now();
    const created = (await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: leadId, firstname: 'Asha', score: 3 } })).json
      ._data;
    // Woken by the commit itself, not found later by a sweep.
    await receiver.waitFor(1);
    expect(receiver.received[0].at - t0).toBeLessThan(2000);
    await api('PUT', `/v1/ext/procedure/lead/process/${created.id}`, { state: 'CONTACTED', data: { score: 4, firstname: 'Asha' } });
    const task = (await api('POST', `/v1/ext/p/lead/${created.id}/task/call`, { data: { remarks: 'called' } })).json._data;
    await api('DELETE', `/v1/ext/procedure/lead/process/${created.id}`);

    const got = await receiver.waitFor(4);
    expect(eventsOf(receiver)).toEqual(['process.created', 'process.updated', 'task.created', 'process.deleted']);
    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-chakra-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers['x-chakra-event']).toBe(r.json.event);
      expect(Number(r.headers['x-chakra-timestamp'])).toBeGreaterThan(Date.now() - 60_000);
      // Lowercase hex HMAC-SHA256 of the exact bytes, no prefix.
      expect(r.headers['x-chakra-signature-256']).toBe(createHmac('sha256', HMAC_SECRET).update(r.raw).digest('hex'));
      expect(r.json.occurredAt).toBeGreaterThan(0);
    }
    expect(got[0].json.data).toMatchObject({ id: created.id, state: 'NEW', data: { lead_id: leadId, firstname: 'Asha', score: 3 } });
    expect(got[0].json).not.toHaveProperty('changedAttributes');
    expect(got[1].json.data).toMatchObject({ id: created.id, state: 'CONTACTED', data: { score: 4 } });
    // firstname was sent again unchanged: not a change.
    expect(got[1].json.changedAttributes).toEqual(['score', 'state']);
    expect(got[2].json.data).toMatchObject({ id: task.id, process: created.id });
    expect(got[3].json.data).toMatchObject({ id: created.id, isDeleted: true });
  });

  it('a bulk create emits process.created for each process it creates', async () => {
    const sub = await subscribe(['process.created']);
    const ids = [newLeadId(), newLeadId(), newLeadId()];
    const res = await api('POST', '/v1/ext/procedure/lead/process/bulk-create', [
      ...ids.map((lead_id) => ({ data: { lead_id }, record: { data: { phone_number: '917000000099' } } })),
      { data: { score: 'not a number' } },
    ]);
    expect(res.status).toBe(200);
    await waitForJob(s.url, s.demoKey, res.json._data.id);
    // One per process created; the refused item writes none.
    expect(await written(sub.id)).toEqual(ids.map((id) => ['process.created', id]));
    const got = await receiver.waitFor(3);
    expect(got.map((r) => r.json.data.data.lead_id).sort()).toEqual([...ids].sort());
    expect(got[0].json.data.record.data.phone_number).toBe('917000000099');
  });

  it('a bulk update emits process.updated (with what changed) and process.deleted per item', async () => {
    const [a, b] = [newLeadId(), newLeadId()];
    for (const lead_id of [a, b]) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id, score: 1 } });
    await subscribe(['process.updated', 'process.deleted']);
    const res = await api('PATCH', '/v1/ext/procedure/lead/process', [
      { lead_id: a, update: { data: { score: 2 } } },
      { lead_id: b, update: { isDeleted: true } },
      { lead_id: a, update: { state: 'CONTACTED', data: { score: 2 } } },
    ]);
    expect(res.status).toBe(200);
    await receiver.waitFor(3);
    const byLead = (id: string) => receiver.received.map((r) => r.json).filter((j) => j.data.data.lead_id === id);
    expect(byLead(a).map((j) => [j.event, j.changedAttributes, j.data.state])).toEqual([
      ['process.updated', ['score'], 'NEW'],
      ['process.updated', ['state'], 'CONTACTED'],
    ]);
    expect(byLead(b).map((j) => [j.event, j.data.isDeleted])).toEqual([['process.deleted', true]]);
  });

  it('sends only the events a subscription asked for, and nothing once it is deleted', async () => {
    const sub = await subscribe(['process.updated']);
    const leadId = newLeadId();
    const lead = (await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: leadId } })).json._data;
    await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: 9 } });
    expect(await written(sub.id)).toEqual([['process.updated', leadId]]);
    const [got] = await receiver.waitFor(1);
    expect(got.json).toMatchObject({ event: 'process.updated', data: { id: lead.id, data: { score: 9 } } });
    expect((await api('DELETE', `/v1/ext/webhooks/${sub.id}`)).status).toBe(200);
    expect((await api('PUT', `/v1/ext/procedure/lead/process/${lead.id}`, { data: { score: 8 } })).status).toBe(200);
    // Nothing was written for the change after the delete, to this subscription or any other.
    expect(await s.ctx.db.query('select event from webhook_deliveries where order_key = $1', [lead.id])).toEqual([]);
  });

  it("never sends one team's events to another team's subscription", async () => {
    const otherKey = await addTeamWithLeads(s, `wh${randomUUID().slice(0, 6)}`);
    const other = await startReceiver();
    try {
      const theirSub = await subscribe(['process.created'], other.url, otherKey);
      const mySub = await subscribe(['process.created']);
      const mine = newLeadId();
      const theirs = newLeadId();
      await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: mine } });
      await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: theirs } }, otherKey);
      expect(await written(mySub.id)).toEqual([['process.created', mine]]);
      expect(await written(theirSub.id)).toEqual([['process.created', theirs]]);
      await receiver.waitFor(1);
      await other.waitFor(1);
      expect(receiver.received.map((r) => r.json.data.data.lead_id)).toEqual([mine]);
      expect(other.received.map((r) => r.json.data.data.lead_id)).toEqual([theirs]);
      // The other team has no HMAC secret: unsigned.
      expect(other.received[0].headers['x-chakra-signature-256']).toBeUndefined();
      // Nor can one team read or replay the other's deliveries.
      const [sub] = (await api('GET', '/v1/ext/webhooks', undefined, otherKey)).json._data;
      expect((await api('GET', `/v1/ext/webhooks/${sub.id}/deliveries`)).status).toBe(404);
      const [delivery] = (await api('GET', `/v1/ext/webhooks/${sub.id}/deliveries`, undefined, otherKey)).json._data;
      expect((await api('POST', `/v1/ext/webhook-deliveries/${delivery.id}/replay`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('delivery', () => {
  it('keeps every event while the receiver refuses connections and then answers 500, and delivers each once it is back, under the same delivery id', async () => {
    const sub = await subscribe(['process.created']);
    await receiver.down();
    const ids = [newLeadId(), newLeadId(), newLeadId()];
    for (const id of ids) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: id } });
    await new Promise((r) => setTimeout(r, 1500));
    let log = (await api('GET', `/v1/ext/webhooks/${sub.id}/deliveries`)).json._data;
    expect(log).toHaveLength(3);
    expect(log.every((d: any) => d.state === 'PENDING')).toBe(true);
    const refused = log.flatMap((d: any) => d.attemptLog).find((a: any) => a.error);
    expect(refused.error).toMatch(/ECONNREFUSED/);
    expect((await call(s.url, 'GET', '/metrics')).text).toMatch(/chakra_webhook_deliveries_pending\{kind="subscription"\} 3\n/);

    let failures = 0;
    receiver.answer = () => (failures++ < 3 ? { status: 500, body: 'database down' } : 200);
    await receiver.up();
    await receiver.waitFor(6, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    const delivered = receiver.received.filter((_, i) => i >= 3);
    expect(delivered.map((r) => r.json.data.data.lead_id).sort()).toEqual([...ids].sort());
    // The order within one process is kept, and across processes everything arrives once.
    expect(new Set(receiver.received.map((r) => r.headers['x-chakra-delivery-id'])).size).toBe(3);

    log = (await api('GET', `/v1/ext/webhooks/${sub.id}/deliveries`)).json._data;
    expect(log.map((d: any) => d.state)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
    const attempts = log.flatMap((d: any) => d.attemptLog);
    expect(attempts.filter((a: any) => a.statusCode === 500).map((a: any) => a.responseExcerpt)).toEqual([
      'database down',
      'database down',
      'database down',
    ]);
    expect(attempts.filter((a: any) => a.statusCode === 200)).toHaveLength(3);
    expect((await api('GET', `/v1/ext/webhooks/${sub.id}`)).json._data.failingSince).toBeNull();
  });

  it('once a retry gets through, the destination’s other waiting retries go at once instead of at the end of their backoff', async () => {
    const sub = await subscribe(['process.created']);
    await receiver.down();
    const ids = [newLeadId(), newLeadId()];
    for (const id of ids) await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: id } });
    for (
      let i = 0;
      i < 100 && (await s.ctx.db.query('select 1 from webhook_deliveries where destination = $1 and attempts = 0', [sub.id])).length;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // As after a long outage: one delivery's next retry is an hour away, the other's is now. Set
    // only while neither is in flight (retries come every ~50 ms here, and an attempt that ends
    // after this would write its own next time over it), so the attempts wait until both took.
    for (let set = 0; set < 2; ) {
      set = await s.ctx.db.run(
        `update webhook_deliveries set next_attempt_at = case when body like $2 then now() + interval '1 hour' else now() end
          where destination = $1 and (claimed_until is null or claimed_until < now())
            and (select count(*) from webhook_deliveries where destination = $1 and claimed_until >= now()) = 0`,
        [sub.id, `%${ids[0]}%`],
      );
      if (set < 2) await new Promise((r) => setTimeout(r, 10));
    }
    await receiver.up();
    await receiver.waitFor(2, 10_000);
    expect(receiver.received.map((r) => r.json.data.data.lead_id)).toEqual([ids[1], ids[0]]);
  });

  it('does not retry a 4xx other than 429, and replays a delivery under the same id', async () => {
    const sub = await subscribe(['process.created']);
    receiver.answer = () => 410;
    await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: newLeadId() } });
    await receiver.waitFor(1);
    // The attempt's outcome is recorded just after the receiver answers. FAILED is final (no
    // retry is ever due from it), so there is no need to wait and see that none comes.
    const failed = await vi.waitFor(
      async () => {
        const [d] = (await api('GET', `/v1/ext/webhooks/${sub.id}/deliveries`)).json._data;
        expect(d.attempts).toBeGreaterThan(0);
        return d;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(failed).toMatchObject({ state: 'FAILED', attempts: 1, lastStatusCode: 410 });
    expect(receiver.received).toHaveLength(1);
    expect(failed.lastError).toMatch(/^answered 410/);

    receiver.answer = () => 204;
    const replay = await api('POST', `/v1/ext/webhook-deliveries/${failed.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.json._data.state).toBe('PENDING');
    const [, again] = await receiver.waitFor(2);
    expect(again.headers['x-chakra-delivery-id']).toBe(failed.id);
    expect(again.raw).toBe(receiver.received[0].raw);
    expect((await api('POST', `/v1/ext/webhook-deliveries/${randomUUID()}/replay`)).status).toBe(404);
  });

  it('retries a 429 and honours its Retry-After', async () => {
    await subscribe(['process.created']);
    let first = true;
    receiver.answer = () => {
      if (!first) return 200;
      first = false;
      return { status: 429, headers: { 'retry-after': '2' } };
    };
    await api('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: newLeadId() } });
    const [a, b] = await receiver.waitFor(2, 10_000);
    expect(b.at - a.at).toBeGreaterThanOrEqual(1900);
    expect(b.headers['x-chakra-delivery-id']).toBe(a.headers['x-chakra-delivery-id']);
  });
});

describe('a receiver failing for the whole retry window', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_FOR_SECONDS: '2' });
  });
  afterAll(() => t?.close());

  it('disables the subscription (visible in its resource, told to the team as webhook.disabled), fails its pending deliveries, and can be enabled again', async () => {
    const failing = await startReceiver();
    const watcher = await startReceiver('/watch');
    failing.answer = () => 503;
    try {
      const tapi = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.demoKey, body });
      await tapi('POST', '/v1/ext/webhooks', { url: watcher.url, events: ['webhook.disabled'] });
      const sub = (await tapi('POST', '/v1/ext/webhooks', { url: failing.url, events: ['process.created'] })).json._data;
      // The first event's retries give up within the window; one more event after it finds the
      // subscription failing for longer than the window.
      await tapi('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: newLeadId() } });
      await new Promise((r) => setTimeout(r, 2500));
      await tapi('POST', '/v1/ext/procedure/lead/process', { data: { lead_id: newLeadId() } });
      let view: any;
      for (let i = 0; i < 100 && !view?.disabledAt; i++) {
        await new Promise((r) => setTimeout(r, 100));
        view = (await tapi('GET', `/v1/ext/webhooks/${sub.id}`)).json._data;
      }
      expect(view).toMatchObject({ enabled: false });
      expect(view.disabledReason).toMatch(/^no delivery succeeded for 2 s \(failing since .*; last error: answered 503/);
      // Newest first. The second event's delivery exists unless the subscription was disabled
      // before it was written (a slow machine); the first one gave up either way.
      const deliveries = (await tapi('GET', `/v1/ext/webhooks/${sub.id}/deliveries`)).json._data;
      const [d, first] = [deliveries[0], deliveries.at(-1)];
      expect(d.state).toBe('FAILED');
      expect(first.lastError).toMatch(/^answered 503; gave up after \d+ attempts \(retry window of 2 s used up\)$/);
      expect(failing.received.length).toBeGreaterThanOrEqual(2);
      const [told] = await watcher.waitFor(1);
      expect(told.json).toMatchObject({
        event: 'webhook.disabled',
        data: { id: sub.id, enabled: false, disabledReason: view.disabledReason },
      });

      // Disabled: no new deliveries, and replay is refused until it is enabled again.
      const conflict = await tapi('POST', `/v1/ext/webhook-deliveries/${d.id}/replay`);
      expect(conflict.status).toBe(409);
      const enabled = await tapi('PATCH', `/v1/ext/webhooks/${sub.id}`, { enabled: true });
      expect(enabled.json._data).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
      failing.answer = () => 200;
      const before = failing.received.length;
      expect((await tapi('POST', `/v1/ext/webhook-deliveries/${d.id}/replay`)).status).toBe(200);
      await failing.waitFor(before + 1);
    } finally {
      await failing.close();
      await watcher.close();
    }
  });
});

describe('WEBHOOK_BLOCK_PRIVATE_URLS=true', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ WEBHOOK_BLOCK_PRIVATE_URLS: 'true' });
  });
  afterAll(() => t?.close());

  it('refuses private destinations when subscribing, and fails deliveries to a plugin webhook that points at one, without retrying', async () => {
    const tapi = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.demoKey, body });
    for (const url of [receiver.url, 'http://localhost:9/x', 'http://[::1]:9/x', 'http://169.254.169.254/latest']) {
      const res = await tapi('POST', '/v1/ext/webhooks', { url, events: ['process.created'] });
      expect(res.status, url).toBe(400);
      expect(res.json._errors[0]).toMatch(/^url: .* is a private, loopback or link-local address, refused by WEBHOOK_BLOCK_PRIVATE_URLS$/);
    }
    // A plugin's webhook URL is checked when delivering (every connection, after DNS).
    await tapi('POST', `/v1/ext/plugin/whatsapp/d83e1d23-50b8-4d87-8f92-842a0ac516f6/update-config`, {
      enableChakraWebhook: true,
      chakraWebhookUrl: receiver.url,
    });
    const [row] = await t.ctx.db.query('select app_secret_enc from whatsapp_plugins where id = $1', [
      'd83e1d23-50b8-4d87-8f92-842a0ac516f6',
    ]);
    const raw = messageEvent('919900112277', `wamid.${randomUUID()}`, 'hi');
    const posted = await call(t.url, 'POST', '/v1/webhooks/whatsapp/d83e1d23-50b8-4d87-8f92-842a0ac516f6', {
      raw,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, t.ctx.secrets.decrypt(row.app_secret_enc)) },
    });
    expect(posted.status).toBe(200);
    let delivery: any;
    for (let i = 0; i < 100 && delivery?.state !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [delivery] = await t.ctx.db.query("select state, attempts, last_error from webhook_deliveries where destination like '%:chakra'");
    }
    expect(delivery).toMatchObject({ state: 'FAILED', attempts: 1 });
    expect(delivery.last_error).toBe('127.0.0.1 is a private, loopback or link-local address, refused by WEBHOOK_BLOCK_PRIVATE_URLS');
    expect(receiver.received).toHaveLength(0);
  });
});
