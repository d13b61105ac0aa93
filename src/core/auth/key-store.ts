/**
 * Resolves bearer API keys to principals without touching the database on the hot path:
 * lookups are cached per instance for a short TTL (token-cache.ts; a revoke on this instance
 * drops the entry at once, other instances notice within the TTL), and lastUsedAt is written
 * in batches.
 */
import type { Queryable } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { hashApiKey } from './key-material.ts';
import type { KeyPrincipal } from './principal.ts';
import { TokenCache } from './token-cache.ts';

interface CachedKey {
  principal: KeyPrincipal | null; // null: no such key (cached briefly as well)
  expiresAt: number | null;
  revoked: boolean;
  cachedUntil: number;
}

export class KeyStore {
  private cache: TokenCache<CachedKey>;

  constructor(
    private db: Queryable,
    private ttlMs: number,
  ) {
    this.cache = new TokenCache(
      db,
      (token, now) => this.load(token, now),
      'update api_keys set last_used_at = now() where id = any($1::uuid[])',
    );
  }

  /**
   * Answers from this instance's cache alone: the principal, the 401 to send, or undefined
   * when the database must be asked. Synchronous, so a cached key costs no promise at all.
   */
  check(token: string): KeyPrincipal | AppError | undefined {
    const now = Date.now();
    const entry = this.cache.fresh(token, now);
    return entry && this.verdict(entry, now);
  }

  /** Returns the principal for a token or throws the matching 401. */
  async authenticate(token: string): Promise<KeyPrincipal> {
    const verdict = this.check(token) ?? this.verdict(await this.cache.get(token), Date.now());
    if (verdict instanceof AppError) throw verdict;
    return verdict;
  }

  private verdict(entry: CachedKey, now: number): KeyPrincipal | AppError {
    if (!entry.principal) return new AppError('API_KEY_INVALID');
    if (entry.revoked) return new AppError('API_KEY_REVOKED');
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      return new AppError('API_KEY_EXPIRED', { expiresAt: new Date(entry.expiresAt).toISOString() });
    }
    this.cache.seen(entry.principal.keyId);
    return entry.principal;
  }

  private async load(token: string, now: number): Promise<CachedKey> {
    const rows = await this.db.query(
      `select k.id, k.name, k.team_id, t.short_id as team_short_id, k.role_id, r.short_id as role_short_id,
              r.privileges, k.expires_at, k.revoked_at
         from api_keys k join teams t on t.id = k.team_id join roles r on r.id = k.role_id
        where k.key_hash = $1`,
      [hashApiKey(token)],
    );
    const row = rows[0];
    if (!row) return { principal: null, expiresAt: null, revoked: false, cachedUntil: now + Math.min(this.ttlMs, 1000) };
    return {
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
    };
  }

  /** Drops one key from this instance's cache (after a revoke). */
  forget(keyId: string): void {
    this.cache.forget((entry) => entry.principal?.keyId === keyId);
  }

  /** Drops everything (after a workspace apply changed roles). */
  clear(): void {
    this.cache.clear();
  }

  flushLastUsed(): Promise<void> {
    return this.cache.flushSeen();
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}
