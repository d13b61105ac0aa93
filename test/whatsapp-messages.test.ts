/** Meta's messages endpoint through the plugin, against a recording Meta double, and the chat store it fills. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaDouble, type MetaDouble } from './helpers/meta-double.ts';
import { PLUGIN, PNID } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

const path = (pnid = PNID, plugin = PLUGIN) => `/v1/ext/plugin/whatsapp/${plugin}/api/v22.0/${pnid}/messages`;
let s: TestServer;
let meta: MetaDouble;
let otherKey: string;

beforeAll(async () => {
  meta = await startMetaDouble();
  s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
  otherKey = await addTeamWithLeads(s, 'acme');
});
afterAll(async () => {
  await s?.close();
  await meta?.close();
});

const api = (method: string, p: string, body?: unknown, key = s.demoKey) => call(s.url, method, p, { key, body });
const listForPhone = (phone: string, extra: Record<string, unknown> = {}, key = s.demoKey) =>
  api('POST', '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', { customerPhoneNumber: phone, ...extra }, key);

describe('messages pass-through', () => {
  it('forwards the body byte for byte, answers the wamid wrapped, and keeps the message in the chat store', async () => {
    const message = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919900112233',
      type: 'text',
      text: { preview_url: false, body: 'Your card is on its way' },
    };
    const res = await api('POST', path(), message);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ _data: { whatsappMessageId: expect.stringMatching(/^wamid\./) }, _meta: {}, _errors: [] });
    const sent = meta.requests.at(-1)!;
    expect(sent).toMatchObject({ method: 'POST', path: `/v22.0/${PNID}/messages`, contentType: 'application/json' });
    expect(JSON.parse(sent.body)).toEqual(message);

    const chat = await listForPhone('+91 99001 12233');
    expect(chat.status, chat.text).toBe(200);
    expect(chat.json._data).toHaveLength(1);
    expect(chat.json._data[0]).toMatchObject({
      externalId: res.json._data.whatsappMessageId,
      provider: 'whatsapp',
      dataType: 'text',
      text: 'Your card is on its way',
      body: { body: 'Your card is on its way' },
      direction: 'OUTGOING',
      deliveryStatus: 'SENT',
      context: { contactIdentifier: '919900112233' },
      plugin: PLUGIN,
      process: null,
    });
  });

  it("takes the n8n node's session message as it sends it (v24.0, its field order) and forwards exactly those bytes", async () => {
    // The node builds the body from its fields in their declared order: to, text.body, messaging_product, type.
    const raw = '{"to":"919900445566","text":{"body":"Hello from n8n"},"messaging_product":"whatsapp","type":"text"}';
    const res = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/api/v24.0/${PNID}/messages`, {
      key: s.demoKey,
      raw,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json._data.whatsappMessageId).toMatch(/^wamid\./);
    expect(meta.requests.at(-1)).toMatchObject({ path: `/v24.0/${PNID}/messages`, body: raw });
  });

  it("answers other calls (mark as read) with Meta's JSON and stores nothing", async () => {
    const res = await api('POST', path(), { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.ABC' });
    expect(res.status).toBe(200);
    expect(res.json._data).toEqual({ success: true });
  });

  it("keeps Meta's status on errors, with Meta's message as _errors[0] and Meta's error object at the top level", async () => {
    const res = await api('POST', path(), { messaging_product: 'whatsapp', to: 'abc', type: 'text', text: { body: 'x' } });
    expect(res.status).toBe(400);
    expect(res.json._errors[0]).toBe('WhatsApp: The phone number is not valid');
    expect(res.json.error).toMatchObject({ code: 100, error_data: { details: 'Invalid WhatsApp ID' } });
    expect((await listForPhone('919900112299')).json._data).toEqual([]);
  });

  it("refuses a number that is not the plugin's, and another team's plugin, without calling Meta", async () => {
    const before = meta.requests.length;
    const wrongNumber = await api('POST', path('123456'), {
      messaging_product: 'whatsapp',
      to: '919900112233',
      type: 'text',
      text: { body: 'x' },
    });
    expect(wrongNumber.status).toBe(404);
    expect(wrongNumber.json._errors[0]).toBe('WhatsApp phone number 123456 not found');
    const other = await api(
      'POST',
      path(),
      { messaging_product: 'whatsapp', to: '919900112233', type: 'text', text: { body: 'x' } },
      otherKey,
    );
    expect(other.status).toBe(404);
    expect(other.json._errors[0]).toBe(`plugin ${PLUGIN} not found`);
    expect(meta.requests.length).toBe(before);
    // Nor does another team see this team's chats.
    expect((await listForPhone('919900112233', {}, otherKey)).json._data).toEqual([]);
  });

  it('lists a phone’s messages newest first, a page at a time', async () => {
    for (const body of ['one', 'two', 'three']) {
      await api('POST', path(), { messaging_product: 'whatsapp', to: '919811100000', type: 'text', text: { body } });
    }
    const first = await listForPhone('919811100000', { limit: 2 });
    expect(first.json._data.map((m: any) => m.text)).toEqual(['three', 'two']);
    expect(first.json._meta).toEqual({ page: 1, limit: 2, hasMore: true });
    const second = await listForPhone('919811100000', { limit: 2, page: 2 });
    expect(second.json._data.map((m: any) => m.text)).toEqual(['one']);
    expect(second.json._meta.hasMore).toBe(false);
    const bad = await listForPhone('12');
    expect(bad.status).toBe(400);
    expect(bad.json._errors[0]).toBe('customerPhoneNumber: must be a phone number of 7 to 15 digits');
  });

  it('lists the team’s chats with their contact and last message, and a chat’s messages', async () => {
    await api('POST', path(), { messaging_product: 'whatsapp', to: '919822200000', type: 'text', text: { body: 'first' } });
    await api('POST', path(), { messaging_product: 'whatsapp', to: '919822200000', type: 'text', text: { body: 'latest' } });
    const chats = await api('POST', '/v1/ext/chat', {
      orderField: 'lastMessageAt',
      orderDirection: 'desc',
      limit: 10,
      page: 1,
      search: '98222',
    });
    expect(chats.status, chats.text).toBe(200);
    expect(chats.json._data).toHaveLength(1);
    const chat = chats.json._data[0];
    expect(chat).toMatchObject({
      plugin: PLUGIN,
      whatsappPhoneNumberId: PNID,
      contact: { phoneNumber: '919822200000', name: null },
      status: 'OPEN',
      unreadCount: 0,
      lastMessage: { text: 'latest', direction: 'OUTGOING' },
    });
    const all = await api('POST', '/v1/ext/chat', {});
    expect(all.json._data.length).toBeGreaterThanOrEqual(3);
    const messages = await api('POST', `/v1/ext/chat/${chat.id}/message`, { limit: 1 });
    expect(messages.json._data.map((m: any) => m.text)).toEqual(['latest']);
    expect(messages.json._meta).toEqual({ page: 1, limit: 1, hasMore: true });
    expect((await api('POST', `/v1/ext/chat/${chat.id}/message`, {}, otherKey)).status).toBe(404);
    expect((await api('POST', '/v1/ext/chat', {}, otherKey)).json._data).toEqual([]);
    const bad = await api('POST', '/v1/ext/chat', { orderField: 'name' });
    expect(bad.status).toBe(400);
    // Search text is matched literally, LIKE's own characters included.
    for (const search of ['\\', '%', '_']) {
      const literal = await api('POST', '/v1/ext/chat', { search });
      expect(literal.status, literal.text).toBe(200);
      expect(literal.json._data).toEqual([]);
    }
  });
});

describe('received media', () => {
  it("answers Meta's metadata with url pointing at our show endpoint, which serves the bytes (v1 and v2 paths)", async () => {
    const bytes = Buffer.from('OggS-voice-note-bytes');
    meta.media.set('1234567890', { bytes, mime: 'audio/ogg' });
    for (const prefix of ['/v1/whatsapp', '/v2/whatsapp']) {
      const info = await api('GET', `${prefix}/v22.0/media/1234567890`);
      expect(info.status, info.text).toBe(200);
      expect(info.json).toMatchObject({
        id: '1234567890',
        mime_type: 'audio/ogg',
        url: `${s.ctx.config.publicBaseUrl}${prefix}/v22.0/media/1234567890/show`,
      });
      const shown = await fetch(`${s.url}${prefix}/v22.0/media/1234567890/show`, { headers: { authorization: `Bearer ${s.demoKey}` } });
      expect(shown.status).toBe(200);
      expect(shown.headers.get('content-type')).toBe('audio/ogg');
      expect(Buffer.from(await shown.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const download = meta.requests.find((r) => r.path === '/media-bytes/1234567890')!;
    expect(download.authorization).toMatch(/^Bearer .+/);
  });

  it('is a 404 for media Meta does not know, and for a team whose plugins cannot see it', async () => {
    const unknown = await api('GET', '/v1/whatsapp/v22.0/media/999');
    expect(unknown.status).toBe(404);
    expect(unknown.json._errors[0]).toBe('media 999 not found');
    expect((await api('GET', '/v1/whatsapp/v22.0/media/1234567890', undefined, otherKey)).status).toBe(404);
    expect((await api('GET', '/v1/whatsapp/latest/media/1234567890')).status).toBe(400);
    // Some other Graph object the token can read is not media.
    meta.templates.set('83784929738012', [
      { id: '4242', name: 'x', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [] },
    ]);
    expect((await api('GET', '/v1/whatsapp/v22.0/media/4242')).status).toBe(404);
  });

  it("sends the plugin's token only to Meta's media hosts", async () => {
    meta.media.set('5151', { bytes: Buffer.from('x'), mime: 'image/jpeg', url: 'http://127.0.0.1:9/steal' });
    const res = await api('GET', '/v1/whatsapp/v22.0/media/5151/show');
    expect(res.status).toBe(502);
    expect(res.json._errors[0]).toBe('WhatsApp: Meta gave a media URL outside its own hosts');
  });
});
