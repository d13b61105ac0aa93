import type { Db, Queryable } from './types.ts';

/**
 * A Db whose `tx` runs inside the transaction `tx` is already in, instead of opening its own:
 * lets one larger transaction (the first start's bootstrap) call services that each take a Db
 * and open a transaction, so that all of it commits or none of it does. A failure anywhere
 * inside rolls back the whole outer transaction; there are no savepoints.
 */
export function joinTransaction(db: Db, tx: Queryable): Db {
  // Code handed a Db may query it in parallel (it expects a pool); a transaction is one
  // connection, which takes one statement at a time.
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(run: () => Promise<T>): Promise<T> => {
    const next = last.then(run, run);
    last = next.catch(() => undefined);
    return next;
  };
  return {
    kind: db.kind,
    query: (sql, params) => inTurn(() => tx.query(sql, params)),
    run: (sql, params) => inTurn(() => tx.run(sql, params)),
    exec: (sql) => inTurn(() => tx.exec(sql)),
    // The handle given to `fn` is the outer transaction's own, so work deferred to its commit
    // (core/db/after-commit.ts) waits for the outer COMMIT.
    tx: (fn) => fn(tx),
    withAdvisoryLock: () => Promise.reject(new Error('joinTransaction: advisory-lock sessions cannot run inside a transaction')),
    // LISTEN is a session of its own, outside any transaction.
    listen: (channel, handlers) => db.listen(channel, handlers),
    stats: () => db.stats(),
    notices: db.notices,
    close: () => Promise.reject(new Error('joinTransaction: close the database itself, not a joined transaction')),
  };
}
