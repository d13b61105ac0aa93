/**
 * Meta's events forwarded to the plugin's webhooks: the pass-through webhook gets Meta's bytes
 * as received (echoes and template events per their toggles), the Chakra webhook gets
 * `{"event", "payload"}` for the kinds it lists; both signed with the team's HMAC secret, each
 * in order per customer (a status never overtakes its message, even across retries).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PLUGIN, PNID } from './helpers/demo-whatsapp.ts';
import { messageEvent, signMeta, smbEchoEvent, statusEvent, templateStatusEvent } from './helpers/meta-events.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

const HMAC_SECRET = 'forwarding-test-hmac-secret';
let s: TestServer;
let appSecret: string;
let passThrough: Receiver;
let chakra: Receiver;

beforeAll(async () => {
  s = await startTestServer({ DEMO_WEBHOOK_HMAC_SECRET: HMAC_SECRET, WEBHOOK_RETRY_BASE_MS: '50' });
  const [row] = await s.ctx.db.query('select app_secret_enc from whatsapp_plugins where id = $1', [PLUGIN]);
  appSecret = s.ctx.secrets.decrypt(row.app_secret_enc);
  passThrough = await startReceiver('/meta');
  chakra = await startReceiver('/chakra');
});
afterAll(async () => {
  await passThrough?.close();
  await chakra?.close();
  await s?.close();
});
beforeEach(() => {
  for (const r of [passThrough, chakra]) {
    r.received.length = 0;
    r.answer = () => 200;
  }
});

const configure = async (config: Record<string, unknown>) => {
  const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, { key: s.demoKey, body: config });
  expect(res.status, res.text).toBe(200);
};
const meta = async (raw: string) => {
  const res = await call(s.url, 'POST', `/v1/webhooks/whatsapp/${PLUGIN}`, {
    raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, appSecret) },
  });
  expect(res.status, res.text).toBe(200);
};
const hmac = (raw: string) => createHmac('sha256', HMAC_SECRET).update(raw).digest('hex');
/** The newest delivery so far; a test reads the deliveries written after it. */
const lastDelivery = async () =>
  (await s.ctx.db.query<{ seq: string }>('select coalesce(max(seq), 0)::text as seq from webhook_deliveries'))[0].seq;
/**
 * What the plugin's webhooks will be sent for the events Meta posted since `mark`, oldest first
 * (pass-through bodies are the stored event's bytes). A delivery is written in the transaction
 * that processes its event, so once every stored event is processed this is all there will ever
 * be: no waiting to see whether something more arrives.
 */
async function writtenSince(mark: string) {
  for (let i = 0; (await s.ctx.db.query('select 1 from whatsapp_inbound_events where processed_at is null')).length > 0; i++) {
    if (i > 300) throw new Error('events still unprocessed');
    await new Promise((r) => setTimeout(r, 50));
  }
  return s.ctx.db.query<{ webhook: string; event: string; body: string }>(
    `select split_part(d.destination, ':', 2) as webhook, d.event, coalesce(d.body, e.raw) as body
       from webhook_deliveries d left join whatsapp_inbound_events e on e.id = d.inbound_event_id
      where d.seq > $1::bigint order by d.seq`,
    [mark],
  );
}
const phone = () => `91990${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const sendTemplate = async (to: string) => {
  const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/${to}/send-template-message`, {
    key: s.demoKey,
    body: { whatsappPhoneNumberId: PNID, templateName: 'hello_world' },
  });
  expect(res.status, res.text).toBe(200);
  return res.json._data;
};

describe('pass-through webhook', () => {
  it("forwards Meta's bytes exactly, signed with the team secret, without Meta's own signature", async () => {
    await configure({ passThroughWebhookUrl: passThrough.url, enableChakraWebhook: false });
    const raw = messageEvent(phone(), `wamid.${randomUUID()}`, 'Hello there \u00e9');
    await meta(raw);
    const [got] = await passThrough.waitFor(1);
    expect(got.raw).toBe(raw);
    expect(got.headers['x-chakra-signature-256']).toBe(hmac(raw));
    expect(got.headers['x-chakra-event']).toBe('passthrough.messages');
    expect(got.headers['x-chakra-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.headers['x-hub-signature-256']).toBeUndefined();
  });

  it('forwards template events and echoes only when their toggles are on', async () => {
    await configure({
      passThroughWebhookUrl: passThrough.url,
      enableMessageEchoesForPassThroughWebhook: false,
      enableSendMessageTemplateEventForPassThroughWebhook: false,
    });
    const template = templateStatusEvent('900000001', 'nobody_uses_this', 'APPROVED');
    const echo = smbEchoEvent(phone(), `wamid.${randomUUID()}`, 'typed in the app');
    const mark = await lastDelivery();
    await meta(template);
    await meta(echo);
    expect(await writtenSince(mark)).toEqual([]);
    await configure({ enableMessageEchoesForPassThroughWebhook: true, enableSendMessageTemplateEventForPassThroughWebhook: true });
    // New events (the ones above, sent again, would be Meta's redeliveries: not forwarded).
    const template2 = templateStatusEvent('900000001', 'nobody_uses_this', 'PAUSED');
    const echo2 = smbEchoEvent(phone(), `wamid.${randomUUID()}`, 'typed in the app again');
    await meta(template2);
    await meta(echo2);
    const got = await passThrough.waitFor(2);
    expect(got.map((r) => r.raw).sort()).toEqual([template2, echo2].sort());
  });
});

describe("Meta's redeliveries", () => {
  it('forward each message, status, echo and template event once, in both modes, whether the copy comes alone or in a batch', async () => {
    await configure({
      passThroughWebhookUrl: passThrough.url,
      enableMessageEchoesForPassThroughWebhook: true,
      enableSendMessageTemplateEventForPassThroughWebhook: true,
      enableChakraWebhook: true,
      chakraWebhookUrl: chakra.url,
      whichChakraWebhookEventsToSend: [],
    });
    const customer = phone();
    const sent = await sendTemplate(customer);
    const incoming = `wamid.${randomUUID()}`;
    const mark = await lastDelivery();
    const events = [
      messageEvent(customer, incoming, 'Is it shipped?'),
      statusEvent([{ id: sent.externalId, status: 'delivered' }], customer),
      smbEchoEvent(customer, `wamid.${randomUUID()}`, 'typed in the app'),
      templateStatusEvent('900000002', 'nobody_uses_this', 'APPROVED'),
    ];
    for (const raw of events) await meta(raw);
    for (const raw of events) await meta(raw); // redelivered, the same bytes
    // The same status again with another timestamp (Meta's retry of a batch): still the same wamid + status.
    await meta(statusEvent([{ id: sent.externalId, status: 'delivered' }], customer).replace('1795945841', '1795945999'));
    const written = await writtenSince(mark);
    expect(written.filter((d) => d.webhook === 'passthrough').map((d) => d.body)).toEqual(events);
    expect(written.filter((d) => d.webhook === 'chakra').map((d) => d.event)).toEqual([
      'message',
      'status',
      'deliveryStatus',
      'smb_message_echo',
    ]);
    await passThrough.waitFor(4);
    await chakra.waitFor(4);
    // Each once; in any order, since the template event is not about the customer (another
    // order key: it may overtake or be overtaken).
    expect(passThrough.received.map((r) => r.raw).sort()).toEqual([...events].sort());
    expect(chakra.received.map((r) => r.json.event)).toEqual(['message', 'status', 'deliveryStatus', 'smb_message_echo']);
  });

  it('a copy that arrives in the same batch as the original is forwarded once too', async () => {
    await configure({ passThroughWebhookUrl: passThrough.url, enableChakraWebhook: false });
    const raw = messageEvent(phone(), `wamid.${randomUUID()}`, 'twice at once');
    const mark = await lastDelivery();
    await Promise.all([meta(raw), meta(raw), meta(raw)]);
    expect(await writtenSince(mark)).toEqual([{ webhook: 'passthrough', event: 'passthrough.messages', body: raw }]);
    await passThrough.waitFor(1);
    expect(passThrough.received.map((r) => r.raw)).toEqual([raw]);
  });
});

describe('Chakra webhook', () => {
  it('sends message, status and the legacy deliveryStatus events, each status once, in order per customer', async () => {
    await configure({
      passThroughWebhookUrl: '',
      enableChakraWebhook: true,
      chakraWebhookUrl: chakra.url,
      whichChakraWebhookEventsToSend: [],
    });
    const customer = phone();
    const sent = await sendTemplate(customer);
    const incoming = `wamid.${randomUUID()}`;
    const mark = await lastDelivery();
    await meta(statusEvent([{ id: sent.externalId, status: 'sent' }], customer));
    await meta(
      statusEvent(
        [
          { id: sent.externalId, status: 'delivered' },
          { id: sent.externalId, status: 'sent' },
        ],
        customer,
      ),
    );
    await meta(messageEvent(customer, incoming, 'Thanks!'));
    await meta(messageEvent(customer, incoming, 'Thanks!')); // Meta's retry: not news
    await meta(
      statusEvent(
        [
          { id: sent.externalId, status: 'read' },
          { id: sent.externalId, status: 'read' },
        ],
        customer,
      ),
    );
    const written = await writtenSince(mark);
    await chakra.waitFor(written.length);
    // One customer, so they arrive in the order they were written.
    expect(chakra.received.map((r) => r.raw)).toEqual(written.map((d) => d.body));
    const got = chakra.received.map((r) => r.json);
    // Each status Meta reports is news once: the second `sent` came after `delivered` (behind),
    // the second `read` is a repeat.
    expect(got.map((b) => `${b.event}:${b.payload.deliveryStatus ?? b.payload.message?.id}`)).toEqual([
      'status:SENT',
      'deliveryStatus:SENT',
      'status:DELIVERED',
      'deliveryStatus:DELIVERED',
      `message:${incoming}`,
      'status:READ',
      'deliveryStatus:READ',
    ]);
    expect(got[0].payload).toMatchObject({
      pluginId: PLUGIN,
      id: sent.id,
      externalId: sent.externalId,
      recipientId: customer,
      timestamp: 1795945841000,
    });
    expect(got[1].payload).toEqual({
      id: sent.id,
      externalId: sent.externalId,
      deliveryStatus: 'SENT',
      timestamp: 1795945841000,
      recipientId: customer,
    });
    expect(got[4].payload).toMatchObject({
      pluginId: PLUGIN,
      whatsappPhoneNumberId: PNID,
      contact: { phoneNumber: customer, name: 'Asha' },
      chatMessage: { externalId: incoming, direction: 'INCOMING', text: 'Thanks!' },
      message: { id: incoming, text: { body: 'Thanks!' } },
    });
    for (const r of chakra.received) {
      expect(r.headers['x-chakra-signature-256']).toBe(hmac(r.raw));
      expect(r.headers['x-chakra-event']).toBe(r.json.event);
    }
  });

  it('sends only the kinds listed; a failed status carries Meta’s errors', async () => {
    await configure({ enableChakraWebhook: true, chakraWebhookUrl: chakra.url, whichChakraWebhookEventsToSend: ['status'] });
    const customer = phone();
    const sent = await sendTemplate(customer);
    const mark = await lastDelivery();
    await meta(messageEvent(customer, `wamid.${randomUUID()}`, 'not forwarded'));
    await meta(
      statusEvent(
        [
          {
            id: sent.externalId,
            status: 'failed',
            errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
          },
        ],
        customer,
      ),
    );
    expect((await writtenSince(mark)).map((d) => d.event)).toEqual(['status']);
    await chakra.waitFor(1);
    expect(chakra.received.map((r) => r.json)).toEqual([
      {
        event: 'status',
        payload: {
          pluginId: PLUGIN,
          wabaId: '83784929738012',
          id: sent.id,
          externalId: sent.externalId,
          deliveryStatus: 'FAILED',
          timestamp: 1795945841000,
          recipientId: customer,
          errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
        },
      },
    ]);
  });

  it('a status never overtakes the message before it, even while that one is being retried', async () => {
    await configure({ enableChakraWebhook: true, chakraWebhookUrl: chakra.url, whichChakraWebhookEventsToSend: ['message', 'status'] });
    const customer = phone();
    const sent = await sendTemplate(customer);
    let first = true;
    chakra.answer = (r) => {
      if (!first || r.json.event !== 'message') return 200;
      first = false;
      return 503;
    };
    const incoming = `wamid.${randomUUID()}`;
    await meta(messageEvent(customer, incoming, 'first'));
    await meta(statusEvent([{ id: sent.externalId, status: 'delivered' }], customer));
    await chakra.waitFor(3);
    expect(chakra.received.map((r) => r.json.event)).toEqual(['message', 'message', 'status']);
    expect(chakra.received[0].headers['x-chakra-delivery-id']).toBe(chakra.received[1].headers['x-chakra-delivery-id']);
  });
});
