/**
 * Every WhatsApp endpoint, called with another team's key on the demo team's plugin, WABA,
 * number, chat and media: a 404, and nothing reaches Meta.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMetaDouble, type MetaDouble } from './helpers/meta-double.ts';
import { makePng } from './helpers/images.ts';
import { PLUGIN, PNID, WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let meta: MetaDouble;
let otherKey: string;

beforeAll(async () => {
  meta = await startMetaDouble();
  meta.templates.set(WABA, [
    { id: '800001', name: 'hello', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello' }] },
  ]);
  meta.media.set('31337', { bytes: Buffer.from('x'), mime: 'image/jpeg' });
  s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
  otherKey = await addTeamWithLeads(s, 'acme');
});
afterAll(async () => {
  await s?.close();
  await meta?.close();
});

it("no WhatsApp endpoint lets another team's key near this team's plugin or data", async () => {
  // The demo team has a chat, so that its id can be tried too.
  await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900000001/send-template-message`, {
    key: s.demoKey,
    body: { whatsappPhoneNumberId: PNID, templateName: 'hello' },
  });
  const [chat] = await s.ctx.db.query('select id from chats limit 1');
  expect(chat).toBeDefined();
  const before = meta.requests.length;

  const send = { whatsappPhoneNumberId: PNID, templateName: 'hello' };
  const attempts: [string, string, unknown?][] = [
    ['GET', `/v1/ext/plugin/whatsapp/${PLUGIN}/config`],
    ['POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, { enableChakraWebhook: false }],
    ['POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900000001/send-template-message`, send],
    ['POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/919900000001/send-template-message?async=true`, send],
    ['POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/process/lead/X-1/send-template-message`, send],
    [
      'POST',
      `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v22.0/${PNID}/messages`,
      { messaging_product: 'whatsapp', to: '919900000001', type: 'text', text: { body: 'x' } },
    ],
    ['GET', `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`],
    ['POST', `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`, { name: 'x', language: 'en', category: 'UTILITY' }],
    ['DELETE', `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates?name=hello`],
    ['POST', '/v1/ext/plugin/whatsapp/api/v22.0/800001', { components: [] }],
    ['POST', `/v1/ext/chat/${chat.id}/message`, {}],
    ['GET', '/v1/whatsapp/v22.0/media/31337'],
    ['GET', '/v2/whatsapp/v22.0/media/31337/show'],
  ];
  for (const [method, path, body] of attempts) {
    const res = await call(s.url, method, path, { key: otherKey, body });
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(404);
  }
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(makePng(2, 2))]), 'x.png');
  const upload = await fetch(`${s.url}/v1/ext/plugin/whatsapp/${PLUGIN}/upload-public-media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${otherKey}` },
    body: form,
  });
  expect(upload.status).toBe(404);
  // Lists answer empty rather than 404, and show nothing of the demo team.
  expect((await call(s.url, 'POST', '/v1/ext/chat', { key: otherKey, body: {} })).json._data).toEqual([]);
  const byPhone = await call(s.url, 'POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', {
    key: otherKey,
    body: { customerPhoneNumber: '919900000001' },
  });
  expect(byPhone.json._data).toEqual([]);
  expect(meta.requests.length).toBe(before);
  expect(await s.ctx.db.query('select * from whatsapp_send_queue')).toEqual([]);
});
