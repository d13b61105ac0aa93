/** Template sends (to a phone, to a process) against a recording Meta double. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaDouble, type MetaDouble, type MetaTemplate } from './helpers/meta-double.ts';
import { PLUGIN, PNID, WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let meta: MetaDouble;
let otherKey: string;

const PROMO: MetaTemplate = {
  id: '900001',
  name: 'christmas_promo_23',
  language: 'en_US',
  status: 'APPROVED',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, enjoy {{2}} off!' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Shop', url: 'https://shop.example.com/{{1}}' }] },
  ],
};

beforeAll(async () => {
  meta = await startMetaDouble();
  meta.templates.set(WABA, [PROMO, { ...PROMO, id: '900002', name: 'draft_offer', status: 'PENDING' }]);
  s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
  otherKey = await addTeamWithLeads(s, 'acme');
});
afterAll(async () => {
  await s?.close();
  await meta?.close();
});

const api = (path: string, body: unknown, key = s.demoKey, headers?: Record<string, string>) =>
  call(s.url, 'POST', path, { key, body, headers });
const toPhone = (phone: string) => `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/${phone}/send-template-message`;
const sends = () => meta.requests.filter((r) => r.path === `/v22.0/${PNID}/messages`);
const promoBody = {
  whatsappPhoneNumberId: PNID,
  templateName: 'christmas_promo_23',
  mapping: [
    { schemaPropertyName: '1', schemaPropertyValue: 'John' },
    { schemaPropertyName: '2', schemaPropertyValue: '20%' },
  ],
  buttonMapping: [{ schemaPropertyName: '0', schemaPropertyValue: 'xmas' }],
  imageUrl: 'https://cdn.example.com/xmas.png',
};

describe('send template message to a phone number', () => {
  it('sends the documented example as the SDK does: Meta gets the exact template message, the caller the stored chat message', async () => {
    const res = await api(toPhone('919900112233'), promoBody, s.demoKey, {
      'x-chakra-sdk': 'chakra-chat-sdk/1.0.0',
      accept: 'application/json',
    });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(sends().at(-1)!.body)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919900112233',
      type: 'template',
      template: {
        name: 'christmas_promo_23',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/xmas.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'John' },
              { type: 'text', text: '20%' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'xmas' }] },
        ],
      },
    });
    expect(res.json._data).toMatchObject({
      externalId: expect.stringMatching(/^wamid\./),
      dataType: 'template',
      text: 'Hi John, enjoy 20% off!',
      direction: 'OUTGOING',
      deliveryStatus: 'SENT',
      context: { contactIdentifier: '919900112233', messageTemplateId: 'christmas_promo_23' },
      plugin: PLUGIN,
      process: null,
    });
  });

  it('takes the n8n node’s shape: empty strings and zeros for the fields left blank', async () => {
    const res = await api(toPhone('919900112234'), {
      ...promoBody,
      language: '',
      headerMapping: [],
      videoUrl: '',
      documentUrl: '',
      filename: '',
      locationLatitude: 0,
      locationLongitude: 0,
      locationName: '',
      locationAddress: '',
      otpCode: '',
    });
    expect(res.status, res.text).toBe(200);
  });

  it('checks parameters against the template before calling Meta', async () => {
    const before = sends().length;
    const missing = await api(toPhone('919900112233'), { ...promoBody, mapping: promoBody.mapping.slice(0, 1) });
    expect(missing.status).toBe(400);
    expect(missing.json._errors[0]).toBe('mapping: is missing "2" for the body (it needs "1", "2")');
    const pending = await api(toPhone('919900112233'), { ...promoBody, templateName: 'draft_offer' });
    expect(pending.status).toBe(422);
    expect(pending.json._errors[0]).toBe('templateName: template draft_offer (en_US) is PENDING, not APPROVED');
    const unknown = await api(toPhone('919900112233'), { ...promoBody, templateName: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json._errors[0]).toBe(`templateName: WhatsApp Business Account ${WABA} has no template nope`);
    const badPhone = await api(toPhone('12ab'), promoBody);
    expect(badPhone.json._errors[0]).toBe('path.phoneNumber: must be a phone number of 7 to 15 digits');
    expect(sends().length).toBe(before);
  });

  it('finds a template created since the cache was filled, and asks for a language when the name has several', async () => {
    meta.templates.get(WABA)!.push(
      {
        id: '900003',
        name: 'welcome',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Welcome!' }],
      },
      {
        id: '900004',
        name: 'welcome',
        language: 'hi',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Swagat!' }],
      },
    );
    const ambiguous = await api(toPhone('919900112233'), { whatsappPhoneNumberId: PNID, templateName: 'welcome' });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.json._errors[0]).toBe('language: is required: template welcome exists in en, hi');
    const hindi = await api(toPhone('919900112233'), { whatsappPhoneNumberId: PNID, templateName: 'welcome', languageCode: 'hi' });
    expect(hindi.status, hindi.text).toBe(200);
    expect(JSON.parse(sends().at(-1)!.body).template).toEqual({ name: 'welcome', language: { code: 'hi' } });
  });

  it("answers Meta's refusal with Meta's status, message and error object", async () => {
    meta.failWith = {
      status: 400,
      body: {
        error: {
          message: '(#132001) Template name does not exist in the translation',
          type: 'OAuthException',
          code: 132001,
          fbtrace_id: 'x',
        },
      },
    };
    try {
      const res = await api(toPhone('919900112233'), promoBody);
      expect(res.status).toBe(400);
      expect(res.json._errors[0]).toBe('WhatsApp: (#132001) Template name does not exist in the translation');
      expect(res.json.error.code).toBe(132001);
    } finally {
      meta.failWith = undefined;
    }
  });

  it("refuses another team's plugin and a number that is not the plugin's", async () => {
    expect((await api(toPhone('919900112233'), promoBody, otherKey)).json._errors[0]).toBe(`plugin ${PLUGIN} not found`);
    expect((await api(toPhone('919900112233'), { ...promoBody, whatsappPhoneNumberId: '111' })).json._errors[0]).toBe(
      'WhatsApp phone number 111 not found',
    );
  });
});

describe('send template message for a process', () => {
  it("sends to the process's phone and links the message to the process, by primary key or by id", async () => {
    const lead = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
      key: s.demoKey,
      body: { data: { lead_id: 'WA-1', phone_number: '+91 98450 11111' } },
    });
    expect(lead.status, lead.text).toBe(200);
    const byPk = await api(`/v1/ext/plugin/whatsapp/${PLUGIN}/process/lead/WA-1/send-template-message`, promoBody);
    expect(byPk.status, byPk.text).toBe(200);
    expect(JSON.parse(sends().at(-1)!.body).to).toBe('919845011111');
    expect(byPk.json._data).toMatchObject({ process: lead.json._data.id, procedure: lead.json._data.procedure });
    const byId = await api(`/v1/ext/plugin/whatsapp/${PLUGIN}/process/${lead.json._data.id}/send-template-message`, promoBody);
    expect(byId.status, byId.text).toBe(200);
  });

  it("falls back to the record's phone, and is a 422 when there is none", async () => {
    await call(s.url, 'POST', '/v1/ext/procedure/lead/process', {
      key: s.demoKey,
      body: { data: { lead_id: 'WA-2' }, record: { data: { phone_number: '919845022222' } } },
    });
    const viaRecord = await api(`/v1/ext/plugin/whatsapp/${PLUGIN}/process/lead/WA-2/send-template-message`, promoBody);
    expect(viaRecord.status, viaRecord.text).toBe(200);
    expect(JSON.parse(sends().at(-1)!.body).to).toBe('919845022222');
    await call(s.url, 'POST', '/v1/ext/procedure/lead/process', { key: s.demoKey, body: { data: { lead_id: 'WA-3' } } });
    const none = await api(`/v1/ext/plugin/whatsapp/${PLUGIN}/process/lead/WA-3/send-template-message`, promoBody);
    expect(none.status).toBe(422);
    expect(none.json._errors[0]).toBe('process: this lead process has no phone number to send to (no phone attribute holds one)');
    expect((await api(`/v1/ext/plugin/whatsapp/${PLUGIN}/process/lead/NOPE/send-template-message`, promoBody)).status).toBe(404);
  });
});
