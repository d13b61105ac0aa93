/**
 * Resolves bearer API keys to principals without touching the database on the hot path:
 * lookups are cached per instance for a short TTL (a revoke on this instance drops the entry
 * at once; other instances notice within the TTL), and lastUsedAt is written in batches.
 */
import type { Queryable } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { hashApiKey } from './key-material.ts';
import type { KeyPrincipal } from './principal.ts';

interface CachedKey {
  principal: KeyPrincipal | null; // null: no such key (cached briefly as well)
  expiresAt: number | null;
  revoked: boolean;
  cachedUntil: number;
}

const MAX_CACHED = 10_000;
const LAST_USED_FLUSH_MS = 30_000;

export class KeyStore {
  private cache = new Map<string, CachedKey>();
  private usedSince = new Set<string>();
  private loading = new Map<string, Promise<CachedKey>>();
  private timer: NodeJS.Timeout;

  constructor(
    private db: Queryable,
    private ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.flushLastUsed().catch(() => {}), LAST_USED_FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Answers from this instance's cache alone: the principal, the 401 to send, or undefined
   * when the database must be asked. Synchronous, so a cached key costs no promise at all.
   */
  check(token: string): KeyPrincipal | AppError | undefined {
    const entry = this.cache.get(token);
    if (!entry) return undefined;
    const now = Date.now();
    if (entry.cachedUntil < now) {
      this.cache.delete(token);
      return undefined;
    }
    return this.verdict(entry, now);
  }

  /** Returns the principal for a token or throws the matching 401. */
  async authenticate(token: string): Promise<KeyPrincipal> {
    let verdict = this.check(token);
    if (!verdict) {
      // Concurrent first requests with one key share a single lookup.
      let loading = this.loading.get(token);
      if (!loading) {
        loading = this.load(token, Date.now()).finally(() => this.loading.delete(token));
        this.loading.set(token, loading);
      }
      verdict = this.verdict(await loading, Date.now());
    }
    if (verdict instanceof AppError) throw verdict;
    return verdict;
  }

  private verdict(entry: CachedKey, now: number): KeyPrincipal | AppError {
    if (!entry.principal) return new AppError('API_KEY_INVALID');
    if (entry.revoked) return new AppError('API_KEY_REVOKED');
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      return new AppError('API_KEY_EXPIRED', { expiresAt: new Date(entry.expiresAt).toISOString() });
    }
    this.usedSince.add(entry.principal.keyId);
    return entry.principal;
  }

  // The cache is keyed by the token itself (it is in this process's memory with every request
  // anyway); only the database sees the hash, so a hit costs no hashing.
  private async load(token: string, now: number): Promise<CachedKey> {
    const rows = await this.db.query(
      `select k.id, k.name, k.team_id, t.short_id as team_short_id, k.role_id, r.short_id as role_short_id,
              r.privileges, k.expires_at, k.revoked_at
         from api_keys k join teams t on t.id = k.team_id join roles r on r.id = k.role_id
        where k.key_hash = $1`,
      [hashApiKey(token)],
    );
    const row = rows[0];
    const entry: CachedKey = row
      ? {
          principal: {
            kind: 'key',
            keyId: row.id,
            teamId: row.team_id,
            teamShortId: row.team_short_id,
            roleId: row.role_id,
            roleShortId: row.role_short_id,
            privileges: new Set(row.privileges),
            ownerId: row.id,
            actor: { type: 'key', id: row.id, name: row.name },
          },
          expiresAt: row.expires_at ? row.expires_at.getTime() : null,
          revoked: row.revoked_at !== null,
          cachedUntil: now + this.ttlMs,
        }
      : { principal: null, expiresAt: null, revoked: false, cachedUntil: now + Math.min(this.ttlMs, 1000) };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, entry);
    return entry;
  }

  /** Drops one key from this instance's cache (after a revoke). */
  forget(keyId: string): void {
    for (const [token, entry] of this.cache) if (entry.principal?.keyId === keyId) this.cache.delete(token);
  }

  /** Drops everything (after a workspace apply changed roles). */
  clear(): void {
    this.cache.clear();
  }

  async flushLastUsed(): Promise<void> {
    if (this.usedSince.size === 0) return;
    const ids = [...this.usedSince];
    this.usedSince.clear();
    await this.db.run('update api_keys set last_used_at = now() where id = any($1::uuid[])', [ids]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushLastUsed().catch(() => {});
  }
}
