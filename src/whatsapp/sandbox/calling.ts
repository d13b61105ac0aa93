/**
 * The sandbox's WhatsApp Calling API (signalling only, no audio): a number's calling settings
 * (`GET`/`POST /{ver}/{pnid}/settings`), call permissions (`GET /{ver}/{pnid}/call_permissions`,
 * granted by an interactive `call_permission_request` sent through the messages endpoint) and
 * calls (`POST /{ver}/{pnid}/calls`: connect, pre_accept, accept, reject, terminate), refused as
 * Meta refuses them. With a customer (callbacks on) a business-initiated call is played through
 * the app's webhook as Meta's `calls` field events, in units of the customer's clock:
 *
 *   1 unit   status RINGING
 *   2 units  connect (the customer's SDP answer), then status ACCEPTED
 *   5 units  terminate COMPLETED, with start_time, end_time and duration (the customer hangs up)
 *
 * A customer whose number ends in `0000` rejects every call: status RINGING (1 unit), then
 * status REJECTED and terminate FAILED with duration 0 (2 units). A business `terminate` ends a
 * call at once; its terminate event follows (FAILED, duration 0, if it was never answered).
 * Without a customer (callbacks off) a permission request is granted at once and a call stays
 * ringing until the business terminates it; no events are posted.
 *
 * A customer's own call (user-initiated) starts with startCustomerCall: a `connect` with the
 * customer's SDP offer; the business may pre_accept, then accept (an SDP answer: the customer
 * hangs up 3 units later, terminate COMPLETED), reject or terminate (terminate FAILED); unanswered,
 * the customer gives up after 10 units (terminate FAILED). pre_accept, accept and reject are
 * refused (#100) for business-initiated calls.
 *
 * Not like Meta: the call limits in call_permissions are counted, not enforced.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CALL_PERMISSION_SECONDS, type CustomerSimulation } from './customer-simulation.ts';

type MetaError = (message: string, code: number, details?: string) => unknown;

interface CallingOptions {
  customer?: CustomerSimulation;
  /** The business number's digits as Meta shows them in a call's `from` (the pnid when unknown). */
  displayNumber?(phoneNumberId: string): Promise<string | undefined> | string | undefined;
  metaError: MetaError;
}

/**
 * When each of a call's events follows the connect, in units of the customer's clock. A
 * customer's own call: they hang up `talk` units after the business accepts it, and give up
 * after `giveUp` units if it does not.
 */
const CALL_SCHEDULE = { ringing: 1, answer: 2, hangUp: 5, talk: 3, giveUp: 10 } as const;

/** Each sandbox's way to start a customer's call (startCustomerCall). */
const customerCallers = new WeakMap<FastifyInstance, (phoneNumberId: string, from: string) => Promise<string>>();

/**
 * Plays a customer calling the business (a user-initiated call): the app's webhook receives a
 * `connect` with the customer's SDP offer, and the business answers with pre_accept / accept
 * (an SDP answer), reject or terminate. Needs callbacks on and calling ENABLED on the number.
 * Answers the call's id.
 */
export function startCustomerCall(sandbox: FastifyInstance, call: { phoneNumberId: string; from: string }): Promise<string> {
  const start = customerCallers.get(sandbox);
  if (!start) throw new Error('not a sandbox');
  return start(call.phoneNumberId, call.from);
}

/** Customers whose number matches this reject every call (a rule for tests). */
const REJECTING_CUSTOMER = /0000$/;

const DAY_SECONDS = 24 * 3600;
const ENABLED_DISABLED = ['ENABLED', 'DISABLED'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const HHMM = /^([01]\d|2[0-3])[0-5]\d$/;

interface SipServer {
  hostname: string;
  port?: number;
  request_uri_user_params?: Record<string, string>;
  sip_user_password?: string;
}

interface CallingSettings {
  status: string;
  call_icon_visibility: string;
  callback_permission_status: string;
  call_hours?: Record<string, unknown>;
  sip: { status: string; servers: SipServer[] };
}

interface SandboxCall {
  id: string;
  phoneNumberId: string;
  /** The customer, digits only. */
  customer: string;
  /** The business number's digits (the pnid when unknown). */
  business: string;
  direction: 'BUSINESS_INITIATED' | 'USER_INITIATED';
  state: 'ringing' | 'accepted' | 'ended';
  bizOpaque?: string;
  answeredAtMs?: number;
  timers: NodeJS.Timeout[];
  /** The call's events, posted one after another in order. */
  chain: Promise<void>;
}

const seconds = (ms = Date.now()) => Math.floor(ms / 1000);
const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Plausible SDP: starts with `v=0` and has an audio media line (CRLF or LF line ends). */
const plausibleSdp = (sdp: unknown): sdp is string => typeof sdp === 'string' && /^v=0\r?\n/.test(sdp) && /(^|\n)m=audio /.test(sdp);

/** The customer's SDP answer to an offer: a WebRTC-style audio answer (opus), reusing the offer's mid. */
function sdpAnswer(offer: string): string {
  const mid = /(?:^|\n)a=mid:(\S+)/.exec(offer)?.[1] ?? '0';
  const hex = randomBytes(32).toString('hex').toUpperCase();
  const fingerprint = hex.match(/../g)?.join(':');
  return [
    'v=0',
    `o=- ${randomInt(1e9, 2e9)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${randomBytes(3).toString('hex')}`,
    `a=ice-pwd:${randomBytes(12).toString('base64url')}`,
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:active',
    `a=mid:${mid}`,
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    '',
  ].join('\r\n');
}

/** A customer's SDP offer (a WebRTC-style audio offer, opus). */
function sdpOffer(): string {
  return sdpAnswer('a=mid:0').replace('a=setup:active', 'a=setup:actpass');
}

const defaultSettings = (): CallingSettings => ({
  status: 'DISABLED',
  call_icon_visibility: 'DEFAULT',
  callback_permission_status: 'DISABLED',
  sip: { status: 'DISABLED', servers: [] },
});

/** What is wrong with a `calling` settings update (the field named), or undefined. */
function settingsProblem(c: Record<string, any>): string | undefined {
  const known = ['status', 'call_icon_visibility', 'callback_permission_status', 'call_hours', 'sip'];
  const unknown = Object.keys(c).find((k) => !known.includes(k));
  if (unknown) return `calling.${unknown}: unknown field`;
  const oneOf = (field: string, value: unknown, allowed: string[]) =>
    value !== undefined && !allowed.includes(value as string) ? `${field}: must be one of ${allowed.join(', ')}` : undefined;
  const simple =
    oneOf('calling.status', c.status, ENABLED_DISABLED) ??
    oneOf('calling.call_icon_visibility', c.call_icon_visibility, ['DEFAULT', 'DISABLE_ALL']) ??
    oneOf('calling.callback_permission_status', c.callback_permission_status, ENABLED_DISABLED);
  if (simple) return simple;
  if (c.call_hours !== undefined) {
    const h = c.call_hours;
    if (!isObject(h)) return 'calling.call_hours: must be an object';
    const bad = oneOf('calling.call_hours.status', h.status, ENABLED_DISABLED);
    if (bad) return bad;
    if (h.status === undefined) return 'calling.call_hours.status: required';
    if (h.timezone_id !== undefined && (typeof h.timezone_id !== 'string' || !h.timezone_id))
      return 'calling.call_hours.timezone_id: must be a time zone id';
    if (h.status === 'ENABLED' && h.timezone_id === undefined) return 'calling.call_hours.timezone_id: required';
    const weekly = h.weekly_operating_hours ?? [];
    if (!Array.isArray(weekly)) return 'calling.call_hours.weekly_operating_hours: must be an array';
    for (const [i, w] of weekly.entries()) {
      const at = `calling.call_hours.weekly_operating_hours[${i}]`;
      if (!isObject(w) || !DAYS.includes(w.day_of_week)) return `${at}.day_of_week: must be one of ${DAYS.join(', ')}`;
      if (!HHMM.test(w.open_time ?? '')) return `${at}.open_time: must be HHMM`;
      if (!HHMM.test(w.close_time ?? '')) return `${at}.close_time: must be HHMM`;
      if (w.open_time >= w.close_time) return `${at}: open_time must be before close_time`;
    }
    if (h.status === 'ENABLED' && weekly.length === 0) return 'calling.call_hours.weekly_operating_hours: required';
    const holidays = h.holiday_schedule ?? [];
    if (!Array.isArray(holidays)) return 'calling.call_hours.holiday_schedule: must be an array';
    for (const [i, d] of holidays.entries()) {
      const at = `calling.call_hours.holiday_schedule[${i}]`;
      if (!isObject(d) || !/^\d{4}-\d{2}-\d{2}$/.test(d.date ?? '') || Number.isNaN(Date.parse(d.date)))
        return `${at}.date: must be YYYY-MM-DD`;
      if (!HHMM.test(d.start_time ?? '')) return `${at}.start_time: must be HHMM`;
      if (!HHMM.test(d.end_time ?? '')) return `${at}.end_time: must be HHMM`;
    }
  }
  if (c.sip !== undefined) {
    const sip = c.sip;
    if (!isObject(sip)) return 'calling.sip: must be an object';
    const bad = oneOf('calling.sip.status', sip.status, ENABLED_DISABLED);
    if (bad) return bad;
    if (sip.servers !== undefined) {
      if (!Array.isArray(sip.servers)) return 'calling.sip.servers: must be an array';
      for (const [i, s] of sip.servers.entries()) {
        const at = `calling.sip.servers[${i}]`;
        if (!isObject(s) || typeof s.hostname !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(s.hostname))
          return `${at}.hostname: must be a host name`;
        if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535))
          return `${at}.port: must be a port number`;
        if (s.request_uri_user_params !== undefined && !isObject(s.request_uri_user_params))
          return `${at}.request_uri_user_params: must be an object`;
      }
    }
  }
  return undefined;
}

export function registerCalling(app: FastifyInstance, options: CallingOptions) {
  const { customer, metaError } = options;
  const settings = new Map<string, CallingSettings>();
  /** Per number and customer: the permission's expiry (unix seconds), requests and calls sent (ms). */
  const permissions = new Map<string, { expiresAt?: number; requests: number[]; calls: number[] }>();
  const calls = new Map<string, SandboxCall>();
  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).send(body);
  const invalid = (reply: FastifyReply, details: string) => send(reply, 400, metaError('(#100) Invalid parameter', 100, details));

  const settingsOf = (pnid: string) => {
    let s = settings.get(pnid);
    if (!s) {
      s = defaultSettings();
      settings.set(pnid, s);
    }
    return s;
  };
  const permissionOf = (pnid: string, user: string) => {
    const key = `${pnid}\u0001${user}`;
    let p = permissions.get(key);
    if (!p) {
      p = { requests: [], calls: [] };
      permissions.set(key, p);
    }
    return p;
  };
  const hasPermission = (pnid: string, user: string) => (permissionOf(pnid, user).expiresAt ?? 0) > seconds();
  const lastDay = (times: number[]) => times.filter((t) => t > Date.now() - DAY_SECONDS * 1000).length;

  app.addHook('onClose', async () => {
    for (const call of calls.values()) for (const t of call.timers) clearTimeout(t);
  });

  app.get<{ Params: { ver: string; pnid: string }; Querystring: { include_sip_credentials?: string; fields?: string } }>(
    '/:ver/:pnid/settings',
    async (request) => {
      const s = structuredClone(settingsOf(request.params.pnid));
      const withPasswords = request.query.include_sip_credentials === 'true';
      for (const server of s.sip.servers) if (!withPasswords) delete server.sip_user_password;
      return { calling: s };
    },
  );

  app.post<{ Params: { ver: string; pnid: string } }>('/:ver/:pnid/settings', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, any>;
    if (!isObject(body.calling)) return invalid(reply, 'calling: required, an object');
    const c = body.calling;
    const problem = settingsProblem(c);
    if (problem) return invalid(reply, problem);
    const s = settingsOf(request.params.pnid);
    for (const k of ['status', 'call_icon_visibility', 'callback_permission_status'] as const) if (c[k] !== undefined) s[k] = c[k];
    if (c.call_hours !== undefined) s.call_hours = structuredClone(c.call_hours);
    if (c.sip !== undefined) {
      if (c.sip.status !== undefined) s.sip.status = c.sip.status;
      if (c.sip.servers !== undefined) {
        const before = new Map(s.sip.servers.map((x) => [x.hostname, x.sip_user_password]));
        s.sip.servers = c.sip.servers.map((x: SipServer) => ({
          hostname: x.hostname,
          port: x.port ?? 5061,
          ...(x.request_uri_user_params ? { request_uri_user_params: structuredClone(x.request_uri_user_params) } : {}),
          ...(before.get(x.hostname) ? { sip_user_password: before.get(x.hostname) } : {}),
        }));
      }
      // Meta makes up a password per server once SIP is on (shown only with include_sip_credentials=true).
      if (s.sip.status === 'ENABLED') for (const x of s.sip.servers) x.sip_user_password ??= randomBytes(18).toString('base64url');
    }
    return { success: true };
  });

  app.get<{ Params: { ver: string; pnid: string }; Querystring: { user_wa_id?: string } }>(
    '/:ver/:pnid/call_permissions',
    async (request, reply) => {
      const user = request.query.user_wa_id;
      if (typeof user !== 'string' || !/^\d{7,15}$/.test(user)) return invalid(reply, 'user_wa_id: required, the customer’s WhatsApp ID');
      const p = permissionOf(request.params.pnid, user);
      const granted = hasPermission(request.params.pnid, user);
      return {
        messaging_product: 'whatsapp',
        permission: granted ? { status: 'temporary', expiration_time: p.expiresAt } : { status: 'no_permission' },
        actions: [
          {
            action_name: 'send_call_permission_request',
            can_perform_action: true,
            limits: [{ time_period: 'PT24H', max_allowed: 1, current_usage: Math.min(1, lastDay(p.requests)) }],
          },
          {
            action_name: 'start_call',
            can_perform_action: granted,
            limits: [{ time_period: 'PT24H', max_allowed: 5, current_usage: lastDay(p.calls) }],
          },
        ],
      };
    },
  );

  /** A call's event, posted after the call's earlier ones (callbacks on). */
  const emit = (call: SandboxCall, value: () => Record<string, unknown>) => {
    if (!customer) return;
    const v = value();
    call.chain = call.chain
      .then(() => customer.target.post(call.phoneNumberId, 'calls', { messaging_product: 'whatsapp', ...v }))
      .catch(customer.onError);
  };
  const status = (call: SandboxCall, st: 'RINGING' | 'ACCEPTED' | 'REJECTED') =>
    emit(call, () => ({
      statuses: [{ id: call.id, timestamp: String(seconds()), type: 'call', status: st, recipient_id: call.customer }],
    }));
  const callEvent = (call: SandboxCall, fields: Record<string, unknown>) =>
    emit(call, () => ({
      contacts: [{ profile: { name: 'Sandbox Customer' }, wa_id: call.customer }],
      calls: [
        {
          id: call.id,
          ...(call.direction === 'BUSINESS_INITIATED'
            ? { to: call.customer, from: call.business }
            : { from: call.customer, to: call.business }),
          event: fields.event,
          timestamp: String(seconds()),
          direction: call.direction,
          ...fields,
          ...(call.bizOpaque !== undefined ? { biz_opaque_callback_data: call.bizOpaque } : {}),
        },
      ],
    }));
  /** Ends a call (the customer hung up, rejected it, or the business terminated it) and posts its terminate. */
  const end = (call: SandboxCall) => {
    if (call.state === 'ended') return;
    for (const t of call.timers) clearTimeout(t);
    const answered = call.answeredAtMs;
    call.state = 'ended';
    const now = Date.now();
    callEvent(call, {
      event: 'terminate',
      ...(answered !== undefined
        ? {
            status: 'COMPLETED',
            start_time: String(seconds(answered)),
            end_time: String(seconds(now)),
            duration: Math.round((now - answered) / 1000),
          }
        : { status: 'FAILED', duration: 0 }),
    });
  };

  /** Runs `fn` after `units` of the customer's clock unless the call has ended by then. */
  const atCall = (call: SandboxCall, units: number, fn: () => void) => {
    if (!customer) return;
    call.timers.push(
      customer.later(units, async () => {
        if (call.state !== 'ended') fn();
      }),
    );
  };
  const newCall = async (pnid: string, customerId: string, direction: SandboxCall['direction']): Promise<SandboxCall> => {
    const display = (await options.displayNumber?.(pnid))?.replace(/\D/g, '');
    const call: SandboxCall = {
      id: `wacid.${randomBytes(24).toString('base64url')}`,
      phoneNumberId: pnid,
      customer: customerId,
      business: display || pnid,
      direction,
      state: 'ringing',
      timers: [],
      chain: Promise.resolve(),
    };
    calls.set(call.id, call);
    return call;
  };

  customerCallers.set(app, async (pnid, from) => {
    if (!customer) throw new Error('the sandbox plays no customer (SANDBOX_CALLBACKS off)');
    if (!/^\d{7,15}$/.test(from)) throw new Error(`not a WhatsApp ID: ${from}`);
    if (settingsOf(pnid).status !== 'ENABLED') throw new Error(`calling is not enabled on ${pnid}`);
    const call = await newCall(pnid, from, 'USER_INITIATED');
    callEvent(call, { event: 'connect', session: { sdp_type: 'offer', sdp: sdpOffer() } });
    atCall(call, CALL_SCHEDULE.giveUp, () => end(call));
    return call.id;
  });

  /** The customer plays a business-initiated call (callbacks on). */
  function play(call: SandboxCall, offer: string) {
    const at = (units: number, fn: () => void) => atCall(call, units, fn);
    at(CALL_SCHEDULE.ringing, () => status(call, 'RINGING'));
    if (REJECTING_CUSTOMER.test(call.customer)) {
      at(CALL_SCHEDULE.answer, () => {
        status(call, 'REJECTED');
        end(call);
      });
      return;
    }
    at(CALL_SCHEDULE.answer, () => {
      call.state = 'accepted';
      call.answeredAtMs = Date.now();
      callEvent(call, { event: 'connect', session: { sdp_type: 'answer', sdp: sdpAnswer(offer) } });
      status(call, 'ACCEPTED');
    });
    at(CALL_SCHEDULE.hangUp, () => end(call));
  }

  app.post<{ Params: { ver: string; pnid: string } }>('/:ver/:pnid/calls', async (request, reply) => {
    const m = (request.body ?? {}) as Record<string, any>;
    const pnid = request.params.pnid;
    if (m.messaging_product !== 'whatsapp') return send(reply, 400, metaError('(#100) The parameter messaging_product is required.', 100));
    const sessionProblem = (sdpType: 'offer' | 'answer') => {
      if (!isObject(m.session)) return 'session: required, with sdp_type and sdp';
      if (m.session.sdp_type !== sdpType) return `session.sdp_type: must be ${sdpType}`;
      if (!plausibleSdp(m.session.sdp)) return 'session.sdp: not a valid SDP (it must start with v=0 and have an m=audio line)';
      return undefined;
    };
    if (
      m.biz_opaque_callback_data !== undefined &&
      (typeof m.biz_opaque_callback_data !== 'string' || m.biz_opaque_callback_data.length > 512)
    )
      return invalid(reply, 'biz_opaque_callback_data: a string of at most 512 characters');

    if (m.action === 'connect') {
      if (typeof m.to !== 'string' || !/^\+?\d{7,15}$/.test(m.to)) return invalid(reply, 'to: Invalid WhatsApp ID');
      const problem = sessionProblem('offer');
      if (problem) return invalid(reply, problem);
      const customerId = m.to.replace('+', '');
      if (settingsOf(pnid).status !== 'ENABLED')
        return send(
          reply,
          400,
          metaError(
            '(#138001) Calling is not enabled for this phone number',
            138001,
            'Enable calling in the number’s settings (calling.status ENABLED)',
          ),
        );
      if (!hasPermission(pnid, customerId))
        return send(
          reply,
          400,
          metaError(
            '(#138006) No approved call permission from the recipient',
            138006,
            'Send a call_permission_request and wait for the customer to accept it',
          ),
        );
      const call = await newCall(pnid, customerId, 'BUSINESS_INITIATED');
      call.bizOpaque = m.biz_opaque_callback_data;
      permissionOf(pnid, customerId).calls.push(Date.now());
      play(call, m.session.sdp);
      return { messaging_product: 'whatsapp', calls: [{ id: call.id }] };
    }

    if (['pre_accept', 'accept', 'reject', 'terminate'].includes(m.action)) {
      if (typeof m.call_id !== 'string' || !m.call_id) return invalid(reply, 'call_id: required');
      const call = calls.get(m.call_id);
      if (!call || call.phoneNumberId !== pnid)
        return send(reply, 400, metaError('(#138004) Call not found', 138004, `call_id: no call ${m.call_id} on this number`));
      if (m.action === 'pre_accept' || m.action === 'accept') {
        const problem = sessionProblem('answer');
        if (problem) return invalid(reply, problem);
      }
      if (call.state === 'ended') return invalid(reply, 'call_id: the call has ended');
      if (m.action !== 'terminate' && call.direction === 'BUSINESS_INITIATED')
        return invalid(reply, `action: ${m.action} answers a user-initiated call; this call is business-initiated`);
      if (m.action !== 'terminate' && call.state === 'accepted') return invalid(reply, `action: ${m.action}: the call is already accepted`);
      if (m.biz_opaque_callback_data !== undefined) call.bizOpaque = m.biz_opaque_callback_data;
      if (m.action === 'accept') {
        // The customer talks for a while, then hangs up.
        for (const t of call.timers) clearTimeout(t);
        call.state = 'accepted';
        call.answeredAtMs = Date.now();
        atCall(call, CALL_SCHEDULE.talk, () => end(call));
      } else if (m.action !== 'pre_accept') end(call);
      return { messaging_product: 'whatsapp', success: true };
    }
    return invalid(reply, 'action: must be one of connect, pre_accept, accept, reject, terminate');
  });

  return {
    /** A call_permission_request was accepted as a message: the customer accepts it (at once without callbacks). */
    permissionRequested(pnid: string, user: string): ((expirationTimestamp: number) => void) | undefined {
      const p = permissionOf(pnid, user);
      p.requests.push(Date.now());
      const grant = (expiration: number) => {
        p.expiresAt = expiration;
      };
      if (!customer) {
        grant(seconds() + CALL_PERMISSION_SECONDS);
        return undefined;
      }
      return grant;
    },
  };
}
