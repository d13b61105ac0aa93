/**
 * Resolves console session tokens (the `chakra_session` cookie) to principals, as KeyStore does
 * for API keys: cached per instance for KEY_CACHE_TTL_MS (a sign-out on this instance drops the
 * entry at once; other instances notice within the TTL), lastSeenAt written in batches. A
 * session is refused once revoked, past its absolute expiry, idle longer than
 * SESSION_IDLE_MINUTES, or when its user is deactivated or deleted.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { hashApiKey } from './key-material.ts';
import type { UserPrincipal } from './principal.ts';

interface CachedSession {
  principal: UserPrincipal | null; // null: no usable session for this token
  expiresAt: number;
  lastSeenAt: number;
  cachedUntil: number;
}

const MAX_CACHED = 10_000;
const LAST_SEEN_FLUSH_MS = 30_000;

export const hashSessionToken = hashApiKey;

export class SessionStore {
  private cache = new Map<string, CachedSession>();
  private seenSince = new Set<string>();
  private timer: NodeJS.Timeout;
  private csrfKey: Buffer;

  constructor(
    private db: Queryable,
    private ttlMs: number,
    private idleMs: number,
    serverKey: Buffer,
  ) {
    this.csrfKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'chakra session csrf', 32));
    this.timer = setInterval(() => void this.flushLastSeen().catch(() => {}), LAST_SEEN_FLUSH_MS);
    this.timer.unref();
  }

  /** The principal for a session token, or the 401 to send. */
  async authenticate(token: string): Promise<UserPrincipal> {
    const now = Date.now();
    let entry = this.cache.get(token);
    if (!entry || entry.cachedUntil < now) entry = await this.load(token, now);
    if (!entry.principal || entry.expiresAt <= now || now - entry.lastSeenAt > this.idleMs) {
      throw new AppError('SESSION_INVALID');
    }
    entry.lastSeenAt = now;
    this.seenSince.add(entry.principal.sessionId);
    return entry.principal;
  }

  private async load(token: string, now: number): Promise<CachedSession> {
    const rows = await this.db.query(
      `select s.id, s.expires_at, s.last_seen_at, u.id as user_id, u.username, u.display_name, u.first_name, u.last_name,
              t.id as team_id, t.short_id as team_short_id, r.id as role_id, r.short_id as role_short_id, r.privileges
         from user_sessions s
         join users u on u.id = s.user_id and u.is_active and not u.is_deleted
         join teams t on t.id = s.team_id
         join roles r on r.id = u.role_id
        where s.token_hash = $1 and s.revoked_at is null`,
      [hashSessionToken(token)],
    );
    const row = rows[0];
    const entry: CachedSession = row
      ? {
          principal: {
            kind: 'user',
            userId: row.user_id,
            sessionId: row.id,
            teamId: row.team_id,
            teamShortId: row.team_short_id,
            roleId: row.role_id,
            roleShortId: row.role_short_id,
            privileges: new Set(row.privileges),
            ownerId: `user:${row.user_id}`,
            actor: { type: 'user', id: row.user_id, name: displayNameOf(row as UserNames) },
          },
          expiresAt: row.expires_at.getTime(),
          lastSeenAt: Math.max(row.last_seen_at.getTime(), this.cache.get(token)?.lastSeenAt ?? 0),
          cachedUntil: now + this.ttlMs,
        }
      : { principal: null, expiresAt: 0, lastSeenAt: 0, cachedUntil: now + Math.min(this.ttlMs, 1000) };
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, entry);
    return entry;
  }

  /**
   * The session's CSRF token: an HMAC of its token under a key derived from the server's secret,
   * so it is never stored, survives restarts, and cannot be made without the cookie and the key.
   */
  csrfTokenFor(sessionToken: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionToken).digest('base64url');
  }

  /** Constant-time check of a request's X-CSRF-Token against the session's. */
  csrfMatches(sessionToken: string, given: string | undefined): boolean {
    if (!given) return false;
    const expected = Buffer.from(this.csrfTokenFor(sessionToken), 'base64url');
    const actual = Buffer.from(given, 'base64url');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** Drops every cached session of one user, or one session (after a sign-out or a password change). */
  forget(match: { userId?: string; sessionId?: string }): void {
    for (const [token, entry] of this.cache) {
      const p = entry.principal;
      if (p && (p.userId === match.userId || p.sessionId === match.sessionId)) this.cache.delete(token);
    }
  }

  /** Drops everything (after a workspace apply changed roles or users). */
  clear(): void {
    this.cache.clear();
  }

  async flushLastSeen(): Promise<void> {
    if (this.seenSince.size === 0) return;
    const ids = [...this.seenSince];
    this.seenSince.clear();
    await this.db.run('update user_sessions set last_seen_at = now() where id = any($1::uuid[])', [ids]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushLastSeen().catch(() => {});
  }
}

interface UserNames {
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  username: string;
}

/** How a user is named in the console and in history: their display name, else first and last name, else the username. */
export function displayNameOf(u: UserNames): string {
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return u.display_name || full || u.username;
}
