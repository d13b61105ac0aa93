import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/features/api-keys/service.ts';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { makePng } from './helpers/images.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
let otherKey: string;
beforeAll(async () => {
  s = await startTestServer({ BODY_LIMIT_UPLOAD: String(64 * 1024) });
  await applyWorkspaceDocument(
    s.ctx.db,
    { version: 1, teams: [{ shortId: 'acme', name: 'Acme', roles: [{ shortId: 'admin', name: 'Admin', privileges: ['admin'] }] }] },
    { secrets: s.ctx.secrets },
  );
  const [acme] = await s.ctx.db.query("select id from teams where short_id = 'acme'");
  otherKey = (await createApiKey(s.ctx.db, acme.id, { name: 'acme', role: 'admin' })).key;
});
afterAll(() => s?.close());

async function upload(
  bytes: Buffer,
  options: { path?: string; filename?: string; field?: string; key?: string; idempotencyKey?: string } = {},
) {
  const form = new FormData();
  if (options.filename) form.append('filename', options.filename);
  form.append(options.field ?? 'photo', new Blob([new Uint8Array(bytes)]), 'upload.bin');
  const res = await fetch(`${s.url}${options.path ?? '/v1/ext/photo'}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.key ?? s.demoKey}`,
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

describe('photo upload', () => {
  it('stores a PNG, recognised by its bytes, with its size, and serves it through a signed link', async () => {
    const png = makePng(40, 30);
    const res = await upload(png, { filename: 'mobile_screenshot' });
    expect(res.status).toBe(200);
    const config = (await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey })).json._data;
    expect(res.json._data).toMatchObject({
      filetype: 'png',
      filename: 'mobile_screenshot',
      width: 40,
      height: 30,
      isPublic: false,
      team: config.team.id,
      user: null,
    });

    const meta = await call(s.url, 'GET', `/v1/ext/photo/${res.json._data.id}`, { key: s.demoKey });
    expect(meta.status).toBe(200);
    const url: string = meta.json._data.url;
    expect(url.startsWith(`${s.ctx.config.publicBaseUrl}/v1/photo-files/${res.json._data.id}?expires=`)).toBe(true);
    const file = await fetch(url.replace(s.ctx.config.publicBaseUrl, s.url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });

  it('signed links cannot be altered, moved to another photo, or used after they expire', async () => {
    const a = (await upload(makePng(2, 2))).json._data;
    const b = (await upload(makePng(3, 3))).json._data;
    const url = new URL((await call(s.url, 'GET', `/v1/ext/photo/${a.id}`, { key: s.demoKey })).json._data.url);
    const local = (u: URL) => `${s.url}${u.pathname}${u.search}`;
    const forged = new URL(url);
    forged.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    const moved = new URL(url);
    moved.pathname = `/v1/photo-files/${b.id}`;
    const expired = new URL(s.ctx.urlSigner.sign(`/v1/photo-files/${a.id}`, 60, Date.now() - 120_000));
    for (const u of [forged, moved, expired]) {
      const res = await fetch(local(u));
      expect(res.status, u.toString()).toBe(403);
      expect(((await res.json()) as any)._errors).toEqual(['signature: this link is invalid or has expired']);
    }
    expect((await fetch(`${s.url}/v1/photo-files/${a.id}`)).status).toBe(403);
  });

  it('takes a client-chosen id once; a second upload to it is 409 and leaves the first intact', async () => {
    const id = randomUUID();
    const first = await upload(makePng(5, 5, 10), { path: `/v1/ext/photo/${id}` });
    expect(first.status).toBe(200);
    expect(first.json._data.id).toBe(id);
    const again = await upload(makePng(6, 6, 200), { path: `/v1/ext/photo/${id}` });
    expect(again.status).toBe(409);
    expect(again.json._errors).toEqual([`path.photoId: ${id} is already used by another photo`]);
    const url = (await call(s.url, 'GET', `/v1/ext/photo/${id}`, { key: s.demoKey })).json._data.url as string;
    const bytes = Buffer.from(await (await fetch(url.replace(s.ctx.config.publicBaseUrl, s.url))).arrayBuffer());
    expect(bytes.equals(makePng(5, 5, 10))).toBe(true);
    expect((await upload(makePng(1, 1), { path: '/v1/ext/photo/not-a-uuid' })).json._errors).toEqual([
      'path.photoId: must be a uuid (the id you want the photo to have)',
    ]);
  });

  it('honours Idempotency-Key: the same file replays the first answer, another file is a 409', async () => {
    const png = makePng(9, 9);
    const first = await upload(png, { idempotencyKey: 'upload-1' });
    const again = await upload(png, { idempotencyKey: 'upload-1' });
    expect(again.status).toBe(200);
    expect(again.json._data.id).toBe(first.json._data.id);
    const other = await upload(makePng(9, 9, 7), { idempotencyKey: 'upload-1' });
    expect(other.status).toBe(409);
    expect(other.json._meta.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses what is not an image, a missing file, the wrong content type and a file over the limit', async () => {
    const text = await upload(Buffer.from('hello, I am not a png'));
    expect(text.status).toBe(400);
    expect(text.json._errors).toEqual(['photo: is not a PNG, JPEG, WebP, GIF or HEIC image']);
    const wrongField = await upload(makePng(1, 1), { field: 'image' });
    expect(wrongField.json._errors).toEqual(['image: is not a file field of this upload (send the image as "photo")']);
    const json = await call(s.url, 'POST', '/v1/ext/photo', { key: s.demoKey, body: { photo: 'x' } });
    expect(json.status).toBe(415);
    const big = await upload(Buffer.concat([makePng(1, 1), Buffer.alloc(70 * 1024)]));
    expect(big.status).toBe(413);
    expect(big.json._errors).toEqual(['body: larger than the limit of 65536 bytes']);
  });

  it("is scoped to the team: another team's photo is 404 and cannot be used in its processes", async () => {
    const mine = (await upload(makePng(4, 4))).json._data;
    expect((await call(s.url, 'GET', `/v1/ext/photo/${mine.id}`, { key: otherKey })).status).toBe(404);
    const theirs = (await upload(makePng(4, 4), { key: otherKey })).json._data;
    const ok = await call(s.url, 'POST', '/v1/ext/procedure/lead/process', { key: s.demoKey, body: { data: { photo: mine.id } } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const bad = await call(s.url, 'POST', '/v1/ext/procedure/fieldvisit/process', {
      key: s.demoKey,
      body: { data: { photos: [mine.id, theirs.id] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json._errors).toEqual([`data.photos: unknown photo ${theirs.id}`]);
  });
});
