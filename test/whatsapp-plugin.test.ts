/** The WhatsApp plugin's configuration API and public media, over HTTP on the demo workspace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { makePng } from './helpers/images.ts';
import { PLUGIN } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let otherKey: string;
let salesKey: string;

beforeAll(async () => {
  s = await startTestServer();
  otherKey = await addTeamWithLeads(s, 'acme');
  const [demo] = await s.ctx.db.query("select id from teams where short_id = 'demo'");
  salesKey = (await createApiKey(s.ctx.db, demo.id, { name: 'sales', role: 'inside_sales' })).key;
});
afterAll(() => s?.close());

const api = (method: string, path: string, body?: unknown, key = s.demoKey) => call(s.url, method, path, { key, body });
const configPath = (plugin = PLUGIN) => `/v1/ext/plugin/whatsapp/${plugin}/config`;
const updatePath = (plugin = PLUGIN) => `/v1/ext/plugin/whatsapp/${plugin}/update-config`;

describe('plugin configuration', () => {
  it('starts with no webhooks and changes only the fields given', async () => {
    expect((await api('GET', configPath())).json._data).toEqual({
      passThroughWebhookUrl: null,
      enableMessageEchoesForPassThroughWebhook: false,
      enableSendMessageTemplateEventForPassThroughWebhook: false,
      enableChakraWebhook: false,
      chakraWebhookUrl: null,
      whichChakraWebhookEventsToSend: [],
    });
    const first = await api('POST', updatePath(), {
      passThroughWebhookUrl: 'https://hooks.example.com/meta',
      enableMessageEchoesForPassThroughWebhook: true,
    });
    expect(first.status, first.text).toBe(200);
    expect(first.json._data).toEqual({ success: true });
    await api('POST', updatePath(), {
      enableChakraWebhook: true,
      chakraWebhookUrl: 'https://hooks.example.com/chakra',
      whichChakraWebhookEventsToSend: ['message', 'status'],
    });
    expect((await api('GET', configPath())).json._data).toEqual({
      passThroughWebhookUrl: 'https://hooks.example.com/meta',
      enableMessageEchoesForPassThroughWebhook: true,
      enableSendMessageTemplateEventForPassThroughWebhook: false,
      enableChakraWebhook: true,
      chakraWebhookUrl: 'https://hooks.example.com/chakra',
      whichChakraWebhookEventsToSend: ['message', 'status'],
    });
  });

  it('takes the n8n node’s empty strings as "clear"', async () => {
    await api('POST', updatePath(), { enableChakraWebhook: false });
    const res = await api('POST', updatePath(), { passThroughWebhookUrl: '', chakraWebhookUrl: '' });
    expect(res.status, res.text).toBe(200);
    const config = (await api('GET', configPath())).json._data;
    expect(config).toMatchObject({ passThroughWebhookUrl: null, chakraWebhookUrl: null });
  });

  it.each([
    [{ passThroughWebhookUrl: 'ftp://x.example.com' }, 'passThroughWebhookUrl: must be an http(s) URL'],
    [{ chakraWebhookUrl: 'not a url' }, 'chakraWebhookUrl: must be an http(s) URL'],
    [
      { whichChakraWebhookEventsToSend: ['message', 'typing'] },
      'whichChakraWebhookEventsToSend[1]: must be one of "message", "status", "message_echo", "smb_message_echo", "deliveryStatus", "call"',
    ],
    [{ enableChakraWebhook: true }, 'chakraWebhookUrl: is required to enable the Chakra webhook'],
    [{ colour: 'red' }, 'colour: is not a known field'],
  ])('refuses %j', async (body, message) => {
    const res = await api('POST', updatePath(), body);
    expect(res.status).toBe(400);
    expect(res.json._errors[0]).toBe(message);
  });

  it('answers 404 "plugin <id> not found" for unknown plugins and other teams’ plugins, 403 without whatsapp:manage', async () => {
    for (const [plugin, key] of [
      ['3b1d3a8e-0000-4000-8000-000000000009', s.demoKey],
      ['nope', s.demoKey],
      [PLUGIN, otherKey],
    ]) {
      const res = await api('GET', configPath(plugin), undefined, key);
      expect(res.status).toBe(404);
      expect(res.json._errors[0]).toBe(`plugin ${plugin} not found`);
      expect((await api('POST', updatePath(plugin), { enableChakraWebhook: false }, key)).status).toBe(404);
    }
    const denied = await api('GET', configPath(), undefined, salesKey);
    expect(denied.status).toBe(403);
    expect(denied.json._errors[0]).toBe('role inside_sales lacks the privilege whatsapp:manage');
  });
});

async function uploadMedia(
  bytes: Buffer,
  options: { filename?: string; field?: string; plugin?: string; key?: string; headers?: Record<string, string> } = {},
) {
  const form = new FormData();
  form.append(options.field ?? 'file', new Blob([new Uint8Array(bytes)]), 'upload.bin');
  if (options.filename) form.append('filename', options.filename);
  const res = await fetch(`${s.url}/v1/ext/plugin/whatsapp/${options.plugin ?? PLUGIN}/upload-public-media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.key ?? s.demoKey}`, ...options.headers },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

const local = (publicUrl: string) => s.url + new URL(publicUrl).pathname;

describe('public media', () => {
  it('stores a file sent as the official SDK sends it and serves it at its public URL without a key', async () => {
    const png = makePng(20, 10);
    const res = await uploadMedia(png, {
      filename: 'offer banner.png',
      headers: { 'x-chakra-sdk': 'chakra-chat-sdk/1.0.0', accept: 'application/json' },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const config = (await api('GET', '/v1/ext/config')).json._data;
    // On PUBLIC_BASE_URL (here the default, built from PORT=0), fetched at the test server's address.
    const url: string = res.json._data.publicMediaUrl;
    expect(url).toMatch(
      new RegExp(`^${s.ctx.config.publicBaseUrl}/public-media/${config.team.id}/\\d{4}-\\d{2}-\\d{2}/[0-9a-f-]{36}\\.png$`),
    );
    const served = await fetch(local(url));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toBe('inline; filename="offer banner.png"');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('recognises documents and audio by their bytes (and Office/text files by name as well)', async () => {
    const cases: [Buffer, string | undefined, string][] = [
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), 'invoice.pdf', 'application/pdf'],
      [Buffer.from('hello, plain text\n'), 'notes.txt', 'text/plain'],
      [
        Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(60)]),
        'sheet.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ],
      [Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]), undefined, 'audio/ogg'],
      [Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(60)]), 'clip.mp4', 'video/mp4'],
    ];
    for (const [bytes, filename, mime] of cases) {
      const res = await uploadMedia(bytes, { filename });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const served = await fetch(local(res.json._data.publicMediaUrl));
      expect(served.headers.get('content-type')).toBe(mime);
    }
  });

  it.each([
    [
      'bytes of no accepted type',
      Buffer.from('<html><script>alert(1)</script></html>'),
      'page.html',
      /^file: is not a type WhatsApp accepts/,
    ],
    [
      'a zip that is not an Office file',
      Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20)]),
      'archive.zip',
      /^file: is not a type WhatsApp accepts/,
    ],
    [
      'an image over 5 MB',
      Buffer.concat([makePng(4, 4), Buffer.alloc(5 * 1024 * 1024)]),
      'big.png',
      /^file: an image may be at most 5 MB \(WhatsApp's limit\)$/,
    ],
  ])('refuses %s (400, nothing stored)', async (_name, bytes, filename, message) => {
    const [{ n: before }] = await s.ctx.db.query('select count(*)::int as n from public_media');
    const res = await uploadMedia(bytes, { filename });
    expect(res.status).toBe(400);
    expect(res.json._errors[0]).toMatch(message);
    const [{ n: after }] = await s.ctx.db.query('select count(*)::int as n from public_media');
    expect(after).toBe(before);
  });

  it('needs the file field, a plugin of the caller’s team and whatsapp:send', async () => {
    expect((await uploadMedia(makePng(2, 2), { field: 'photo' })).json._errors[0]).toBe(
      'photo: is not a file field of this upload (send the file as "file")',
    );
    const other = await uploadMedia(makePng(2, 2), { key: otherKey });
    expect(other.status).toBe(404);
    expect(other.json._errors[0]).toBe(`plugin ${PLUGIN} not found`);
    const sales = await uploadMedia(makePng(2, 2), { key: salesKey });
    expect(sales.status).toBe(200);
    const json = await call(s.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/upload-public-media`, {
      key: s.demoKey,
      body: { file: 'x' },
    });
    expect(json.status).toBe(415);
  });

  it('an unknown public media path is a 404', async () => {
    const res = await call(s.url, 'GET', '/public-media/3b1d3a8e-0000-4000-8000-000000000000/2026-01-01/nothing.png');
    expect(res.status).toBe(404);
  });
});
