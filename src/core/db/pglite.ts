import { PGlite, type Transaction } from '@electric-sql/pglite';
import { closeCommitHooks, CommitNotices, openCommitHooks } from './after-commit.ts';
import type { Db, Queryable } from './types.ts';

const NUMERIC_OID = 1700;

function wrap(handle: PGlite | Transaction): Queryable {
  return {
    async query(sql, params) {
      return (await handle.query(sql, params as any[])).rows as any[];
    },
    async run(sql, params) {
      return (await handle.query(sql, params as any[])).affectedRows ?? 0;
    },
    async exec(sql) {
      return ((await handle.exec(sql)).at(-1)?.rows ?? []) as any[];
    },
  };
}

/** Opens (creating if needed) the embedded database; `dataDir` undefined keeps it in memory. */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const db = await PGlite.create(dataDir, { parsers: { [NUMERIC_OID]: (v: string) => Number(v) } });
  let waiting = 0;
  const base = wrap(db);
  const handle: Db = {
    kind: 'pglite',
    notices: new CommitNotices(),
    ...base,
    async tx(fn) {
      waiting++;
      let started = false;
      let inner: Queryable | undefined;
      let committed = false;
      try {
        const result = await db.transaction((tx) => {
          started = true;
          waiting--;
          inner = wrap(tx);
          openCommitHooks(handle, inner);
          return fn(inner);
        });
        committed = true;
        return result;
      } finally {
        if (!started) waiting--;
        if (inner) closeCommitHooks(inner, committed);
      }
    },
    // One connection, one process: the data directory lock (core/db/data-dir-lock) already
    // guarantees a single writer, so there is nobody to race.
    withAdvisoryLock: (_key, fn) => fn(base),
    // PGlite delivers a NOTIFY issued in a transaction once it commits, never after a rollback;
    // its one connection is never lost, so there is no gap to report.
    async listen(channel, handlers) {
      const unlisten = await db.listen(channel, (payload) => handlers.notify(payload));
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    stats: () => ({ total: 1, idle: waiting === 0 ? 1 : 0, waiting }),
    close: () => db.close(),
  };
  return handle;
}
