/**
 * The inbound webhook Meta calls: the subscription handshake, and signed events stored exactly
 * as received; anything unsigned, wrongly signed, malformed or oversized is refused and leaves
 * nothing behind.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PLUGIN, PNID } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let appSecret: string;
let verifyToken: string;
beforeAll(async () => {
  s = await startTestServer();
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
    const res = await call(s.url, 'GET', `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('1158201444');
  });

  it('answers 403 naming what is wrong, and 404 for an unknown plugin', async () => {
    const wrong = await call(s.url, 'GET', `${hook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
    expect(wrong.json._errors[0]).toBe("hub.verify_token: does not match the plugin's verify token");
    const mode = await call(s.url, 'GET', `${hook}?hub.mode=unsubscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1`);
    expect(mode.status).toBe(403);
    expect(mode.json._errors[0]).toBe('hub.mode: must be subscribe');
    const challenge = await call(s.url, 'GET', `${hook}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}`);
    expect(challenge.status).toBe(403);
    const unknown = await call(s.url, 'GET', `/v1/webhooks/whatsapp/00000000-0000-4000-8000-000000000000?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`);
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
    expect(rows[0]).toMatchObject({ raw: EVENT, plugin_id: PLUGIN, processed_at: null });
  });

  it('refuses without storing: no signature, a wrong one, one over other bytes, a malformed header', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'X-Hub-Signature-256: is required'],
      [{ 'x-hub-signature-256': sign(EVENT, 'another secret') }, 'X-Hub-Signature-256: does not match the body'],
      [{ 'x-hub-signature-256': sign(EVENT + ' ') }, 'X-Hub-Signature-256: does not match the body'],
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
