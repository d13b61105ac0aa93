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

/**
 * What committed transactions of one Db announce (for example "deliveries were written for
 * these destinations"), to the listener registered for the topic. Each Db owns one, so
 * listeners live exactly as long as the database handle (and its context) they belong to.
 */
export class CommitNotices {
  private listeners = new Map<string, (values: string[]) => void>();

  listen(topic: string, listener: (values: string[]) => void): void {
    this.listeners.set(topic, listener);
  }

  notify(topic: string, values: string[]): void {
    this.listeners.get(topic)?.(values);
  }
}

/** Once `q`'s transaction commits (at once outside one), tells its database's listener of `topic` the `values`. */
export function notifyAfterCommit(q: Queryable, topic: string, values: string[]): void {
  if (values.length) afterCommit(q, (db) => db.notices.notify(topic, values));
}
