import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit } from './after-commit.ts';
import { joinTransaction } from './join-transaction.ts';
import { openDatabase } from './open.ts';
import type { Db } from './types.ts';

describe('joinTransaction', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chakra-join-tx-'));
  let db: Db;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: undefined, dataDir: dir });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the transactions of code given the joined Db part of the outer one: committed with it, rolled back with it', async () => {
    await db.exec('create table t (n int)');
    const hooks: string[] = [];
    const write = (joined: typeof db, n: number) =>
      joined.tx(async (tx) => {
        await tx.run('insert into t values ($1)', [n]);
        afterCommit(tx, () => hooks.push(`after ${n}`));
      });

    await db.tx(async (tx) => {
      await write(joinTransaction(db, tx), 1);
      expect(hooks).toEqual([]); // not before the outer COMMIT
    });
    expect(hooks).toEqual(['after 1']);

    await db
      .tx(async (tx) => {
        await write(joinTransaction(db, tx), 2);
        throw new Error('the outer transaction fails after the inner one "committed"');
      })
      .catch(() => {});
    expect(await db.query('select n from t order by n')).toEqual([{ n: 1 }]);
    expect(hooks).toEqual(['after 1']);
  });

  it('runs queries made in parallel on the joined Db one after another, in order', async () => {
    const order: number[] = [];
    await db
      .tx(async (tx) => {
        const joined = joinTransaction(db, tx);
        await Promise.all([1, 2, 3].map((n) => joined.query('select $1::int as n', [n]).then(([row]) => order.push(row.n))));
        await expect(joined.query('select * from no_such_table')).rejects.toThrow();
      })
      .catch(() => {});
    expect(order).toEqual([1, 2, 3]);
  });
});
