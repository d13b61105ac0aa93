/**
 * Work to do once a transaction has committed (waking a worker for rows it wrote: woken before
 * the commit, the worker would find nothing). Db.tx opens a list for its handle and runs it after
 * COMMIT; a rollback drops it. Outside a transaction the statement has committed already, so the
 * work runs at once.
 */
import type { Db, Queryable } from './types.ts';

const pending = new WeakMap<Queryable, { db: Db; hooks: ((db: Db) => void)[] }>();

export function afterCommit(q: Queryable, hook: (db: Db) => void): void {
  const open = pending.get(q);
  if (open) open.hooks.push(hook);
  else if ('tx' in q) hook(q as Db);
  // Any other handle (an advisory-lock session) has no commit to wait for and no Db to name:
  // the work is left to the sweeps that back every wake-up.
}

/** For Db implementations: a transaction's handle starts collecting hooks. */
export function openCommitHooks(db: Db, handle: Queryable): void {
  pending.set(handle, { db, hooks: [] });
}

/** For Db implementations: after COMMIT (`committed`) the hooks run; after a rollback they are dropped. */
export function closeCommitHooks(handle: Queryable, committed: boolean): void {
  const entry = pending.get(handle);
  pending.delete(handle);
  if (!entry || !committed) return;
  for (const hook of entry.hooks) {
    try {
      hook(entry.db);
    } catch {
      // a hook is a wake-up; its failure must not turn a committed transaction into an error
    }
  }
}
