/**
 * The typed client's WhatsApp resources against the real server: the demo plugin on the bundled
 * sandbox for sends, templates, the plugin's configuration and the chat store; a Meta double
 * (WHATSAPP_GRAPH_URL) for received media, which the sandbox does not have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChakraApiError, createClient } from '../../sdk/src/index.ts';
import { PLUGIN, PNID, WABA } from '../helpers/demo-whatsapp.ts';
import { makePng } from '../helpers/images.ts';
import { type MetaDouble, startMetaDouble } from '../helpers/meta-double.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const OFFER = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';

describe('on the sandbox', () => {
  let s: TestServer;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    s = await startTestServer();
    client = createClient({ baseUrl: s.url, apiKey: s.demoKey });
  });
  afterAll(() => s?.close());

  it('calls a customer (chakra-chat-sdk calling shapes): settings, permission, connect, terminate; the call is in the chat store', async () => {
    const base = { whatsappApiVersion: 'v23.0', whatsappPhoneNumberId: PNID };
    expect(await client.whatsapp.calling.updateSettings({ ...base, settings: { calling: { status: 'ENABLED' } } })).toEqual({
      success: true,
    });
    expect((await client.whatsapp.calling.getSettings(base)).calling.status).toBe('ENABLED');
    const customer = '919900445566';
    expect((await client.whatsapp.calling.getPermissions({ ...base, userWaId: customer })).permission.status).toBe('no_permission');
    const refused = await client.whatsapp.calling
      .connect({ ...base, to: customer, session: { sdp_type: 'offer', sdp: OFFER } })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ChakraApiError);
    expect((refused as ChakraApiError).status).toBe(400);
    expect((refused as ChakraApiError).message).toContain('138006');

    await client.whatsapp.sessionMessages.send({
      pluginId: PLUGIN,
      ...base,
      message: {
        messaging_product: 'whatsapp',
        to: customer,
        type: 'interactive',
        interactive: { type: 'call_permission_request', action: { name: 'call_permission_request' }, body: { text: 'May we call?' } },
      },
    });
    expect((await client.whatsapp.calling.getPermissions({ ...base, userWaId: customer })).permission.status).toBe('temporary');
    const placed = await client.whatsapp.calling.connect({
      ...base,
      to: customer,
      session: { sdp_type: 'offer', sdp: OFFER },
      bizOpaqueCallbackData: 'sdk',
    });
    const callId = placed.calls![0].id;
    expect(callId).toMatch(/^wacid\./);
    expect(await client.whatsapp.calling.terminate({ ...base, callId })).toMatchObject({ success: true });
    const { data } = await client.whatsapp.chats.messagesForPhoneNumber({ customerPhoneNumber: customer });
    expect(data.find((m) => m.externalId === callId)).toMatchObject({ dataType: 'call', direction: 'OUTGOING' });
  });

  it('uploads public media (chakra-chat-sdk shape) that anyone can fetch', async () => {
    const png = makePng(2, 2);
    const { publicMediaUrl } = await client.whatsapp.media.uploadPublic({ pluginId: PLUGIN, file: png, filename: 'offer.png' });
    expect(publicMediaUrl).toMatch(/\/public-media\//);
    const served = await fetch(s.url + new URL(publicMediaUrl).pathname);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('sends a template to a phone number (chakra-chat-sdk shape), queued with async, and to a process', async () => {
    const sent = await client.whatsapp.templateMessages.send({
      pluginId: PLUGIN,
      toPhoneNumber: '919900112233',
      whatsappPhoneNumberId: PNID,
      templateName: 'order_update',
      mapping: [
        { schemaPropertyName: '1', schemaPropertyValue: 'Asha' },
        { schemaPropertyName: '2', schemaPropertyValue: 'A-17' },
      ],
    });
    expect(sent).toMatchObject({ deliveryStatus: 'SENT', direction: 'OUTGOING', text: 'Hi Asha, your order A-17 is on its way.' });
    expect(sent.externalId).toMatch(/^wamid\./);

    const queued = await client.whatsapp.templateMessages.send(
      { pluginId: PLUGIN, toPhoneNumber: '919900112234', whatsappPhoneNumberId: PNID, templateName: 'hello_world' },
      { async: true },
    );
    expect(queued.deliveryStatus).toBe('QUEUED');

    const lead = await client.processes.create('lead', {
      data: { lead_id: 'WA-SDK-1', phone_number: '919900112235' },
      record: { data: { phone_number: '919900112235' } },
    });
    const toProcess = await client.whatsapp.templateMessages.sendToProcess({
      pluginId: PLUGIN,
      ps: 'lead',
      processIdOrPk: 'WA-SDK-1',
      whatsappPhoneNumberId: PNID,
      templateName: 'hello_world',
    });
    expect(toProcess.deliveryStatus).toBe('SENT');
    const byId = await client.whatsapp.templateMessages.sendToProcessById({
      pluginId: PLUGIN,
      processId: lead.id,
      whatsappPhoneNumberId: PNID,
      templateName: 'hello_world',
    });
    expect(byId.deliveryStatus).toBe('SENT');

    const refused = await client.whatsapp.templateMessages
      .send({ pluginId: PLUGIN, toPhoneNumber: '919900112233', whatsappPhoneNumberId: PNID, templateName: 'order_update' })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ChakraApiError);
    expect(refused.status).toBe(400);
    expect(refused.errors[0]).toMatch(/^mapping: /);
  });

  it('sends a session message (chakra-chat-sdk shape); Meta refusing it is a ChakraApiError with Meta’s error', async () => {
    const sent = await client.whatsapp.sessionMessages.send({
      pluginId: PLUGIN,
      whatsappApiVersion: 'v22.0',
      whatsappPhoneNumberId: PNID,
      message: { messaging_product: 'whatsapp', to: '919900112236', type: 'text', text: { body: 'Hello from the SDK' } },
    });
    expect(sent).toEqual({ whatsappMessageId: expect.stringMatching(/^wamid\./) });

    const refused = await client.whatsapp.sessionMessages
      .send({
        pluginId: PLUGIN,
        whatsappApiVersion: 'v22.0',
        whatsappPhoneNumberId: PNID,
        message: { messaging_product: 'whatsapp', to: '12', type: 'text', text: { body: 'hi' } },
      })
      .catch((e: ChakraApiError) => e);
    expect(refused).toBeInstanceOf(ChakraApiError);
    expect(refused).toMatchObject({ status: 400, code: 'UPSTREAM_ERROR', metaError: { code: 100 } });
    expect((refused as ChakraApiError).errors).toHaveLength(1);
  });

  it('lists chats, a chat’s messages, and the messages for a phone number', async () => {
    await client.whatsapp.sessionMessages.send({
      pluginId: PLUGIN,
      whatsappApiVersion: 'v22.0',
      whatsappPhoneNumberId: PNID,
      message: { messaging_product: 'whatsapp', to: '919900112237', type: 'text', text: { body: 'chat me' } },
    });
    const chats = await client.whatsapp.chats.list({ search: '919900112237', limit: 5 });
    expect(chats.data).toHaveLength(1);
    const chat = chats.data[0] as { id: string };
    const messages = await client.whatsapp.chats.messages(chat.id, { limit: 10 });
    expect(messages.data.map((m: any) => m.text)).toEqual(['chat me']);
    const forPhone = await client.whatsapp.chats.messagesForPhoneNumber({ customerPhoneNumber: '919900112237' });
    expect(forPhone.data.map((m: any) => [m.direction, m.text])).toEqual([['OUTGOING', 'chat me']]);
  });

  it('reads and changes the plugin configuration', async () => {
    const changed = await client.whatsapp.config.update(PLUGIN, {
      enableChakraWebhook: true,
      chakraWebhookUrl: 'https://example.com/hooks',
    });
    expect(changed).toEqual({ success: true });
    expect(await client.whatsapp.config.get(PLUGIN)).toMatchObject({
      enableChakraWebhook: true,
      chakraWebhookUrl: 'https://example.com/hooks',
    });
    await expect(client.whatsapp.config.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });

  it('passes the template endpoints through in Meta’s shape; Meta’s own error body becomes a ChakraApiError', async () => {
    const listed = await client.whatsapp.templates.list({ whatsappApiVersion: 'v22.0', wabaId: WABA });
    expect(listed.data.map((t: any) => t.name)).toEqual(expect.arrayContaining(['hello_world', 'order_update']));
    const named = await client.whatsapp.templates.list({ whatsappApiVersion: 'v22.0', wabaId: WABA, query: { name: 'order_update' } });
    expect(named.data.map((t: any) => t.name)).toEqual(['order_update']);

    const created = await client.whatsapp.templates.create({
      whatsappApiVersion: 'v22.0',
      wabaId: WABA,
      template: { name: 'sdk_reminder', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'See you at {{1}}' }] },
    });
    expect(created).toMatchObject({ id: expect.any(String), category: 'UTILITY' });
    const edited = await client.whatsapp.templates.edit({
      whatsappApiVersion: 'v22.0',
      templateId: created.id,
      changes: { components: [{ type: 'BODY', text: 'See you at {{1}}, bring {{2}}' }] },
    });
    expect(edited).toEqual({ success: true });
    expect(await client.whatsapp.templates.delete({ whatsappApiVersion: 'v22.0', wabaId: WABA, name: 'sdk_reminder' })).toEqual({
      success: true,
    });

    const again = await client.whatsapp.templates
      .create({ whatsappApiVersion: 'v22.0', wabaId: WABA, template: { name: 'hello_world', language: 'en_US', category: 'UTILITY' } })
      .catch((e) => e);
    expect(again).toBeInstanceOf(ChakraApiError);
    expect(again.status).toBe(400);
    expect(again.metaError?.message).toMatch(/already exists/);
    expect(again.errors[0]).toMatch(/already exists/);
    // Meta's body alone: no machine code; the request id comes from the x-request-id header.
    expect(again.code).toBeUndefined();
    expect(again.requestId).toMatch(/\S/);
  });
});

describe('received media (a Meta double)', () => {
  let meta: MetaDouble;
  let s: TestServer;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    meta = await startMetaDouble();
    s = await startTestServer({ WHATSAPP_GRAPH_URL: meta.url });
    client = createClient({ baseUrl: s.url, apiKey: s.demoKey });
  });
  afterAll(async () => {
    await s?.close();
    await meta?.close();
  });

  it("answers Meta's metadata and the bytes; unknown media is a 404", async () => {
    const bytes = Buffer.from('OggS-voice-note-bytes');
    meta.media.set('1234567890', { bytes, mime: 'audio/ogg' });
    const info = await client.whatsapp.media.get({ whatsappApiVersion: 'v22.0', mediaId: '1234567890' });
    expect(info).toMatchObject({ id: '1234567890', mime_type: 'audio/ogg' });
    const blob = await client.whatsapp.media.download({ whatsappApiVersion: 'v22.0', mediaId: '1234567890' });
    expect(blob.type).toBe('audio/ogg');
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
    await expect(client.whatsapp.media.get({ whatsappApiVersion: 'v22.0', mediaId: '999' })).rejects.toMatchObject({
      status: 404,
      errors: ['media 999 not found'],
    });
  });
});
