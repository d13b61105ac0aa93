import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterCommit } from './after-commit.ts';
import { openDatabase } from './open.ts';

describe('afterCommit', () => {
  it('runs once the transaction commits, with the very Db the server holds; never after a rollback', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chakra-after-commit-'));
    const db = await openDatabase({ databaseUrl: undefined, dataDir: dir });
    try {
      const seen: unknown[] = [];
      await db.tx(async (tx) => {
        afterCommit(tx, (d) => seen.push(d));
        await tx.query('select 1');
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual([db]);
      await db
        .tx(async (tx) => {
          afterCommit(tx, () => seen.push('rolled back'));
          throw new Error('abort');
        })
        .catch(() => {});
      expect(seen).toEqual([db]);
      afterCommit(db, (d) => seen.push(d));
      expect(seen).toEqual([db, db]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
