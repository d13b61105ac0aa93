/**
 * The per-instance cache in front of a credential table (API keys, console sessions), so the
 * hot path does not touch the database: entries by the token itself (it is in this process's
 * memory with every request anyway; only the database sees the hash), each until its
 * `cachedUntil`, at most MAX_CACHED of them; concurrent first requests with one token share a
 * single lookup; and the ids used since the last flush are written in one batch.
 */
import type { Queryable } from '../db/types.ts';

const MAX_CACHED = 10_000;
const SEEN_FLUSH_MS = 30_000;

export interface Cached {
  cachedUntil: number;
}

export class TokenCache<E extends Cached> {
  private entries = new Map<string, E>();
  private loading = new Map<string, Promise<E>>();
  private seenSince = new Set<string>();
  private timer: NodeJS.Timeout;

  constructor(
    private db: Queryable,
    /** Reads a token's entry; `previous` is its expired entry, if any. */
    private read: (token: string, now: number, previous: E | undefined) => Promise<E>,
    /** Marks these ids as used now (one statement, `$1` the uuid array). */
    private touchSql: string,
  ) {
    this.timer = setInterval(() => void this.flushSeen().catch(() => {}), SEEN_FLUSH_MS);
    this.timer.unref();
  }

  /** The entry while it is fresh, else undefined (the database must be asked). Synchronous. */
  fresh(token: string, now: number): E | undefined {
    const entry = this.entries.get(token);
    return entry && entry.cachedUntil >= now ? entry : undefined;
  }

  /** The fresh entry, or one read now (shared with any read of the same token in flight). */
  async get(token: string): Promise<E> {
    const entry = this.fresh(token, Date.now());
    if (entry) return entry;
    let loading = this.loading.get(token);
    if (!loading) {
      loading = this.read(token, Date.now(), this.entries.get(token))
        .then((read) => {
          if (this.entries.size >= MAX_CACHED && !this.entries.has(token)) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(token, read);
          return read;
        })
        .finally(() => this.loading.delete(token));
      this.loading.set(token, loading);
    }
    return loading;
  }

  /** Notes that `id` was used, for the next batched write. */
  seen(id: string): void {
    this.seenSince.add(id);
  }

  /** Drops the entries `match` picks (after a revoke, a sign-out, a password change). */
  forget(match: (entry: E) => boolean): void {
    for (const [token, entry] of this.entries) if (match(entry)) this.entries.delete(token);
  }

  /** Drops everything (after a workspace apply changed roles or users). */
  clear(): void {
    this.entries.clear();
  }

  async flushSeen(): Promise<void> {
    if (this.seenSince.size === 0) return;
    const ids = [...this.seenSince];
    this.seenSince.clear();
    await this.db.run(this.touchSql, [ids]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushSeen().catch(() => {});
  }
}
