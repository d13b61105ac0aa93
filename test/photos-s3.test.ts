/** Photos kept in an S3-compatible bucket (s3rver in this process) instead of DATA_DIR/files. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makePng } from './helpers/images.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s3: S3rver;
let s: TestServer;
beforeAll(async () => {
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 's3rver-')),
    configureBuckets: [{ name: 'photos', configs: [] }],
  });
  const { port } = await s3.run();
  s = await startTestServer({
    STORAGE_DRIVER: 's3',
    S3_BUCKET: 'photos',
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_PREFIX: 'chakra/',
  });
});
afterAll(async () => {
  await s?.close();
  await s3?.close();
});

it('uploads to the bucket and serves the bytes back through the signed link', async () => {
  const png = makePng(12, 7);
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(png)]), 'a.png');
  const res = await fetch(`${s.url}/v1/ext/photo`, { method: 'POST', headers: { authorization: `Bearer ${s.demoKey}` }, body: form });
  const photo = ((await res.json()) as any)._data;
  expect(photo).toMatchObject({ width: 12, height: 7, filetype: 'png' });
  const url = (await call(s.url, 'GET', `/v1/ext/photo/${photo.id}`, { key: s.demoKey })).json._data.url as string;
  const file = await fetch(url.replace(s.ctx.config.publicBaseUrl, s.url));
  expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  const [row] = await s.ctx.db.query('select storage_key from photos where id = $1', [photo.id]);
  expect(await s.ctx.files.get(row.storage_key)).toBeDefined();
  expect(existsSync(path.join(s.ctx.config.dataDir, 'files'))).toBe(false); // nothing went to the local directory
});
