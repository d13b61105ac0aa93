/**
 * The sandbox's WhatsApp Calling API (signalling only): settings, call permissions and calls,
 * through its HTTP interface with Meta's request shapes, and the pretend customer's events as a
 * webhook target receives them. The sandbox is built on its own here (a target capturing every
 * post), and once in-process, where the events reach the server's signed inbound webhook.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { customerSimulation, type WebhookField } from '../src/whatsapp/sandbox/customer-simulation.ts';
import { startCustomerCall } from '../src/whatsapp/sandbox/calling.ts';
import { sandboxFor } from '../src/whatsapp/sandbox/in-process.ts';
import { buildSandbox } from '../src/whatsapp/sandbox/sandbox-app.ts';
import { PLUGIN, PNID, WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer } from './helpers/server.ts';

const UNIT_MS = 15;
const CUSTOMER = '919900112233';
const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

interface Posted {
  phoneNumberId: string;
  field: WebhookField;
  value: any;
}

let sandboxes: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

/** A sandbox whose customer posts to a capturing target (callbacks on), or none (callbacks off). */
function sandbox(callbacks = true) {
  const posted: Posted[] = [];
  const errors: Error[] = [];
  const customer = callbacks
    ? customerSimulation(
        {
          async post(phoneNumberId, field, value) {
            posted.push({ phoneNumberId, field, value });
          },
        },
        UNIT_MS,
        (err) => errors.push(err),
      )
    : undefined;
  const app = buildSandbox({ messagesPerSecond: () => 0, customer, displayNumber: () => '+91 72597 75805' });
  sandboxes.push(app);
  const req = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
    const res = await app.inject({
      method,
      url: `/v22.0${url}`,
      headers: { authorization: 'Bearer token' },
      ...(body ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, json: res.json() as any };
  };
  const calls = posted.filter.bind(posted);
  /** Resolves once `n` events of a field came (or fails after 5 s). */
  const waitFor = async (field: WebhookField, n: number, match: (p: Posted) => boolean = () => true) => {
    const until = Date.now() + 5000;
    for (;;) {
      const got = calls((p) => p.field === field && match(p));
      if (got.length >= n) return got;
      if (Date.now() > until) throw new Error(`${got.length} of ${n} ${field} events: ${JSON.stringify(posted)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { app, req, posted, errors, waitFor };
}

type Sandbox = ReturnType<typeof sandbox>;
const permissionRequest = (to: string) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'interactive',
  interactive: {
    type: 'call_permission_request',
    action: { name: 'call_permission_request' },
    body: { text: 'May we call you about your order?' },
  },
});
const connect = (to: string, extra: Record<string, unknown> = {}) => ({
  messaging_product: 'whatsapp',
  to,
  action: 'connect',
  session: { sdp_type: 'offer', sdp: OFFER },
  ...extra,
});
const enableCalling = (s: Sandbox) => s.req('POST', `/${PNID}/settings`, { calling: { status: 'ENABLED' } });
/** Calling on, a permission request sent and the customer's permission reply posted. */
async function permitted(s: Sandbox, to: string) {
  expect((await enableCalling(s)).status).toBe(200);
  expect((await s.req('POST', `/${PNID}/messages`, permissionRequest(to))).status).toBe(200);
  await s.waitFor('messages', 1, (p) => p.value.messages?.[0]?.from === to);
}
const metaError = (code: number, message: string, details?: string) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
    fbtrace_id: expect.any(String),
  },
});

describe('calling settings', () => {
  it('answers a fresh number’s defaults, merges an update (call_hours whole) and refuses bad values with #100', async () => {
    const s = sandbox(false);
    const fresh = await s.req('GET', `/${PNID}/settings`);
    expect(fresh.status).toBe(200);
    expect(fresh.json).toEqual({
      calling: {
        status: 'DISABLED',
        call_icon_visibility: 'DEFAULT',
        callback_permission_status: 'DISABLED',
        sip: { status: 'DISABLED', servers: [] },
      },
    });

    const hours = {
      status: 'ENABLED',
      timezone_id: 'Asia/Kolkata',
      weekly_operating_hours: [
        { day_of_week: 'MONDAY', open_time: '0900', close_time: '1800' },
        { day_of_week: 'TUESDAY', open_time: '0900', close_time: '1800' },
      ],
      holiday_schedule: [{ date: '2026-12-25', start_time: '0000', end_time: '2359' }],
    };
    const update = await s.req('POST', `/${PNID}/settings`, {
      calling: { status: 'ENABLED', call_icon_visibility: 'DISABLE_ALL', call_hours: hours },
    });
    expect(update).toEqual({ status: 200, json: { success: true } });
    const second = await s.req('POST', `/${PNID}/settings`, {
      calling: {
        callback_permission_status: 'ENABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'Europe/Berlin',
          weekly_operating_hours: [{ day_of_week: 'FRIDAY', open_time: '1000', close_time: '1200' }],
        },
      },
    });
    expect(second.status).toBe(200);
    expect((await s.req('GET', `/${PNID}/settings`)).json).toEqual({
      calling: {
        status: 'ENABLED',
        call_icon_visibility: 'DISABLE_ALL',
        callback_permission_status: 'ENABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'Europe/Berlin',
          weekly_operating_hours: [{ day_of_week: 'FRIDAY', open_time: '1000', close_time: '1200' }],
        },
        sip: { status: 'DISABLED', servers: [] },
      },
    });
    // Another number keeps its own settings.
    expect((await s.req('GET', '/111222333444555/settings')).json.calling.status).toBe('DISABLED');

    const refusals: [unknown, string][] = [
      [{ calling: { status: 'ON' } }, 'calling.status: must be one of ENABLED, DISABLED'],
      [{ calling: { call_icon_visibility: 'HIDDEN' } }, 'calling.call_icon_visibility: must be one of DEFAULT, DISABLE_ALL'],
      [{ calling: { callback_permission_status: true } }, 'calling.callback_permission_status: must be one of ENABLED, DISABLED'],
      [{ calling: { sip: { status: 'MAYBE' } } }, 'calling.sip.status: must be one of ENABLED, DISABLED'],
      [
        {
          calling: {
            call_hours: {
              status: 'ENABLED',
              timezone_id: 'UTC',
              weekly_operating_hours: [{ day_of_week: 'FUNDAY', open_time: '0900', close_time: '1000' }],
            },
          },
        },
        'calling.call_hours.weekly_operating_hours[0].day_of_week: must be one of MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY',
      ],
      [
        {
          calling: {
            call_hours: {
              status: 'ENABLED',
              timezone_id: 'UTC',
              weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '9am', close_time: '1000' }],
            },
          },
        },
        'calling.call_hours.weekly_operating_hours[0].open_time: must be HHMM',
      ],
      [{ calling: { volume: 11 } }, 'calling.volume: unknown field'],
      [{ status: 'ENABLED' }, 'calling: required, an object'],
    ];
    for (const [body, details] of refusals) {
      const res = await s.req('POST', `/${PNID}/settings`, body);
      expect(res.status, details).toBe(400);
      expect(res.json).toEqual(metaError(100, '(#100) Invalid parameter', details));
    }
    // A refused update changes nothing.
    expect((await s.req('GET', `/${PNID}/settings`)).json.calling.status).toBe('ENABLED');
  });

  it('shows SIP server passwords only with include_sip_credentials=true', async () => {
    const s = sandbox(false);
    const sip = { status: 'ENABLED', servers: [{ hostname: 'sip.example.com', port: 5061, request_uri_user_params: { tgrp: 'wacall' } }] };
    expect((await s.req('POST', `/${PNID}/settings`, { calling: { status: 'ENABLED', sip } })).status).toBe(200);
    const plain = await s.req('GET', `/${PNID}/settings`);
    expect(plain.json.calling.sip).toEqual(sip);
    const withCredentials = await s.req('GET', `/${PNID}/settings?include_sip_credentials=true`);
    expect(withCredentials.json.calling.sip).toEqual({
      status: 'ENABLED',
      servers: [{ ...sip.servers[0], sip_user_password: expect.stringMatching(/^\S{12,}$/) }],
    });
    // The password stays the same for the same server.
    const again = await s.req('GET', `/${PNID}/settings?include_sip_credentials=true`);
    expect(again.json.calling.sip.servers[0].sip_user_password).toBe(withCredentials.json.calling.sip.servers[0].sip_user_password);
    const badPort = await s.req('POST', `/${PNID}/settings`, {
      calling: { sip: { status: 'ENABLED', servers: [{ hostname: 'sip.example.com', port: 70000 }] } },
    });
    expect(badPort.json).toEqual(metaError(100, '(#100) Invalid parameter', 'calling.sip.servers[0].port: must be a port number'));
  });
});

describe('call permissions', () => {
  it('no_permission, then a call_permission_request: the customer replies (Meta’s shape) and the permission is temporary', async () => {
    const s = sandbox();
    const missing = await s.req('GET', `/${PNID}/call_permissions`);
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe(100);

    const before = await s.req('GET', `/${PNID}/call_permissions?user_wa_id=${CUSTOMER}`);
    expect(before).toEqual({
      status: 200,
      json: {
        messaging_product: 'whatsapp',
        permission: { status: 'no_permission' },
        actions: [
          {
            action_name: 'send_call_permission_request',
            can_perform_action: true,
            limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 0 }],
          },
          { action_name: 'start_call', can_perform_action: false, limits: [{ time_period: 'PT24H', max_allowed: 5, current_usage: 0 }] },
        ],
      },
    });

    const sent = await s.req('POST', `/${PNID}/messages`, permissionRequest(CUSTOMER));
    expect(sent.status).toBe(200);
    const wamid = sent.json.messages[0].id;
    expect(wamid).toMatch(/^wamid\./);
    // Not granted until the customer answers.
    expect((await s.req('GET', `/${PNID}/call_permissions?user_wa_id=${CUSTOMER}`)).json.permission).toEqual({ status: 'no_permission' });

    const [reply] = await s.waitFor('messages', 1, (p) => Boolean(p.value.messages));
    const now = Math.floor(Date.now() / 1000);
    expect(reply.phoneNumberId).toBe(PNID);
    expect(reply.value).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ profile: { name: 'Sandbox Customer' }, wa_id: CUSTOMER }],
      messages: [
        {
          from: CUSTOMER,
          id: expect.stringMatching(/^wamid\./),
          timestamp: expect.stringMatching(/^\d+$/),
          type: 'interactive',
          interactive: {
            type: 'call_permission_reply',
            call_permission_reply: { response: 'accept', expiration_timestamp: expect.any(Number), response_source: 'user_action' },
          },
          context: { id: wamid },
        },
      ],
    });
    const expiration = reply.value.messages[0].interactive.call_permission_reply.expiration_timestamp;
    expect(Math.abs(expiration - (now + 7 * 24 * 3600))).toBeLessThanOrEqual(2);
    // The request is a message like any other: sent, delivered and read came before the reply.
    expect(s.posted.map((p) => p.value.statuses?.[0]?.status ?? p.value.messages[0].type)).toEqual([
      'sent',
      'delivered',
      'read',
      'interactive',
    ]);

    const after = await s.req('GET', `/${PNID}/call_permissions?user_wa_id=${CUSTOMER}`);
    expect(after.json.permission).toEqual({ status: 'temporary', expiration_time: expiration });
    expect(after.json.actions).toEqual([
      {
        action_name: 'send_call_permission_request',
        can_perform_action: true,
        limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: 1 }],
      },
      { action_name: 'start_call', can_perform_action: true, limits: [{ time_period: 'PT24H', max_allowed: 5, current_usage: 0 }] },
    ]);
    expect(s.errors).toEqual([]);
  });

  it('with callbacks off, grants the permission as soon as the request is accepted', async () => {
    const s = sandbox(false);
    expect((await s.req('POST', `/${PNID}/messages`, permissionRequest(CUSTOMER))).status).toBe(200);
    expect((await s.req('GET', `/${PNID}/call_permissions?user_wa_id=${CUSTOMER}`)).json.permission.status).toBe('temporary');
    await enableCalling(s);
    const res = await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER));
    expect(res.status).toBe(200);
    // No customer: the call rings until the business ends it.
    const ended = await s.req('POST', `/${PNID}/calls`, {
      messaging_product: 'whatsapp',
      call_id: res.json.calls[0].id,
      action: 'terminate',
    });
    expect(ended.json).toEqual({ messaging_product: 'whatsapp', success: true });
  });

  it('refuses a call_permission_request whose action is not call_permission_request', async () => {
    const s = sandbox(false);
    const bad = permissionRequest(CUSTOMER);
    bad.interactive.action.name = 'send_location';
    const res = await s.req('POST', `/${PNID}/messages`, bad);
    expect(res.json).toEqual(metaError(100, '(#100) Invalid parameter', 'interactive.action.name: must be call_permission_request'));
  });
});

describe('calls', () => {
  it('refuses a connect as Meta does: calling disabled (138001), no permission (138006), a bad session (#100)', async () => {
    const s = sandbox();
    const disabled = await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER));
    expect(disabled.status).toBe(400);
    expect(disabled.json.error).toMatchObject({
      code: 138001,
      message: '(#138001) Calling is not enabled for this phone number',
      type: 'OAuthException',
    });

    await enableCalling(s);
    const noPermission = await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER));
    expect(noPermission.status).toBe(400);
    expect(noPermission.json.error).toMatchObject({ code: 138006, message: '(#138006) No approved call permission from the recipient' });

    await permitted(s, CUSTOMER);
    const session = async (extra: Record<string, unknown>) => (await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER, extra))).json;
    const sdpDetails = 'session.sdp: not a valid SDP (it must start with v=0 and have an m=audio line)';
    expect(await session({ session: undefined })).toEqual(
      metaError(100, '(#100) Invalid parameter', 'session: required, with sdp_type and sdp'),
    );
    expect(await session({ session: { sdp_type: 'answer', sdp: OFFER } })).toEqual(
      metaError(100, '(#100) Invalid parameter', 'session.sdp_type: must be offer'),
    );
    expect(await session({ session: { sdp_type: 'offer', sdp: 'hello' } })).toEqual(metaError(100, '(#100) Invalid parameter', sdpDetails));
    expect(await session({ session: { sdp_type: 'offer', sdp: OFFER.replace('m=audio', 'm=video') } })).toEqual(
      metaError(100, '(#100) Invalid parameter', sdpDetails),
    );
    expect(await session({ to: 'someone' })).toEqual(metaError(100, '(#100) Invalid parameter', 'to: Invalid WhatsApp ID'));
    // LF line ends are SDP too.
    const lf = await s.req(
      'POST',
      `/${PNID}/calls`,
      connect(CUSTOMER, { session: { sdp_type: 'offer', sdp: OFFER.replaceAll('\r\n', '\n') } }),
    );
    expect(lf.status).toBe(200);

    const unknownAction = await s.req('POST', `/${PNID}/calls`, {
      messaging_product: 'whatsapp',
      action: 'hold',
      call_id: lf.json.calls[0].id,
    });
    expect(unknownAction.json).toEqual(
      metaError(100, '(#100) Invalid parameter', 'action: must be one of connect, pre_accept, accept, reject, terminate'),
    );
    for (const action of ['terminate', 'reject', 'accept', 'pre_accept']) {
      const unknown = await s.req('POST', `/${PNID}/calls`, {
        messaging_product: 'whatsapp',
        action,
        call_id: 'wacid.nope',
        ...(action.endsWith('accept') ? { session: { sdp_type: 'answer', sdp: OFFER } } : {}),
      });
      expect(unknown.status).toBe(400);
      expect(unknown.json.error).toMatchObject({ code: 138004, message: '(#138004) Call not found' });
    }
  });

  it('plays a connected call: RINGING, connect with the SDP answer, ACCEPTED, then terminate COMPLETED with its duration', async () => {
    const s = sandbox();
    await permitted(s, CUSTOMER);
    const res = await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER, { biz_opaque_callback_data: 'ticket-42' }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', calls: [{ id: expect.stringMatching(/^wacid\.[A-Za-z0-9_-]+$/) }] });
    const id = res.json.calls[0].id;
    const events = await s.waitFor('calls', 4);
    const timestamp = expect.stringMatching(/^\d+$/);
    const status = (st: string) => ({
      messaging_product: 'whatsapp',
      statuses: [{ id, timestamp, type: 'call', status: st, recipient_id: CUSTOMER }],
    });
    const contacts = [{ profile: { name: 'Sandbox Customer' }, wa_id: CUSTOMER }];
    expect(events.map((e) => e.value)).toEqual([
      status('RINGING'),
      {
        messaging_product: 'whatsapp',
        contacts,
        calls: [
          {
            id,
            to: CUSTOMER,
            from: '917259775805',
            event: 'connect',
            timestamp,
            direction: 'BUSINESS_INITIATED',
            session: { sdp_type: 'answer', sdp: expect.stringMatching(/^v=0\r\n[\s\S]*\r\nm=audio \d+ [\s\S]*\r\na=mid:0\r\n/) },
            biz_opaque_callback_data: 'ticket-42',
          },
        ],
      },
      status('ACCEPTED'),
      {
        messaging_product: 'whatsapp',
        contacts,
        calls: [
          {
            id,
            to: CUSTOMER,
            from: '917259775805',
            event: 'terminate',
            timestamp,
            direction: 'BUSINESS_INITIATED',
            status: 'COMPLETED',
            start_time: timestamp,
            end_time: timestamp,
            duration: expect.any(Number),
            biz_opaque_callback_data: 'ticket-42',
          },
        ],
      },
    ]);
    expect(events.every((e) => e.phoneNumberId === PNID)).toBe(true);
    const answer = events[1].value.calls[0].session.sdp;
    expect(answer).not.toBe(OFFER);
    const terminate = events[3].value.calls[0];
    expect(Number(terminate.end_time)).toBeGreaterThanOrEqual(Number(terminate.start_time));
    // Whole seconds answered: 3 units of 15 ms round to 0 (1 if timers run late).
    expect([0, 1]).toContain(terminate.duration);

    // The call has ended: terminating it again is refused; the permission counts the call.
    const again = await s.req('POST', `/${PNID}/calls`, { messaging_product: 'whatsapp', call_id: id, action: 'terminate' });
    expect(again.json).toEqual(metaError(100, '(#100) Invalid parameter', 'call_id: the call has ended'));
    const permission = await s.req('GET', `/${PNID}/call_permissions?user_wa_id=${CUSTOMER}`);
    expect(permission.json.actions[1].limits[0].current_usage).toBe(1);
    await new Promise((r) => setTimeout(r, UNIT_MS * 3));
    expect(s.posted.filter((p) => p.field === 'calls')).toHaveLength(4);
    expect(s.errors).toEqual([]);
  });

  it('a business terminate ends a call at once; its terminate follows (FAILED while ringing, COMPLETED once answered)', async () => {
    const s = sandbox();
    await permitted(s, CUSTOMER);
    const ringing = (await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER))).json.calls[0].id;
    const ended = await s.req('POST', `/${PNID}/calls`, { messaging_product: 'whatsapp', call_id: ringing, action: 'terminate' });
    expect(ended).toEqual({ status: 200, json: { messaging_product: 'whatsapp', success: true } });
    const [terminate] = await s.waitFor('calls', 1, (p) => p.value.calls?.[0]?.id === ringing);
    expect(terminate.value.calls[0]).toEqual({
      id: ringing,
      to: CUSTOMER,
      from: '917259775805',
      event: 'terminate',
      timestamp: expect.stringMatching(/^\d+$/),
      direction: 'BUSINESS_INITIATED',
      status: 'FAILED',
      duration: 0,
    });

    const answered = (await s.req('POST', `/${PNID}/calls`, connect(CUSTOMER))).json.calls[0].id;
    const ofAnswered = (p: Posted) => (p.value.calls?.[0]?.id ?? p.value.statuses?.[0]?.id) === answered;
    await s.waitFor('calls', 3, ofAnswered); // RINGING, connect, ACCEPTED
    expect((await s.req('POST', `/${PNID}/calls`, { messaging_product: 'whatsapp', call_id: answered, action: 'terminate' })).status).toBe(
      200,
    );
    const all = await s.waitFor('calls', 4, ofAnswered);
    expect(all[3].value.calls[0]).toMatchObject({ event: 'terminate', status: 'COMPLETED', duration: expect.any(Number) });
    // Nothing after the business ended them (the customer's hang-up never comes).
    await new Promise((r) => setTimeout(r, UNIT_MS * 6));
    expect(
      s.posted.filter(
        (p) => p.field === 'calls' && (ofAnswered(p) || p.value.calls?.[0]?.id === ringing || p.value.statuses?.[0]?.id === ringing),
      ),
    ).toHaveLength(5);
    // Accept, pre_accept and reject answer user-initiated calls, not these.
    const reject = await s.req('POST', `/${PNID}/calls`, { messaging_product: 'whatsapp', call_id: answered, action: 'reject' });
    expect(reject.status).toBe(400);
    expect(reject.json.error.code).toBe(100);
    expect(s.errors).toEqual([]);
  });

  it('a customer whose number ends in 0000 rejects the call: RINGING, REJECTED, terminate FAILED with duration 0', async () => {
    const s = sandbox();
    const rejecting = '919900110000';
    await permitted(s, rejecting);
    const id = (await s.req('POST', `/${PNID}/calls`, connect(rejecting))).json.calls[0].id;
    const events = await s.waitFor('calls', 3);
    expect(events.map((e) => e.value.statuses?.[0]?.status ?? `${e.value.calls[0].event}:${e.value.calls[0].status}`)).toEqual([
      'RINGING',
      'REJECTED',
      'terminate:FAILED',
    ]);
    expect(events[1].value.statuses[0]).toMatchObject({ id, type: 'call', recipient_id: rejecting });
    expect(events[2].value.calls[0]).toMatchObject({ id, event: 'terminate', status: 'FAILED', duration: 0 });
    expect(events[2].value.calls[0]).not.toHaveProperty('start_time');
    await new Promise((r) => setTimeout(r, UNIT_MS * 4));
    expect(s.posted.filter((p) => p.field === 'calls')).toHaveLength(3);
  });
});

describe("a customer's own call (user-initiated)", () => {
  const answer = { sdp_type: 'answer', sdp: OFFER };
  const act = (s: Sandbox, call_id: string, action: string, extra: Record<string, unknown> = {}) =>
    s.req('POST', `/${PNID}/calls`, { messaging_product: 'whatsapp', call_id, action, ...extra });

  it('posts a connect with an SDP offer; pre_accept and accept answer it, and the customer hangs up: terminate COMPLETED', async () => {
    const s = sandbox();
    await expect(startCustomerCall(s.app, { phoneNumberId: PNID, from: CUSTOMER })).rejects.toThrow(/calling is not enabled/);
    await enableCalling(s);
    const id = await startCustomerCall(s.app, { phoneNumberId: PNID, from: CUSTOMER });
    const [connected] = await s.waitFor('calls', 1);
    expect(connected.value).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ profile: { name: 'Sandbox Customer' }, wa_id: CUSTOMER }],
      calls: [
        {
          id,
          from: CUSTOMER,
          to: '917259775805',
          event: 'connect',
          timestamp: expect.stringMatching(/^\d+$/),
          direction: 'USER_INITIATED',
          session: { sdp_type: 'offer', sdp: expect.stringMatching(/^v=0\r\n[\s\S]*\r\nm=audio /) },
        },
      ],
    });
    expect((await act(s, id, 'accept', { session: { sdp_type: 'offer', sdp: OFFER } })).json).toEqual(
      metaError(100, '(#100) Invalid parameter', 'session.sdp_type: must be answer'),
    );
    expect((await act(s, id, 'pre_accept', { session: answer })).json).toEqual({ messaging_product: 'whatsapp', success: true });
    expect((await act(s, id, 'accept', { session: answer, biz_opaque_callback_data: 'agent-7' })).json).toEqual({
      messaging_product: 'whatsapp',
      success: true,
    });
    const [, terminate] = await s.waitFor('calls', 2);
    expect(terminate.value.calls[0]).toEqual({
      id,
      from: CUSTOMER,
      to: '917259775805',
      event: 'terminate',
      timestamp: expect.stringMatching(/^\d+$/),
      direction: 'USER_INITIATED',
      status: 'COMPLETED',
      start_time: expect.stringMatching(/^\d+$/),
      end_time: expect.stringMatching(/^\d+$/),
      duration: expect.any(Number),
      biz_opaque_callback_data: 'agent-7',
    });
    expect(s.errors).toEqual([]);
  });

  it('a rejected call, and one nobody answers, end with terminate FAILED', async () => {
    const s = sandbox();
    await enableCalling(s);
    const rejected = await startCustomerCall(s.app, { phoneNumberId: PNID, from: CUSTOMER });
    expect((await act(s, rejected, 'reject')).json).toEqual({ messaging_product: 'whatsapp', success: true });
    const unanswered = await startCustomerCall(s.app, { phoneNumberId: PNID, from: '919900112244' });
    const ends = await s.waitFor('calls', 2, (p) => p.value.calls[0].event === 'terminate');
    expect(ends.map((e) => [e.value.calls[0].id, e.value.calls[0].status, e.value.calls[0].duration])).toEqual([
      [rejected, 'FAILED', 0],
      [unanswered, 'FAILED', 0],
    ]);
    expect((await act(s, unanswered, 'accept', { session: answer })).json).toEqual(
      metaError(100, '(#100) Invalid parameter', 'call_id: the call has ended'),
    );
  });
});

describe('calling through the in-process sandbox', () => {
  it('posts the permission reply and the call’s events to the signed inbound webhook in Meta’s envelope', async () => {
    const t = await startTestServer({ SANDBOX_CALLBACKS: 'true', SANDBOX_CALLBACK_UNIT_MS: '25' });
    try {
      const sent = await call(t.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`, {
        key: t.demoKey,
        body: permissionRequest(CUSTOMER),
      });
      expect(sent.status, sent.text).toBe(200);
      const events = async (n: number) => {
        const until = Date.now() + 10_000;
        for (;;) {
          const rows = await t.ctx.db.query<{ raw: string }>('select raw from whatsapp_inbound_events');
          if (rows.length >= n || Date.now() > until) return rows.map((r) => JSON.parse(r.raw));
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      const value = (e: any) => e.entry[0].changes[0].value;
      const reply = (await events(4)).find((e) => value(e).messages);
      expect(reply.entry[0].id).toBe(WABA);
      expect(value(reply).messages[0].interactive.type).toBe('call_permission_reply');

      const sandbox = sandboxFor(t.ctx);
      const inject = (url: string, payload: object) =>
        sandbox.inject({ method: 'POST', url: `/v22.0/${PNID}${url}`, headers: { authorization: 'Bearer token' }, payload });
      expect((await inject('/settings', { calling: { status: 'ENABLED' } })).statusCode).toBe(200);
      const connected = await inject('/calls', connect(CUSTOMER));
      expect(connected.statusCode, connected.body).toBe(200);
      const id = connected.json().calls[0].id;
      const all = await events(8);
      const ofCall = all.filter((e) => e.entry[0].changes[0].field === 'calls');
      // (Stored in order, but rows stored in the same millisecond do not sort; the order is checked above.)
      expect(ofCall.map((e) => value(e).statuses?.[0]?.status ?? value(e).calls[0].event).sort()).toEqual([
        'ACCEPTED',
        'RINGING',
        'connect',
        'terminate',
      ]);
      for (const e of ofCall) {
        expect(e.object).toBe('whatsapp_business_account');
        expect(e.entry[0].id).toBe(WABA);
        expect(value(e).metadata).toEqual({ display_phone_number: expect.any(String), phone_number_id: PNID });
        expect(value(e).statuses?.[0]?.id ?? value(e).calls[0].id).toBe(id);
      }
      const connectEvent = value(ofCall.find((e) => value(e).calls?.[0]?.event === 'connect'));
      expect(connectEvent.calls[0].from).toBe(connectEvent.metadata.display_phone_number.replace(/\D/g, ''));
    } finally {
      await t.close();
    }
  });
});

describe('a whole call through the API, with the sandbox playing the customer', () => {
  it('settings, permission, connect: the conversation shows the permission and the answered call with its duration', async () => {
    const t = await startTestServer({ SANDBOX_CALLBACKS: 'true', SANDBOX_CALLBACK_UNIT_MS: '400' });
    try {
      const api = (method: string, path: string, body?: unknown) => call(t.url, method, path, { key: t.demoKey, body });
      const callingBase = `/v1/whatsapp/v22.0/${PNID}`;
      expect((await api('POST', `${callingBase}/settings`, { calling: { status: 'ENABLED' } })).status).toBe(200);
      expect((await api('GET', `${callingBase}/settings`)).json.calling.status).toBe('ENABLED');
      const before = await api('GET', `${callingBase}/call_permissions?user_wa_id=${CUSTOMER}`);
      expect(before.json.permission.status).toBe('no_permission');
      // Without permission Meta (the sandbox) refuses, and says why.
      const refused = await api('POST', `${callingBase}/calls`, connect(CUSTOMER));
      expect(refused.status).toBe(400);
      expect(refused.json._errors[0]).toContain('138006');

      const asked = await api('POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`, permissionRequest(CUSTOMER));
      expect(asked.status, asked.text).toBe(200);
      const history = async () =>
        (await api('POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', { customerPhoneNumber: CUSTOMER, limit: 50 }))
          .json._data as { dataType: string; text: string; direction: string }[];
      const until = async (done: (h: { dataType: string; text: string }[]) => boolean) => {
        for (const stop = Date.now() + 15_000; Date.now() < stop; await new Promise((r) => setTimeout(r, 50))) {
          const h = await history();
          if (done(h)) return h;
        }
        throw new Error(`not reached: ${JSON.stringify(await history())}`);
      };
      await until((h) => h.some((m) => m.text === 'Call permission: granted'));
      expect((await api('GET', `${callingBase}/call_permissions?user_wa_id=${CUSTOMER}`)).json.permission.status).toBe('temporary');

      const placed = await api('POST', `${callingBase}/calls`, connect(CUSTOMER));
      expect(placed.status, placed.text).toBe(200);
      const callId = placed.json.calls[0].id;
      const done = await until((h) => h.some((m) => m.dataType === 'call' && /, answered$/.test(m.text)));
      const logged = done.filter((m) => m.dataType === 'call');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        direction: 'OUTGOING',
        externalId: callId,
        text: expect.stringMatching(/^Call, \d+ s, answered$/),
      });
    } finally {
      await t.close();
    }
  }, 60_000);
});
