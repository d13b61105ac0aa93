/**
 * The demo plugin on the bundled sandbox (`graphApiUrl: sandbox`, no WHATSAPP_GRAPH_URL): the
 * WhatsApp endpoints work with no Meta at all, and the sandbox answers as Meta would. Also
 * `chakra sandbox` on a port of its own.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN, PNID, WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { startReceiver } from './helpers/webhook-receiver.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ KEY_CACHE_TTL_MS: '0' });
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown) => call(s.url, method, path, { key: s.demoKey, body });
const templatesPath = `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`;
const messagesPath = `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`;
const sendTo = (phone: string) => `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/${phone}/send-template-message`;

describe('the in-process sandbox', () => {
  it('lists its example templates in Meta’s shape', async () => {
    const res = await api('GET', templatesPath);
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.map((t: any) => [t.name, t.language, t.status])).toEqual([
      ['hello_world', 'en_US', 'APPROVED'],
      ['order_update', 'en', 'APPROVED'],
      ['christmas_promo_23', 'en_US', 'APPROVED'],
    ]);
  });

  it('takes a template send and answers the stored message with a wamid', async () => {
    const res = await api('POST', sendTo('919900112233'), {
      whatsappPhoneNumberId: PNID,
      templateName: 'order_update',
      mapping: [
        { schemaPropertyName: '1', schemaPropertyValue: 'Asha' },
        { schemaPropertyName: '2', schemaPropertyValue: 'A-17' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data).toMatchObject({
      deliveryStatus: 'SENT',
      externalId: expect.stringMatching(/^wamid\./),
      text: 'Hi Asha, your order A-17 is on its way.',
    });
  });

  it('keeps the templates a user creates (approved at once) and sends them', async () => {
    const created = await api('POST', templatesPath, {
      name: 'visit_reminder',
      language: 'en',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'See you at {{1}}' }],
    });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ id: expect.any(String), status: 'APPROVED', category: 'UTILITY' });
    const again = await api('POST', templatesPath, { name: 'visit_reminder', language: 'en', category: 'UTILITY' });
    expect(again.status).toBe(400);
    expect(again.json.error.message).toMatch(/already exists/);

    const res = await api('POST', sendTo('919900112234'), {
      whatsappPhoneNumberId: PNID,
      templateName: 'visit_reminder',
      mapping: [{ schemaPropertyName: '1', schemaPropertyValue: '10:00' }],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data.text).toBe('See you at 10:00');
  });

  it('refuses as Meta does what reaches it unchecked (pass-through): wrong parameter count, unknown template, bad number', async () => {
    const template = (name: string, params: string[]) => ({
      messaging_product: 'whatsapp',
      to: '919900112235',
      type: 'template',
      template: {
        name,
        language: { code: 'en' },
        components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }],
      },
    });
    const count = await api('POST', messagesPath, template('order_update', ['only one']));
    expect(count.status).toBe(400);
    expect(count.json.error).toMatchObject({
      code: 132000,
      error_data: { details: 'body: number of localizable_params (1) does not match the expected number of params (2)' },
    });
    const unknown = await api('POST', messagesPath, template('no_such_template', []));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe(132001);
    const phone = await api('POST', messagesPath, { messaging_product: 'whatsapp', to: '12', type: 'text', text: { body: 'hi' } });
    expect(phone.status).toBe(400);
    expect(phone.json.error).toMatchObject({ code: 100, error_data: { details: 'Invalid WhatsApp ID' } });
  });

  it("enforces the number's throughput with 130429; paced template sends never hit it", async () => {
    await s.ctx.db.run('update whatsapp_plugins set messages_per_second = 5 where id = $1', [PLUGIN]);
    const text = (i: number) => ({ messaging_product: 'whatsapp', to: '919900112236', type: 'text', text: { body: `burst ${i}` } });
    // The pass-through is not paced by us: a burst goes straight to the sandbox.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => api('POST', messagesPath, text(i))));
    const refused = burst.filter((r) => r.status === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].json.error).toMatchObject({ code: 130429, message: '(#130429) Rate limit hit' });

    await new Promise((r) => setTimeout(r, 1000)); // let the bucket fill again
    const sends = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api('POST', sendTo('919900112237'), {
          whatsappPhoneNumberId: PNID,
          templateName: 'hello_world',
          language: 'en_US',
          mapping: [],
          headerMapping: [],
        }).then((r) => [r.status, i]),
      ),
    );
    expect(sends.map(([status]) => status)).toEqual(Array(8).fill(200));
  });
});

describe("the sandbox's pretend customer", () => {
  it('answers a template with signed sent, delivered and read statuses and a reply, forwarded to the Chakra webhook and kept in the chat store', async () => {
    const t = await startTestServer({ SANDBOX_CALLBACKS: 'true', SANDBOX_CALLBACK_UNIT_MS: '40', DEMO_WEBHOOK_HMAC_SECRET: 'loop-secret' });
    const receiver = await startReceiver();
    try {
      const tapi = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.demoKey, body });
      await tapi('POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, {
        enableChakraWebhook: true,
        chakraWebhookUrl: receiver.url,
        whichChakraWebhookEventsToSend: ['message', 'status'],
      });
      const sent = await tapi('POST', sendTo('919900112299'), { whatsappPhoneNumberId: PNID, templateName: 'hello_world' });
      expect(sent.status, sent.text).toBe(200);
      const got = await receiver.waitFor(4);
      expect(got.map((r) => `${r.json.event}:${r.json.payload.deliveryStatus ?? r.json.payload.message.type}`)).toEqual([
        'status:SENT',
        'status:DELIVERED',
        'status:READ',
        'message:text',
      ]);
      expect(
        got.every(
          (r) =>
            r.json.payload.externalId === sent.json._data.externalId || r.json.payload.message?.context?.id === sent.json._data.externalId,
        ),
      ).toBe(true);
      expect(got[3].json.payload.message.text.body).toBe("Thanks! (a sandbox customer's reply to hello_world)");
      const chat = await tapi('POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
        customerPhoneNumber: '919900112299',
      });
      expect(chat.json._data.map((m: any) => [m.direction, m.deliveryStatus])).toEqual([
        ['INCOMING', 'DELIVERED'],
        ['OUTGOING', 'READ'],
      ]);
      // The sandbox posted through the signed inbound webhook: every event is stored as received.
      expect((await t.ctx.db.query('select count(*)::int as n from whatsapp_inbound_events'))[0].n).toBe(4);
    } finally {
      await receiver.close();
      await t.close();
    }
  });

  it('does not answer session messages, so a bot replying to every message cannot loop with it', async () => {
    const t = await startTestServer({ SANDBOX_CALLBACKS: 'true', SANDBOX_CALLBACK_UNIT_MS: '20' });
    try {
      const res = await call(t.url, 'POST', messagesPath, {
        key: t.demoKey,
        body: { messaging_product: 'whatsapp', to: '919900112298', type: 'text', text: { body: 'hello' } },
      });
      expect(res.status, res.text).toBe(200);
      await new Promise((r) => setTimeout(r, 600));
      const events = await t.ctx.db.query<{ raw: string }>('select raw from whatsapp_inbound_events');
      expect(events.map((e) => JSON.parse(e.raw).entry[0].changes[0].value.statuses?.[0]?.status)).toEqual(['sent', 'delivered', 'read']);
    } finally {
      await t.close();
    }
  });
});

describe('chakra sandbox', () => {
  it('serves the sandbox on its own port and answers a send as Meta does', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--port', '0', '--messages-per-second', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const unauthorised = await fetch(`${url}/v22.0/${PNID}/messages`, { method: 'POST' });
      expect(unauthorised.status).toBe(401);
      const res = await fetch(`${url}/v22.0/${PNID}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer any', 'content-type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          to: '919900112233',
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US' } },
        }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        messaging_product: 'whatsapp',
        contacts: [{ input: '919900112233', wa_id: '919900112233' }],
        messages: [{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }],
      });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
