/**
 * WhatsApp Calling as ChakraHQ's chat SDK calls it (docs/whatsapp.md#calling): its exact
 * requests reach Meta (a recording double) unchanged and Meta's JSON comes back as Meta answered;
 * another team's number is a 404 that never reaches Meta; Meta's `calls` webhook events are
 * forwarded as received, offered to the Chakra webhook as `call` when asked for, and kept as a
 * call log in the chat store, in order between the conversation's messages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PLUGIN, PNID } from './helpers/demo-whatsapp.ts';
import { startMetaDouble, type MetaDouble } from './helpers/meta-double.ts';
import { callsEvent, messageEvent, signMeta } from './helpers/meta-events.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

const SDK = { authorization: '', accept: 'application/json', 'x-chakra-sdk': 'chakra-chat-sdk/0.3.0' };
const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';
const base = `/v1/whatsapp/v23.0/${PNID}`;

let s: TestServer;
let meta: MetaDouble;
let otherKey: string;
let appSecret: string;
let passThrough: Receiver;
let chakra: Receiver;

beforeAll(async () => {
  meta = await startMetaDouble();
  s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
  otherKey = await addTeamWithLeads(s, 'acme');
  const [row] = await s.ctx.db.query('select app_secret_enc from whatsapp_plugins where id = $1', [PLUGIN]);
  appSecret = s.ctx.secrets.decrypt(row.app_secret_enc);
  passThrough = await startReceiver('/meta');
  chakra = await startReceiver('/chakra');
}, 60_000);
afterAll(async () => {
  await passThrough?.close();
  await chakra?.close();
  await s?.close();
  await meta?.close();
});
beforeEach(() => {
  meta.requests.length = 0;
  passThrough.received.length = 0;
  chakra.received.length = 0;
});

/** A request as the chat SDK's HTTP client sends it: its headers, JSON body, query by URLSearchParams. */
const sdk = (method: string, path: string, body?: unknown, key = s.demoKey) =>
  call(s.url, method, path, {
    key,
    headers: {
      accept: SDK.accept,
      'x-chakra-sdk': SDK['x-chakra-sdk'],
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    raw: body === undefined ? undefined : JSON.stringify(body),
  });
/**
 * Posts one Meta event and waits until it is processed: a call's events come seconds apart.
 * (Events processed in one batch share their time in the chat store; docs/whatsapp.md says so.)
 */
const postMeta = async (raw: string) => {
  const res = await call(s.url, 'POST', `/v1/webhooks/whatsapp/${PLUGIN}`, {
    raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, appSecret) },
  });
  expect(res.status, res.text).toBe(200);
  await processed();
};
async function processed() {
  for (let i = 0; (await s.ctx.db.query('select 1 from whatsapp_inbound_events where processed_at is null')).length > 0; i++) {
    if (i > 300) throw new Error('events still unprocessed');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const history = async (phone: string) => {
  const res = await call(s.url, 'POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
    key: s.demoKey,
    body: { customerPhoneNumber: phone, limit: 50 },
  });
  expect(res.status, res.text).toBe(200);
  return (res.json._data as { dataType: string; text: string; direction: string; externalId: string }[]).reverse();
};

describe('the chat SDK calling namespace', () => {
  it('getSettings and updateSettings: the exact path, query and body reach Meta; Meta answers as it answered', async () => {
    const settings = {
      calling: {
        status: 'ENABLED',
        call_icon_visibility: 'DEFAULT',
        callback_permission_status: 'ENABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'Asia/Kolkata',
          weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1800' }],
          holiday_schedule: [{ date: '2027-01-26', start_time: '0000', end_time: '2359' }],
        },
        sip: { status: 'ENABLED', servers: [{ hostname: 'sip.example.com', port: 5061, sip_user_password: 's3cret-sip' }] },
      },
    };
    const updated = await sdk('POST', `${base}/settings`, settings);
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json).toEqual({ success: true });
    expect(meta.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v23.0/${PNID}/settings`, contentType: 'application/json' });
    expect(JSON.parse(meta.requests.at(-1)!.body)).toEqual(settings);

    const plain = await sdk('GET', `${base}/settings`);
    expect(plain.status).toBe(200);
    expect(plain.json.calling.sip.servers[0].sip_user_password).toBeUndefined();
    const withSecrets = await sdk('GET', `${base}/settings?include_sip_credentials=true`);
    expect(meta.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v23.0/${PNID}/settings`, query: 'include_sip_credentials=true' });
    expect(withSecrets.json.calling.sip.servers[0].sip_user_password).toBe('s3cret-sip');
    // A SIP password passes through: never in the server's logs.
    expect(JSON.stringify(s.logs)).not.toContain('s3cret-sip');
  });

  it('getPermissions: user_wa_id reaches Meta as sent, the permission comes back', async () => {
    const res = await sdk('GET', `${base}/call_permissions?user_wa_id=919876500001`);
    expect(res.status, res.text).toBe(200);
    expect(meta.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/v23.0/${PNID}/call_permissions`,
      query: 'user_wa_id=919876500001',
    });
    expect(res.json).toMatchObject({ messaging_product: 'whatsapp', permission: { status: 'temporary' } });
  });

  it('connect, preAccept, accept, reject and terminate: the bodies the SDK builds reach Meta verbatim', async () => {
    const bodies = [
      {
        messaging_product: 'whatsapp',
        action: 'connect',
        to: '919876500002',
        session: { sdp_type: 'offer', sdp: OFFER },
        biz_opaque_callback_data: 'lead-42',
        recording: { status: 'ENABLED' },
      },
      { messaging_product: 'whatsapp', action: 'pre_accept', call_id: 'wacid.IN1', session: { sdp_type: 'answer', sdp: OFFER } },
      { messaging_product: 'whatsapp', action: 'accept', call_id: 'wacid.IN1', session: { sdp_type: 'answer', sdp: OFFER } },
      { messaging_product: 'whatsapp', action: 'reject', call_id: 'wacid.IN2' },
      { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.IN1', biz_opaque_callback_data: 'lead-42' },
    ];
    const answers = [];
    for (const body of bodies) {
      const res = await sdk('POST', `${base}/calls`, body);
      expect(res.status, res.text).toBe(200);
      expect(meta.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v23.0/${PNID}/calls` });
      expect(JSON.parse(meta.requests.at(-1)!.body)).toEqual(body);
      answers.push(res.json);
    }
    expect(answers[0]).toEqual({ messaging_product: 'whatsapp', calls: [{ id: expect.stringMatching(/^wacid\./) }] });
    for (const answer of answers.slice(1)) expect(answer).toEqual({ messaging_product: 'whatsapp', success: true });
    // The placed call is in the conversation at once.
    const [logged] = (await history('919876500002')).filter((m) => m.dataType === 'call');
    expect(logged).toMatchObject({ externalId: answers[0].calls[0].id, direction: 'OUTGOING', text: 'Call, calling' });
  });

  it("Meta's refusal keeps Meta's status and carries both _errors and Meta's error", async () => {
    const res = await sdk('POST', `${base}/calls`, {
      messaging_product: 'whatsapp',
      action: 'connect',
      to: '919876500000',
      session: { sdp_type: 'offer', sdp: OFFER },
    });
    expect(res.status).toBe(400);
    expect(res.json._errors[0]).toContain('138006');
    expect(res.json.error).toMatchObject({ code: 138006 });
  });

  it("another team's number is a 404 and nothing reaches Meta; bad input is refused before Meta", async () => {
    for (const [method, path, body] of [
      ['GET', `${base}/settings`, undefined],
      ['POST', `${base}/settings`, { calling: { status: 'ENABLED' } }],
      ['GET', `${base}/call_permissions?user_wa_id=919876500003`, undefined],
      ['POST', `${base}/calls`, { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X' }],
    ] as const) {
      const res = await sdk(method, path, body, otherKey);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json._errors[0]).toContain(PNID);
    }
    const unknownNumber = await sdk('GET', '/v1/whatsapp/v23.0/123456789/settings');
    expect(unknownNumber.status).toBe(404);
    const badAction = await sdk('POST', `${base}/calls`, { messaging_product: 'whatsapp', action: 'hold', call_id: 'wacid.X' });
    expect(badAction.status).toBe(400);
    expect(badAction.json._errors[0]).toMatch(/^action: /);
    const badSession = await sdk('POST', `${base}/calls`, {
      messaging_product: 'whatsapp',
      action: 'connect',
      to: '919876500004',
      session: { sdp_type: 'pranswer', sdp: OFFER },
    });
    expect(badSession.status).toBe(400);
    expect(badSession.json._errors[0]).toMatch(/^session\.sdp_type: /);
    expect(meta.requests).toHaveLength(0);
  });

  it('privileges: calls take whatsapp:send, settings whatsapp:manage', async () => {
    const created = await call(s.url, 'POST', '/v1/admin/teams/demo/api-keys', {
      key: s.demoKey,
      body: { name: 'agent', role: 'inside_sales' },
    });
    const agent = created.json._data.key;
    expect((await sdk('GET', `${base}/call_permissions?user_wa_id=919876500005`, undefined, agent)).status).toBe(200);
    const refused = await sdk('POST', `${base}/settings`, { calling: { status: 'DISABLED' } }, agent);
    expect(refused.status).toBe(403);
    expect(refused.json._errors[0]).toContain('whatsapp:manage');
  });
});

describe("Meta's call events", () => {
  const customer = '919876511111';
  const connect = (id: string, direction: string, extra: object = {}) => ({
    id,
    from: direction === 'USER_INITIATED' ? customer : '917259775805',
    to: direction === 'USER_INITIATED' ? '917259775805' : customer,
    event: 'connect',
    timestamp: '1796371200',
    direction,
    session: { sdp_type: direction === 'USER_INITIATED' ? 'offer' : 'answer', sdp: OFFER },
    ...extra,
  });
  const terminate = (id: string, direction: string, duration: number, status = 'COMPLETED') => ({
    ...connect(id, direction),
    event: 'terminate',
    session: undefined,
    status,
    start_time: '1796371200',
    end_time: String(1796371200 + duration),
    duration,
  });

  it('are forwarded as received, offered as `call` to a Chakra webhook that asks, and logged in order between messages', async () => {
    const configured = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, {
      key: s.demoKey,
      body: {
        passThroughWebhookUrl: passThrough.url,
        enableChakraWebhook: true,
        chakraWebhookUrl: chakra.url,
        whichChakraWebhookEventsToSend: ['message', 'call'],
      },
    });
    expect(configured.status, configured.text).toBe(200);

    await postMeta(messageEvent(customer, 'wamid.CALL-BEFORE', 'Can you call me?'));
    const answered = callsEvent({
      contacts: [{ profile: { name: 'Asha' }, wa_id: customer }],
      calls: [connect('wacid.ANSWERED', 'USER_INITIATED')],
    });
    await postMeta(answered);
    await postMeta(callsEvent({ calls: [terminate('wacid.ANSWERED', 'USER_INITIATED', 192)] }));
    await postMeta(callsEvent({ calls: [connect('wacid.MISSED', 'USER_INITIATED')] }));
    await postMeta(callsEvent({ calls: [terminate('wacid.MISSED', 'USER_INITIATED', 0, 'FAILED')] }));
    // Our own call: rings, is declined, ends.
    await postMeta(
      callsEvent({ statuses: [{ id: 'wacid.OURS', timestamp: '1796371300', type: 'call', status: 'RINGING', recipient_id: customer }] }),
    );
    await postMeta(
      callsEvent({ statuses: [{ id: 'wacid.OURS', timestamp: '1796371301', type: 'call', status: 'REJECTED', recipient_id: customer }] }),
    );
    await postMeta(callsEvent({ calls: [terminate('wacid.OURS', 'BUSINESS_INITIATED', 0, 'FAILED')] }));
    await postMeta(messageEvent(customer, 'wamid.CALL-AFTER', 'Thanks for the call'));
    // Meta redelivers: nothing changes, nothing is forwarded twice.
    await postMeta(callsEvent({ calls: [terminate('wacid.ANSWERED', 'USER_INITIATED', 192)] }));
    await processed();

    expect((await history(customer)).map((m) => [m.dataType, m.direction, m.text])).toEqual([
      ['text', 'INCOMING', 'Can you call me?'],
      ['call', 'INCOMING', 'Call, 3 min 12 s, answered'],
      ['call', 'INCOMING', 'Missed call'],
      ['call', 'OUTGOING', 'Call declined'],
      ['text', 'INCOMING', 'Thanks for the call'],
    ]);

    const forwarded = await passThrough.waitFor(9);
    expect(forwarded[1].raw).toBe(answered);
    const calls = (await chakra.waitFor(9)).map((r) => r.json).filter((b) => b.event === 'call');
    expect(calls.map((c) => [c.payload.event, c.payload.call.id])).toEqual([
      ['connect', 'wacid.ANSWERED'],
      ['terminate', 'wacid.ANSWERED'],
      ['connect', 'wacid.MISSED'],
      ['terminate', 'wacid.MISSED'],
      ['status', 'wacid.OURS'],
      ['status', 'wacid.OURS'],
      ['terminate', 'wacid.OURS'],
    ]);
    expect(calls[0].payload).toMatchObject({
      pluginId: PLUGIN,
      whatsappPhoneNumberId: PNID,
      call: { session: { sdp_type: 'offer', sdp: OFFER } },
      contact: { phoneNumber: customer, name: 'Asha' },
      chatMessage: { dataType: 'call', externalId: 'wacid.ANSWERED', direction: 'INCOMING' },
    });
    expect(calls[1].payload.chatMessage.text).toBe('Call, 3 min 12 s, answered');
  });

  it('reach a Chakra webhook only when it lists `call`', async () => {
    await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, {
      key: s.demoKey,
      body: { passThroughWebhookUrl: '', enableChakraWebhook: true, chakraWebhookUrl: chakra.url, whichChakraWebhookEventsToSend: [] },
    });
    await postMeta(callsEvent({ calls: [connect('wacid.UNLISTED', 'USER_INITIATED')] }));
    await postMeta(messageEvent(customer, 'wamid.UNLISTED-AFTER', 'hello'));
    await processed();
    const bodies = (await chakra.waitFor(1)).map((r) => r.json);
    expect(bodies.map((b) => b.event)).toEqual(['message']);
  });
});
