/** SQL of console sign-in: users by login, sessions, sign-in links, failure counts. */
import type { Queryable } from '../../core/db/types.ts';

export interface LoginCandidate {
  id: string;
  team_id: string;
  team_short_id: string;
  username: string;
  display_name: string | null;
  first_name: string | null;
  last_name: string | null;
  password_hash: string;
  role_short_id: string;
  privileges: string[];
}

const USER_COLUMNS = `u.id, u.team_id, t.short_id as team_short_id, u.username, u.display_name, u.first_name, u.last_name,
        u.password_hash, r.short_id as role_short_id, r.privileges`;

/** Active users with a password whose username or email is `login` (any team; a few at most). */
export function findLoginCandidates(q: Queryable, login: string): Promise<LoginCandidate[]> {
  return q.query<LoginCandidate>(
    `select ${USER_COLUMNS}
       from users u join teams t on t.id = u.team_id join roles r on r.id = u.role_id
      where (lower(u.username) = lower($1) or lower(u.email) = lower($1))
        and u.is_active and not u.is_deleted and u.password_hash is not null
      order by u.created_at limit 5`,
    [login],
  );
}

export async function findUserForSession(q: Queryable, userId: string): Promise<Omit<LoginCandidate, 'password_hash'> | undefined> {
  const rows = await q.query(
    `select ${USER_COLUMNS}
       from users u join teams t on t.id = u.team_id join roles r on r.id = u.role_id
      where u.id = $1`,
    [userId],
  );
  return rows[0] as LoginCandidate | undefined;
}

export async function insertSession(
  q: Queryable,
  s: { id: string; tokenHash: string; userId: string; teamId: string; expiresAt: Date; address: string; userAgent: string | null },
): Promise<void> {
  await q.run(
    `insert into user_sessions (id, token_hash, user_id, team_id, expires_at, address, user_agent)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [s.id, s.tokenHash, s.userId, s.teamId, s.expiresAt, s.address, s.userAgent],
  );
}

export async function revokeSession(q: Queryable, sessionId: string): Promise<void> {
  await q.run('update user_sessions set revoked_at = now() where id = $1 and revoked_at is null', [sessionId]);
}

export async function revokeSessionsOfUser(q: Queryable, userId: string): Promise<number> {
  return q.run('update user_sessions set revoked_at = now() where user_id = $1 and revoked_at is null', [userId]);
}

/** Claims an unused, unexpired link (single use: a second claim finds nothing). */
export async function claimSetupLink(q: Queryable, tokenHash: string): Promise<{ user_id: string } | undefined> {
  const rows = await q.query<{ user_id: string }>(
    `update user_setup_links set used_at = now()
      where token_hash = $1 and used_at is null and expires_at > now()
      returning user_id`,
    [tokenHash],
  );
  return rows[0];
}

/** A new link for a user; the user's earlier unused links stop working. */
export async function insertSetupLink(
  q: Queryable,
  l: { tokenHash: string; userId: string; teamId: string; expiresAt: Date },
): Promise<void> {
  await q.run('update user_setup_links set used_at = now() where user_id = $1 and used_at is null', [l.userId]);
  await q.run('insert into user_setup_links (token_hash, user_id, team_id, expires_at) values ($1, $2, $3, $4)', [
    l.tokenHash,
    l.userId,
    l.teamId,
    l.expiresAt,
  ]);
}

export async function setPassword(q: Queryable, userId: string, hash: string): Promise<void> {
  await q.run('update users set password_hash = $2, password_changed_at = now(), updated_at = now() where id = $1', [userId, hash]);
}

export function failuresOf(q: Queryable, keys: string[]): Promise<{ key: string; failures: number; last_failure_at: Date }[]> {
  return q.query('select key, failures, last_failure_at from sign_in_failures where key = any($1::text[])', [keys]);
}

/** Counts a failure for each key; a count whose last failure is older than `resetAfterSeconds` starts again. */
export async function countFailures(q: Queryable, keys: string[], resetAfterSeconds: number): Promise<void> {
  await q.run(
    `insert into sign_in_failures (key, failures, last_failure_at)
     select k, 1, now() from unnest($1::text[]) as k
     on conflict (key) do update
       set failures = case when sign_in_failures.last_failure_at < now() - make_interval(secs => $2) then 1
                           else sign_in_failures.failures + 1 end,
           last_failure_at = now()`,
    [keys, resetAfterSeconds],
  );
}

export async function clearFailures(q: Queryable, key: string): Promise<void> {
  await q.run('delete from sign_in_failures where key = $1', [key]);
}

/** Users named by id, username or email (case-insensitive), in one team or in every team. */
export function findUsersByRef(q: Queryable, ref: string, teamId?: string) {
  return q.query<{ id: string; username: string; team_id: string; team_short_id: string }>(
    `select u.id, u.username, u.team_id, t.short_id as team_short_id from users u join teams t on t.id = u.team_id
      where not u.is_deleted and ($2::uuid is null or u.team_id = $2)
        and (u.id::text = $1 or lower(u.username) = lower($1) or lower(u.email) = lower($1))`,
    [ref, teamId ?? null],
  );
}
