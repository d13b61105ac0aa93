import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.ts';
import { TokenCache } from './token-cache.ts';

interface Entry {
  name: string;
  cachedUntil: number;
}

describe('TokenCache', () => {
  it('reads a token once for concurrent first requests, answers from memory until cachedUntil, then reads again with the old entry', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chakra-token-cache-'));
    const db = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    try {
      await db.exec('create table seen_ids (id uuid primary key, seen_at timestamptz)');
      const reads: { token: string; previous: Entry | undefined }[] = [];
      let ttl = 60_000;
      const cache = new TokenCache<Entry>(
        db,
        async (token, now, previous) => {
          reads.push({ token, previous });
          await new Promise((r) => setTimeout(r, 20));
          return { name: `${token}#${reads.length}`, cachedUntil: now + ttl };
        },
        'insert into seen_ids select unnest($1::uuid[]), now()',
      );

      const first = await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
      expect(reads).toEqual([{ token: 'a', previous: undefined }]);
      expect(first.map((e) => e.name)).toEqual(['a#1', 'a#1', 'a#1']);
      expect(cache.fresh('a', Date.now())?.name).toBe('a#1');
      expect(cache.fresh('b', Date.now())).toBeUndefined();

      // Past its cachedUntil: not fresh, read again, and the read is given the old entry.
      expect(cache.fresh('a', Date.now() + 120_000)).toBeUndefined();
      ttl = -1; // the next entry is stale at once
      cache.forget((e) => e.name === 'a#1');
      await cache.get('a');
      expect(reads[1]).toEqual({ token: 'a', previous: undefined });
      const stale = await cache.get('a');
      expect(reads[2]).toEqual({ token: 'a', previous: { name: 'a#2', cachedUntil: expect.any(Number) } });
      expect(stale.name).toBe('a#3');

      // Used ids are written in one batch, each once.
      const id = '00000000-0000-4000-8000-000000000001';
      cache.seen(id);
      cache.seen(id);
      await cache.close();
      expect(await db.query('select id from seen_ids')).toEqual([{ id }]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
