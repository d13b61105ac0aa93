/**
 * The same contract for both drivers: the local directory, and S3 — here against s3rver, an
 * S3-compatible server run in this process (the one stand-in: a real bucket service is
 * outside this machine).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStorage } from './file-storage.ts';
import { localStorage } from './local-storage.ts';
import { s3Storage } from './s3-storage.ts';

let s3: S3rver;
let endpoint: string;
beforeAll(async () => {
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 's3rver-')),
    configureBuckets: [{ name: 'chakra', configs: [] }],
  });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(() => s3?.close());

const drivers: [string, () => FileStorage][] = [
  ['local directory', () => localStorage(mkdtempSync(path.join(tmpdir(), 'chakra-files-')))],
  [
    'S3-compatible bucket',
    () =>
      s3Storage({
        bucket: 'chakra',
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        prefix: 'test/',
      }),
  ],
];

describe.each(drivers)('%s storage', (_name, make) => {
  it('stores, returns and deletes bytes by key; a missing key is undefined', async () => {
    const files = make();
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    await files.put('photos/team/a-1', bytes);
    expect((await files.get('photos/team/a-1'))?.equals(bytes)).toBe(true);
    expect(await files.get('photos/team/none')).toBeUndefined();
    await files.put('photos/team/a-1', Buffer.from('replaced'));
    expect((await files.get('photos/team/a-1'))?.toString()).toBe('replaced');
    await files.delete('photos/team/a-1');
    expect(await files.get('photos/team/a-1')).toBeUndefined();
  });
});
