/**
 * The typed client against the real server: users, photos, config, webhook subscriptions with
 * their deliveries and replays, the admin API keys, and `client.raw` for what the facade leaves out.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChakraApiError, createClient } from '../../sdk/src/index.ts';
import { makePng } from '../helpers/images.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

let s: TestServer;
let receiver: Receiver;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  s = await startTestServer({ KEY_CACHE_TTL_MS: '0', WEBHOOK_RETRY_BASE_MS: '50' });
  receiver = await startReceiver();
  client = createClient({ baseUrl: s.url, apiKey: s.demoKey });
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

describe('client.tasks', () => {
  it("lists a user's tasks due first and completes one", async () => {
    const lead = await client.processes.create('lead', { data: { firstname: 'Tara', lead_id: 'SDK-T-1' } });
    const later = await client.tasks.create('lead', lead.id, 'call', { assignedTo: 'alex@paisapay.com', dueBy: Date.now() + 86_400_000 });
    const sooner = await client.tasks.create('lead', lead.id, 'call', { assignedTo: 'alex@paisapay.com', dueBy: Date.now() + 3_600_000 });
    const open = await client.tasks.list({ assignedTo: 'alex@paisapay.com' });
    expect(open.data.map((t) => t.id)).toEqual([sooner.id, later.id]);
    expect(open.data[0]).toMatchObject({ procedure: 'lead', processLabel: 'Tara' });
    const done = await client.tasks.update(sooner.id, { status: 'COMPLETED' });
    expect(done.completedAt).toEqual(expect.any(Number));
    expect((await client.tasks.list({ assignedTo: 'alex@paisapay.com' })).data.map((t) => t.id)).toEqual([later.id]);
    await expect(client.tasks.list({ assignedTo: 'me' })).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('client.views', () => {
  it('saves, lists, changes and deletes a view; a bad where is refused naming it', async () => {
    const saved = await client.views.create('lead', {
      name: 'Hot leads',
      shared: true,
      columns: ['firstname', 'score'],
      sort: [{ field: 'score', order: 'desc' }],
      where: { score: { '>=': 70 } },
    });
    expect(saved).toMatchObject({ procedure: 'lead', shared: true, layout: 'table', where: { score: { '>=': 70 } } });
    expect((await client.views.list('lead')).map((v) => v.name)).toContain('Hot leads');
    const renamed = await client.views.update('lead', saved.id, { name: 'Hottest', where: { score: { '>=': 90 } } });
    expect(renamed).toMatchObject({ name: 'Hottest', where: { score: { '>=': 90 } } });
    await expect(client.views.create('lead', { name: 'Bad', where: { score: { '~': 1 } } })).rejects.toMatchObject({
      status: 400,
      errors: [expect.stringContaining('where')],
    });
    await client.views.delete('lead', saved.id);
    expect((await client.views.list('lead')).map((v) => v.id)).not.toContain(saved.id);
  });
});

describe('client.config', () => {
  it('answers the team configuration', async () => {
    const config = await client.config.get();
    expect(config.team).toMatchObject({ shortId: 'demo' });
    expect(config.procedures.map((p: any) => p.shortId)).toEqual(expect.arrayContaining(['lead', 'ticket']));
  });
});

describe('client.users', () => {
  it('lists, fetches (v1 and v2), updates and patches users', async () => {
    const page = await client.users.list({ limit: 10 });
    const john = page.data.find((u) => u.username === 'john@paisapay.com')!;
    expect(john).toMatchObject({ firstName: 'John', lastName: 'Doe' });
    expect((await client.users.list({ skip: 0, limit: 1 })).data).toHaveLength(1);

    const one = await client.users.get(john.id);
    expect(one).toMatchObject({ id: john.id, username: 'john@paisapay.com' });

    const updated = await client.users.update(john.id, { bio: 'calls leads', availabilityStatus: 'BUSY' });
    expect(updated).toMatchObject({ bio: 'calls leads', availabilityStatus: 'BUSY' });
    const patched = await client.users.patch(john.id, { displayName: 'Johnny' });
    expect(patched).toMatchObject({ displayName: 'Johnny', bio: 'calls leads' });

    const v2 = await client.users.getV2(john.id);
    expect(v2).toMatchObject({ username: 'john@paisapay.com', primaryEmail: expect.anything() });
    expect((await client.users.listV2()).data.length).toBe(page.data.length);

    await expect(client.users.update(john.id, { nickname: 'J' } as never)).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('makes a sign-in link that sets the user’s password once', async () => {
    const link = await client.users.signInLink('alex@paisapay.com');
    expect(link).toMatchObject({ user: 'alex@paisapay.com', url: expect.stringContaining('/console/setup?token=') });
    const token = new URL(link.url).searchParams.get('token');
    const setup = (password: string) =>
      fetch(`${s.url}/v1/ext/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, password }),
      });
    expect((await setup('a password for alex')).status).toBe(200);
    expect((await setup('a password for alex')).status).toBe(400);
  });
});

describe('client.photos', () => {
  it('uploads a photo (bytes, Blob, or with a chosen id) and fetches it with a working signed link', async () => {
    const png = makePng(4, 3);
    const photo = await client.photos.upload({ file: png, filename: 'visit.png' });
    expect(photo).toMatchObject({ filetype: 'png', width: 4, height: 3 });

    const fetched = await client.photos.get(photo.id);
    expect(fetched.id).toBe(photo.id);
    // The link is built on PUBLIC_BASE_URL; the test server listens on a port of its own.
    const link = new URL(fetched.url);
    const bytes = await fetch(s.url + link.pathname + link.search);
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(png)).toBe(true);

    const id = randomUUID();
    const chosen = await client.photos.upload({ file: new Blob([new Uint8Array(makePng(2, 2))]), id });
    expect(chosen).toMatchObject({ id, width: 2 });

    const notImage = await client.photos.upload({ file: new TextEncoder().encode('hello') }).catch((e) => e);
    expect(notImage).toBeInstanceOf(ChakraApiError);
    expect(notImage.status).toBe(400);
    expect(notImage.errors[0]).toMatch(/^photo: /);
  });
});

describe('client.webhooks', () => {
  it('creates, lists, fetches, updates, and deletes a subscription; lists and replays its deliveries', async () => {
    const sub = await client.webhooks.create({ url: receiver.url, events: ['process.created'], description: 'sdk' });
    expect(sub).toMatchObject({ url: receiver.url, events: ['process.created'], enabled: true });
    expect((await client.webhooks.list()).data.map((x) => x.id)).toContain(sub.id);
    expect(await client.webhooks.get(sub.id)).toMatchObject({ id: sub.id, description: 'sdk' });
    const changed = await client.webhooks.update(sub.id, { description: 'sdk, changed' });
    expect(changed.description).toBe('sdk, changed');

    await client.processes.create('lead', { data: { lead_id: `WH-${randomUUID().slice(0, 8)}` } });
    await receiver.waitFor(1);
    let deliveries = await client.webhooks.deliveries(sub.id);
    for (let i = 0; i < 100 && deliveries.data[0]?.state !== 'DELIVERED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = await client.webhooks.deliveries(sub.id, { state: 'DELIVERED' });
    }
    expect(deliveries.data).toHaveLength(1);
    expect(deliveries.data[0]).toMatchObject({ event: 'process.created', state: 'DELIVERED', attempts: 1 });
    expect(deliveries.meta.hasMore).toBe(false);

    const replayed = await client.webhooks.replay(deliveries.data[0].id);
    expect(replayed.id).toBe(deliveries.data[0].id);
    await receiver.waitFor(2);

    const deleted = await client.webhooks.delete(sub.id);
    expect(deleted.id).toBe(sub.id);
    await expect(client.webhooks.get(sub.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.webhooks.create({ url: receiver.url, events: ['nope' as never] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.stringMatching(/^events\[0\]/)],
    });
  });
});

describe('client.admin', () => {
  it('mints, lists and revokes an API key; the new key works until revoked', async () => {
    const minted = await client.admin.apiKeys.create('demo', { name: `sdk-${randomUUID().slice(0, 6)}`, role: 'inside_sales' });
    expect(minted.key).toMatch(/^chk_/);
    const sales = createClient({ baseUrl: s.url, apiKey: minted.key });
    expect((await sales.config.get()).team.shortId).toBe('demo');
    await expect(sales.webhooks.list()).rejects.toMatchObject({ status: 403, code: 'PRIVILEGE_MISSING' });
    expect((await client.admin.apiKeys.list('demo')).map((k) => k.id)).toContain(minted.id);
    await client.admin.apiKeys.revoke('demo', minted.id);
    await expect(sales.config.get()).rejects.toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
  });
});

describe('client.raw', () => {
  it('reaches every operation with types, including the older paths the facade leaves out', async () => {
    const { data, response } = await client.raw.GET('/v1/config');
    expect(response.status).toBe(200);
    expect(data?._data.team).toMatchObject({ shortId: 'demo' });
    const health = await client.raw.GET('/healthz');
    expect(health.response.status).toBe(200);
  });
});
