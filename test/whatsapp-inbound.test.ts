/**
 * The inbound webhook Meta calls: the subscription handshake, and signed events stored exactly
 * as received; anything unsigned, wrongly signed, malformed or oversized is refused and leaves
 * nothing behind.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PLUGIN, PNID, WABA } from './helpers/demo-whatsapp.ts';
import { startMetaDouble } from './helpers/meta-double.ts';
import { statusEvent } from './helpers/meta-events.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let appSecret: string;
let verifyToken: string;
beforeAll(async () => {
  // Template statuses change under the test's feet: no per-process cache may hide that.
  s = await startTestServer({ KEY_CACHE_TTL_MS: '0' });
  // The demo plugin's secrets were generated at the first apply (it is on the sandbox).
  const [row] = await s.ctx.db.query('select app_secret_enc, verify_token_enc from whatsapp_plugins where id = $1', [PLUGIN]);
  appSecret = s.ctx.secrets.decrypt(row.app_secret_enc);
  verifyToken = s.ctx.secrets.decrypt(row.verify_token_enc);
});
afterAll(() => s?.close());
beforeEach(() => s.ctx.db.run('delete from whatsapp_inbound_events'));

const hook = `/v1/webhooks/whatsapp/${PLUGIN}`;
const sign = (raw: string | Buffer, secret = appSecret) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const post = (raw: string | Buffer, headers: Record<string, string> = {}, path = hook) =>
  call(s.url, 'POST', path, { raw, headers: { 'content-type': 'application/json', ...headers } });
const stored = () => s.ctx.db.query('select * from whatsapp_inbound_events');

// Meta's shape for an incoming text message, with its own key order and spacing.
const EVENT =
  '{"object":"whatsapp_business_account","entry":[{"id":"83784929738012","changes":[{"value":{"messaging_product":"whatsapp",' +
  `"metadata":{"display_phone_number":"917259775805","phone_number_id":"${PNID}"},` +
  '"contacts":[{"profile":{"name":"Asha"},"wa_id":"919900112233"}],' +
  '"messages":[{"from":"919900112233","id":"wamid.HBgMOTE5OTAwMTEyMjMzFQIAEhgg","timestamp":"1795945841","text":{"body":"Is my order on its way? \\u00e9"},"type":"text"}]},' +
  '"field":"messages"}]}]}';

describe('subscription handshake', () => {
  it("echoes hub.challenge as text when the verify token is the plugin's", async () => {
    const res = await call(
      s.url,
      'GET',
      `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('1158201444');
  });

  it('answers 403 naming what is wrong, and 404 for an unknown plugin', async () => {
    const wrong = await call(s.url, 'GET', `${hook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
    expect(wrong.json._errors[0]).toBe("hub.verify_token: does not match the plugin's verify token");
    const mode = await call(
      s.url,
      'GET',
      `${hook}?hub.mode=unsubscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1`,
    );
    expect(mode.status).toBe(403);
    expect(mode.json._errors[0]).toBe('hub.mode: must be subscribe');
    const challenge = await call(s.url, 'GET', `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}`);
    expect(challenge.status).toBe(403);
    const unknown = await call(
      s.url,
      'GET',
      `/v1/webhooks/whatsapp/00000000-0000-4000-8000-000000000000?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.json._errors[0]).toBe('plugin 00000000-0000-4000-8000-000000000000 not found');
  });
});

describe('events', () => {
  it('stores a signed event byte for byte before answering 200', async () => {
    const res = await post(EVENT, { 'x-hub-signature-256': sign(EVENT) });
    expect(res.status, res.text).toBe(200);
    const rows = await stored();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ raw: EVENT, plugin_id: PLUGIN });
  });

  it('refuses without storing: no signature, a wrong one, one over other bytes, a malformed header', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'X-Hub-Signature-256: is required'],
      [{ 'x-hub-signature-256': sign(EVENT, 'another secret') }, 'X-Hub-Signature-256: does not match the body'],
      [{ 'x-hub-signature-256': sign(`${EVENT} `) }, 'X-Hub-Signature-256: does not match the body'],
      [{ 'x-hub-signature-256': 'sha1=abc' }, 'X-Hub-Signature-256: must be sha256=<64 hex digits>'],
    ];
    for (const [headers, message] of cases) {
      const res = await post(EVENT, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.json._errors[0]).toBe(message);
    }
    expect(await stored()).toEqual([]);
  });

  it('refuses signed bodies that are not a JSON object (truncated, not JSON, an array), an oversized body and an unknown plugin', async () => {
    for (const raw of [EVENT.slice(0, 80), 'hello', '[1,2]']) {
      const res = await post(raw, { 'x-hub-signature-256': sign(raw) });
      expect(res.status, raw).toBe(400);
    }
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a');
    const big = await post(huge, { 'x-hub-signature-256': sign(huge) });
    expect(big.status).toBe(413);
    const unknown = await post(EVENT, { 'x-hub-signature-256': sign(EVENT) }, '/v1/webhooks/whatsapp/not-a-plugin');
    expect(unknown.status).toBe(404);
    expect(await stored()).toEqual([]);
  });
});

/** Polls the chat store (as a client would) until `ready` holds for the phone's messages. */
async function messagesOf(phone: string, ready: (messages: any[]) => boolean, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(s.url, 'POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
      key: s.demoKey,
      body: { customerPhoneNumber: phone, limit: 100 },
    });
    if (ready(res.json._data)) return res.json._data;
    if (Date.now() > until) throw new Error(`not ready: ${res.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
/** Waits until every stored event is processed. */
async function processed(timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while ((await s.ctx.db.query('select count(*)::int as n from whatsapp_inbound_events where processed_at is null'))[0].n > 0) {
    if (Date.now() > until) throw new Error('events still unprocessed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('processing', () => {
  it("an incoming message becomes an INCOMING chat message; Meta's retry of the same event stores nothing more", async () => {
    for (let i = 0; i < 2; i++) expect((await post(EVENT, { 'x-hub-signature-256': sign(EVENT) })).status).toBe(200);
    const [message] = await messagesOf('919900112233', (ms) => ms.length > 0);
    expect(message).toMatchObject({
      direction: 'INCOMING',
      externalId: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAEhgg',
      dataType: 'text',
      text: 'Is my order on its way? é',
      plugin: PLUGIN,
    });
    await processed();
    expect(await messagesOf('919900112233', () => true)).toHaveLength(1);
  });

  it('statuses only move forward whatever order and repetition Meta sends them in; FAILED sticks with its reason (random cases; STATUS_SEED=n replays)', async () => {
    const seed0 = Number(process.env.STATUS_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let seed = seed0 || 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const CASES = 25;
    const wamids: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900112240/send-template-message`, {
        key: s.demoKey,
        body: { whatsappPhoneNumberId: PNID, templateName: 'hello_world' },
      });
      expect(res.status, res.text).toBe(200);
      wamids.push(res.json._data.externalId);
    }
    // Each message: Meta's statuses up to a random top, each repeated 1-3 times, plus a random
    // subset of lower ones again; every case shuffled and all of them interleaved in random batches.
    const ORDER = ['sent', 'delivered', 'read', 'failed'];
    const failure = {
      code: 131026,
      title: 'Message undeliverable',
      error_data: { details: 'Receiver is incapable of receiving this message' },
    };
    const tops = wamids.map(() => pick(ORDER));
    const all = wamids.flatMap((id, i) => {
      const reached =
        tops[i] === 'failed' ? [...ORDER.slice(0, Math.floor(random() * 3)), 'failed'] : ORDER.slice(0, ORDER.indexOf(tops[i]) + 1);
      return reached.flatMap((status) =>
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ id, status, ...(status === 'failed' ? { errors: [failure] } : {}) })),
      );
    });
    all.sort(() => random() - 0.5);
    for (let i = 0; i < all.length; ) {
      const n = 1 + Math.floor(random() * 4);
      const raw = statusEvent(all.slice(i, i + n));
      expect((await post(raw, { 'x-hub-signature-256': sign(raw) })).status).toBe(200);
      i += n;
    }
    await processed();
    const final = await messagesOf('919900112240', () => true);
    const byWamid = new Map<string, any>(final.map((m: any) => [m.externalId, m]));
    expect(
      wamids.map((w) => byWamid.get(w).deliveryStatus),
      `STATUS_SEED=${seed0}`,
    ).toEqual(tops.map((t) => t.toUpperCase()));
    for (const [i, w] of wamids.entries()) {
      if (tops[i] === 'failed')
        expect(byWamid.get(w).error, `STATUS_SEED=${seed0}`).toEqual({
          code: 131026,
          title: 'Message undeliverable',
          details: 'Receiver is incapable of receiving this message',
        });
    }
  });
});

describe('a status that overtakes its message', () => {
  it('waits for the message and is applied the moment the message is stored with its wamid', async () => {
    const meta = await startMetaDouble();
    meta.templates.set(WABA, [
      {
        id: '930001',
        name: 'order_notice',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Order {{1}} is on its way' }],
      },
    ]);
    const other = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
    try {
      const [row] = await other.ctx.db.query('select app_secret_enc from whatsapp_plugins where id = $1', [PLUGIN]);
      const secret = other.ctx.secrets.decrypt(row.app_secret_enc);
      // The double numbers its wamids: the first message it accepts gets this one.
      const wamid = `wamid.HBgM${Buffer.from('1000000').toString('base64')}`;
      const raw = statusEvent([{ id: wamid, status: 'delivered' }]);
      const res = await call(other.url, 'POST', hook, {
        raw,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, secret) },
      });
      expect(res.status).toBe(200);
      for (let i = 0; i < 300; i++) {
        if ((await other.ctx.db.query('select 1 from whatsapp_inbound_events where processed_at is null')).length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const sent = await call(other.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900112250/send-template-message`, {
        key: other.demoKey,
        body: {
          whatsappPhoneNumberId: PNID,
          templateName: 'order_notice',
          mapping: [{ schemaPropertyName: '1', schemaPropertyValue: 'Z-1' }],
        },
      });
      expect(sent.status, sent.text).toBe(200);
      expect(sent.json._data).toMatchObject({ externalId: wamid, deliveryStatus: 'DELIVERED' });
    } finally {
      await other.close();
      await meta.close();
    }
  });
});

describe('events PostgreSQL cannot store as they are', () => {
  const textEvent = (from: string, wamid: string, bodyJson: string) =>
    '{"object":"whatsapp_business_account","entry":[{"id":"83784929738012","changes":[{"value":{"messaging_product":"whatsapp",' +
    `"metadata":{"display_phone_number":"917259775805","phone_number_id":"${PNID}"},` +
    `"contacts":[{"profile":{"name":"Asha"},"wa_id":"${from}"}],` +
    `"messages":[{"from":"${from}","id":"${wamid}","timestamp":"1795945841","text":{"body":${bodyJson}},"type":"text"}]},` +
    '"field":"messages"}]}]}';

  it('a message holding \\u0000 or a lone surrogate is stored with U+FFFD, and the messages behind it are stored too', async () => {
    const events = [
      textEvent('919900112280', 'wamid.nul', '"before\\u0000after"'),
      textEvent('919900112280', 'wamid.surrogate', '"half \\ud800 pair"'),
      textEvent('919900112280', 'wamid.plain', '"an ordinary one"'),
    ];
    for (const raw of events) expect((await post(raw, { 'x-hub-signature-256': sign(raw) })).status).toBe(200);
    const messages = await messagesOf('919900112280', (ms) => ms.length === 3);
    expect(messages.map((m: any) => m.text).sort()).toEqual(['an ordinary one', 'before\uFFFDafter', 'half \uFFFD pair']);
    // The raw event stays exactly as Meta signed it.
    expect((await s.ctx.db.query('select raw from whatsapp_inbound_events order by seq')).map((e: any) => e.raw)).toEqual(events);
  });

  it('an event that fails even alone is set aside with the reason; the events behind it are processed', async () => {
    // A failure no validation foresaw, made real by the database itself.
    await s.ctx.db.exec(`create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.external_id = 'wamid.poison' then raise exception 'poisoned message'; end if; return new; end $$;
      create trigger refuse_poison before insert on chat_messages for each row execute function refuse_poison();`);
    try {
      const events = ['wamid.ok-1', 'wamid.poison', 'wamid.ok-2'].map((id) => textEvent('919900112290', id, `"${id}"`));
      for (const raw of events) expect((await post(raw, { 'x-hub-signature-256': sign(raw) })).status).toBe(200);
      const messages = await messagesOf('919900112290', (ms) => ms.length === 2);
      expect(messages.map((m: any) => m.externalId).sort()).toEqual(['wamid.ok-1', 'wamid.ok-2']);
      await processed();
      const aside = await s.ctx.db.query('select raw, error from whatsapp_inbound_events where error is not null');
      expect(aside).toEqual([{ raw: events[1], error: expect.stringContaining('poisoned message') }]);
    } finally {
      await s.ctx.db.exec('drop trigger refuse_poison on chat_messages; drop function refuse_poison();');
    }
  });
});

describe('statuses left waiting', () => {
  it('a status that missed its message (stored in the same instant) is applied by the next sweep', async () => {
    const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900112260/send-template-message`, {
      key: s.demoKey,
      body: { whatsappPhoneNumberId: PNID, templateName: 'hello_world' },
    });
    expect(res.json._data.deliveryStatus).toBe('SENT');
    // What the race leaves behind: the status waiting although its message is there.
    const [team] = await s.ctx.db.query('select team_id from whatsapp_plugins where id = $1', [PLUGIN]);
    await s.ctx.db.run(`insert into whatsapp_pending_statuses (team_id, external_id, delivery_status) values ($1, $2, 'READ')`, [
      team.team_id,
      res.json._data.externalId,
    ]);
    const [message] = await messagesOf('919900112260', (ms) => ms[0]?.deliveryStatus === 'READ', 12_000);
    expect(message.externalId).toBe(res.json._data.externalId);
    expect(await s.ctx.db.query('select * from whatsapp_pending_statuses where external_id = $1', [res.json._data.externalId])).toEqual([]);
  });
});

describe('template status updates', () => {
  it('reach the template cache at once: a PAUSED template is refused (422) until Meta approves it again', async () => {
    const send = () =>
      call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900112270/send-template-message`, {
        key: s.demoKey,
        body: { whatsappPhoneNumberId: PNID, templateName: 'hello_world' },
      });
    expect((await send()).status).toBe(200);
    const list = await call(s.url, 'GET', `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates?name=hello_world`, {
      key: s.demoKey,
    });
    const templateId = Number(list.json.data[0].id);
    const update = (status: string) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            time: 1795945841,
            changes: [
              {
                value: {
                  event: status,
                  message_template_id: templateId,
                  message_template_name: 'hello_world',
                  message_template_language: 'en_US',
                  reason: status === 'PAUSED' ? 'LOW_QUALITY' : 'NONE',
                },
                field: 'message_template_status_update',
              },
            ],
          },
        ],
      });
    for (const [status, expected] of [
      ['PAUSED', 422],
      ['APPROVED', 200],
    ] as const) {
      const raw = update(status);
      expect((await post(raw, { 'x-hub-signature-256': sign(raw) })).status).toBe(200);
      await processed();
      const res = await send();
      expect(res.status, `${status}: ${res.text}`).toBe(expected);
    }
  });
});
