/**
 * Resolves console session tokens (the `chakra_session` cookie) to principals, as KeyStore does
 * for API keys: cached per instance for KEY_CACHE_TTL_MS (a sign-out on this instance drops the
 * entry at once; other instances notice within the TTL), lastSeenAt written in batches. A
 * session is refused once revoked, past its absolute expiry, idle longer than
 * SESSION_IDLE_MINUTES, or when its user is deactivated or deleted.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { Queryable } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { hashApiKey, secretsEqual } from './key-material.ts';
import type { UserPrincipal } from './principal.ts';
import { TokenCache } from './token-cache.ts';

interface CachedSession {
  principal: UserPrincipal | null; // null: no usable session for this token
  expiresAt: number;
  lastSeenAt: number;
  cachedUntil: number;
}

export const hashSessionToken = hashApiKey;

export class SessionStore {
  private cache: TokenCache<CachedSession>;
  private csrfKey: Buffer;

  constructor(
    private db: Queryable,
    private ttlMs: number,
    private idleMs: number,
    serverKey: Buffer,
  ) {
    this.csrfKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'chakra session csrf', 32));
    this.cache = new TokenCache(
      db,
      (token, now, previous) => this.load(token, now, previous),
      'update user_sessions set last_seen_at = now() where id = any($1::uuid[])',
    );
  }

  /** The principal for a session token, or the 401 to send. */
  async authenticate(token: string): Promise<UserPrincipal> {
    const entry = await this.cache.get(token);
    const now = Date.now();
    if (!entry.principal || entry.expiresAt <= now || now - entry.lastSeenAt > this.idleMs) {
      throw new AppError('SESSION_INVALID');
    }
    entry.lastSeenAt = now;
    this.cache.seen(entry.principal.sessionId);
    return entry.principal;
  }

  /** `previous`: the token's expired entry, whose lastSeenAt may be newer than the last batched write. */
  private async load(token: string, now: number, previous: CachedSession | undefined): Promise<CachedSession> {
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
    if (!row) return { principal: null, expiresAt: 0, lastSeenAt: 0, cachedUntil: now + Math.min(this.ttlMs, 1000) };
    return {
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
      lastSeenAt: Math.max(row.last_seen_at.getTime(), previous?.lastSeenAt ?? 0),
      cachedUntil: now + this.ttlMs,
    };
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
    return !!given && secretsEqual(given, this.csrfTokenFor(sessionToken));
  }

  /** Drops every cached session of one user, or one session (after a sign-out or a password change). */
  forget(match: { userId?: string; sessionId?: string }): void {
    this.cache.forget(({ principal: p }) => !!p && (p.userId === match.userId || p.sessionId === match.sessionId));
  }

  /** Drops everything (after a workspace apply changed roles or users). */
  clear(): void {
    this.cache.clear();
  }

  close(): Promise<void> {
    return this.cache.close();
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
