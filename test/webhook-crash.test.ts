/**
 * Meta's events survive the server dying between storing them and forwarding them, and a
 * delivery cut off mid-attempt is sent again under the same delivery id (at least once, never
 * lost). On PostgreSQL the server is SIGKILLed; on PGlite (one process owns the files) it gets
 * SIGTERM, as the bulk crash test does.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BACKEND, createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { PLUGIN } from './helpers/demo-whatsapp.ts';
import { messageEvent, signMeta } from './helpers/meta-events.ts';
import { call } from './helpers/server.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

const SIGNAL: NodeJS.Signals = BACKEND === 'postgres' ? 'SIGKILL' : 'SIGTERM';
const APP_SECRET = 'crash-test-app-secret';

let db: TestDatabase;
let receiver: Receiver;
const servers: ChildServer[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
});
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await receiver?.close();
  await db?.drop();
});

const env = () => ({
  ...db.env,
  DEMO_WHATSAPP_APP_SECRET: APP_SECRET,
  // Well above the receiver's 800 ms hold below: an attempt that times out is rightly sent again,
  // and on a loaded machine 1 s was not enough margin for "in flight finishes once".
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_RETRY_BASE_MS: '100',
  SANDBOX_CALLBACKS: 'false',
});
const start = async (role: 'api' | 'all') => {
  const s = await startChildServer(env(), [process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', role]);
  servers.push(s);
  return s;
};
const postEvents = async (url: string, n: number) => {
  const wamids = Array.from({ length: n }, () => `wamid.${randomUUID()}`);
  for (const [i, wamid] of wamids.entries()) {
    const raw = messageEvent(`91990${String(i).padStart(7, '0')}`, wamid, `message ${i}`);
    const res = await call(url, 'POST', `/v1/webhooks/whatsapp/${PLUGIN}`, {
      raw,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(raw, APP_SECRET) },
    });
    expect(res.status).toBe(200);
  }
  return wamids;
};
/** The wamid a delivery is about: Meta's body (pass-through) or the Chakra `message` event. */
const wamidOf = (json: any) => json.entry?.[0].changes[0].value.messages[0].id ?? json.payload?.message?.id;

it(`forwards every stored event once after a ${SIGNAL} between storing and forwarding, and ${SIGNAL === 'SIGKILL' ? 're-sends a cut-off delivery under its id' : 'lets deliveries in flight finish when stopped'}`, async () => {
  // An api-only process stores what Meta posts and forwards nothing (no workers).
  const api = await start('api');
  const key = /^Demo API key: (\S+)$/m.exec(api.stdout())![1];
  const configured = await call(api.url, 'POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, {
    key,
    body: {
      passThroughWebhookUrl: receiver.url,
      enableChakraWebhook: true,
      chakraWebhookUrl: receiver.url,
      whichChakraWebhookEventsToSend: ['message'],
    },
  });
  expect(configured.status).toBe(200);
  const first = await postEvents(api.url, 30);
  await api.stop(SIGNAL);
  expect(receiver.received).toHaveLength(0);

  // A full server picks them up: each event once to each webhook.
  let server = await start('all');
  await receiver.waitFor(60, 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  expect(receiver.received).toHaveLength(60);
  const kinds = (w: string) =>
    receiver.received
      .filter((r) => wamidOf(r.json) === w)
      .map((r) => r.headers['x-chakra-event'])
      .sort();
  for (const w of first) expect(kinds(w)).toEqual(['message', 'passthrough.messages']);
  expect(new Set(receiver.received.map((r) => r.headers['x-chakra-delivery-id'])).size).toBe(60);

  // Now the receiver hangs on to every request; the server dies while attempts are in flight.
  receiver.received.length = 0;
  receiver.answer = () => ({ status: 200, delayMs: 800 });
  const second = await postEvents(server.url, 10);
  await receiver.waitFor(1, 30_000);
  await server.stop(SIGNAL);
  const cutOff = new Set(receiver.received.map((r) => String(r.headers['x-chakra-delivery-id'])));
  receiver.answer = () => 200;
  server = await start('all');
  const deadline = Date.now() + 40_000;
  const ids = () => new Set(receiver.received.map((r) => r.headers['x-chakra-delivery-id']));
  while (ids().size < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (SIGNAL === 'SIGKILL') {
    // The cut-off attempts' claims run out (timeout + 5 s = 8 s) and they go again.
    const seen = (id: string) => receiver.received.filter((r) => r.headers['x-chakra-delivery-id'] === id).length;
    while ([...cutOff].some((id) => seen(id) < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect([...cutOff].map(seen)).toEqual([...cutOff].map(() => 2));
  }
  await new Promise((r) => setTimeout(r, 1500));
  expect(ids().size).toBe(20);
  for (const w of second) expect(new Set(kinds(w))).toEqual(new Set(['message', 'passthrough.messages']));
  // At least once: a delivery cut off by the crash comes once more, under the same id; nothing else repeats.
  const counts = new Map<string, number>();
  for (const r of receiver.received)
    counts.set(r.headers['x-chakra-delivery-id'] as string, (counts.get(r.headers['x-chakra-delivery-id'] as string) ?? 0) + 1);
  for (const [id, n] of counts) expect(n, id).toBe(SIGNAL === 'SIGKILL' && cutOff.has(id) ? 2 : 1);
}, 120_000);
