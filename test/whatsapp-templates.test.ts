/** Meta's template endpoints through the plugin, against a recording Meta double. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { startMetaDouble, type MetaDouble } from './helpers/meta-double.ts';
import { WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let meta: MetaDouble;
let token: string;
let otherKey: string;
let salesKey: string;

beforeAll(async () => {
  meta = await startMetaDouble();
  s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
  otherKey = await addTeamWithLeads(s, 'acme');
  const [demo] = await s.ctx.db.query("select id from teams where short_id = 'demo'");
  salesKey = (await createApiKey(s.ctx.db, demo.id, { name: 'sales', role: 'inside_sales' })).key;
  const [plugin] = await s.ctx.db.query('select access_token_enc from whatsapp_plugins where id = $1', [
    'd83e1d23-50b8-4d87-8f92-842a0ac516f6',
  ]);
  token = s.ctx.secrets.decrypt(plugin.access_token_enc);
});
afterAll(async () => {
  await s?.close();
  await meta?.close();
});

const api = (method: string, path: string, body?: unknown, key = s.demoKey) => call(s.url, method, path, { key, body });
const templates = `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`;
const lastRequest = () => meta.requests.at(-1)!;

const ORDER_UPDATE = {
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Ted', 'A-1']] } }],
};

describe('template pass-through', () => {
  it("creates a template: the body goes to Meta as sent, with the plugin's token; Meta's answer comes back unwrapped", async () => {
    const res = await api('POST', templates, ORDER_UPDATE);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ id: expect.any(String), status: 'PENDING', category: 'UTILITY' });
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: `/v22.0/${WABA}/message_templates`,
      authorization: `Bearer ${token}`,
      contentType: 'application/json',
    });
    expect(JSON.parse(lastRequest().body)).toEqual(ORDER_UPDATE);
  });

  it('lists with the query string passed through verbatim', async () => {
    const res = await api('GET', `${templates}?name=order_update&fields=name,status,components&limit=50`);
    expect(res.status).toBe(200);
    expect(res.json.data.map((t: any) => t.name)).toEqual(['order_update']);
    expect(lastRequest()).toMatchObject({ method: 'GET', query: 'name=order_update&fields=name,status,components&limit=50' });
    // Meta's paging link carries the token it was called with; the caller never sees it.
    expect(res.json.paging.next).toMatch(/after=MjQZD/);
    expect(res.json.paging.next).not.toMatch(/access_token/);
    expect(res.text).not.toContain(token);
  });

  it("keeps Meta's status and error object when Meta refuses", async () => {
    const res = await api('POST', templates, { language: 'en_US' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { message: '(#100) The parameter name is required.', type: 'OAuthException', code: 100, fbtrace_id: 'AbCdEfGhIjK' },
    });
    meta.failWith = {
      status: 503,
      body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, is_transient: true } },
    };
    try {
      const down = await api('GET', templates);
      expect(down.status).toBe(503);
      expect(down.json.error.code).toBe(2);
    } finally {
      meta.failWith = undefined;
    }
  });

  it('edits a template through the plugin that can see it, and deletes by name', async () => {
    const [created] = meta.templates.get(WABA)!;
    const edit = await api('POST', `/v1/ext/plugin/whatsapp/api/v22.0/${created.id}`, {
      components: [{ type: 'BODY', text: 'Hello {{1}}' }],
    });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.json).toEqual({ success: true });
    expect(lastRequest()).toMatchObject({ method: 'POST', path: `/v22.0/${created.id}` });
    const missing = await api('POST', '/v1/ext/plugin/whatsapp/api/v22.0/999999', { components: [] });
    expect(missing.status).toBe(404);
    expect(missing.json._errors[0]).toBe('template 999999 not found');
    // A template Meta would show this token but that is in no WABA of the team: not ours to edit.
    meta.templates.set('5550001', [
      { id: '777001', name: 'elsewhere', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [] },
    ]);
    const elsewhere = await api('POST', '/v1/ext/plugin/whatsapp/api/v22.0/777001', { components: [] });
    expect(elsewhere.status).toBe(404);
    expect(meta.requests.some((r) => r.method === 'POST' && r.path === '/v22.0/777001')).toBe(false);
    const del = await api('DELETE', `${templates}?name=order_update`);
    expect(del.status).toBe(200);
    expect(del.json).toEqual({ success: true });
    expect(lastRequest()).toMatchObject({ method: 'DELETE', query: 'name=order_update' });
  });

  it("another team's WABA, an unknown one and a role without whatsapp:manage never reach Meta", async () => {
    const before = meta.requests.length;
    const other = await api('GET', templates, undefined, otherKey);
    expect(other.status).toBe(404);
    expect(other.json._errors[0]).toBe(`WhatsApp Business Account ${WABA} not found`);
    expect((await api('GET', '/v1/ext/plugin/whatsapp/api/v22.0/123/message_templates')).status).toBe(404);
    expect((await api('GET', templates, undefined, salesKey)).status).toBe(403);
    const badVersion = await api('GET', `/v1/ext/plugin/whatsapp/api/latest/${WABA}/message_templates`);
    expect(badVersion.status).toBe(400);
    expect(meta.requests.length).toBe(before);
  });

  it('a template holding \\u0000 or a lone surrogate does not stop the WABA’s other templates from being cached and sent', async () => {
    // Our own API refuses such text (a 400 naming the body); Meta's own tools can still put it
    // in a template, and then the list Meta answers holds it.
    const raw = '{"name":"odd_surrogate","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Hi \\ud800 {{1}}"}]}';
    const refused = await call(s.url, 'POST', templates, { key: s.demoKey, raw, headers: { 'content-type': 'application/json' } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json._errors[0]).toMatch(/^body: contains an unpaired UTF-16 surrogate/);
    meta.templates.get(WABA)!.push(
      {
        id: '880000',
        name: 'odd_nul',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hi \u0000 {{1}}' }],
      },
      {
        id: '880002',
        name: 'odd_surrogate',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hi \ud800 {{1}}' }],
      },
    );
    // Meta approves a new template the cache has never seen: the first send refreshes the list.
    meta.templates.get(WABA)!.push({
      id: '880001',
      name: 'fresh_after_odd',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello' }],
    });
    const res = await api(
      'POST',
      `/v1/ext/plugin/whatsapp/d83e1d23-50b8-4d87-8f92-842a0ac516f6/phoneNumber/919900112299/send-template-message`,
      {
        whatsappPhoneNumberId: '775966265503012',
        templateName: 'fresh_after_odd',
      },
    );
    expect(res.status, res.text).toBe(200);
    const [odd] = await s.ctx.db.query("select components from whatsapp_templates where name = 'odd_nul'");
    expect(odd.components[0].text).toBe('Hi \uFFFD {{1}}');
  });

  it('answers 502 in the usual envelope when the Graph API cannot be reached', async () => {
    await meta.close();
    const res = await api('GET', templates);
    expect(res.status).toBe(502);
    expect(res.json._errors[0]).toBe('WhatsApp: the Graph API could not be reached');
  });
});
