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
  private timer: NodeJS.Timeout;

  constructor(
    private db: Queryable,
    private ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.flushLastUsed().catch(() => {}), LAST_USED_FLUSH_MS);
    this.timer.unref();
  }

  /** Returns the principal for a token or throws the matching 401. */
  async authenticate(token: string): Promise<KeyPrincipal> {
    const hash = hashApiKey(token);
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.cachedUntil < now) {
      entry = await this.load(hash, now);
    }
    if (!entry.principal) throw new AppError('API_KEY_INVALID');
    if (entry.revoked) throw new AppError('API_KEY_REVOKED');
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      throw new AppError('API_KEY_EXPIRED', { expiresAt: new Date(entry.expiresAt).toISOString() });
    }
    this.usedSince.add(entry.principal.keyId);
    return entry.principal;
  }

  private async load(hash: string, now: number): Promise<CachedKey> {
    const rows = await this.db.query(
      `select k.id, k.team_id, t.short_id as team_short_id, k.role_id, r.short_id as role_short_id,
              r.privileges, k.expires_at, k.revoked_at
         from api_keys k join teams t on t.id = k.team_id join roles r on r.id = k.role_id
        where k.key_hash = $1`,
      [hash],
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
          },
          expiresAt: row.expires_at ? row.expires_at.getTime() : null,
          revoked: row.revoked_at !== null,
          cachedUntil: now + this.ttlMs,
        }
      : { principal: null, expiresAt: null, revoked: false, cachedUntil: now + Math.min(this.ttlMs, 1000) };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, entry);
    return entry;
  }

  /** Drops one key from this instance's cache (after a revoke). */
  forget(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.principal?.keyId === keyId) this.cache.delete(hash);
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
