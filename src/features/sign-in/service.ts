/**
 * Console sign-in (docs/console.md#sign-in): passwords checked with scrypt, failures slowed per
 * account and per address, sessions as rows, single-use sign-in links for first passwords and
 * resets. Nothing here knows HTTP; the routes set and clear the cookie.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from '../../core/auth/passwords.ts';
import type { UserPrincipal } from '../../core/auth/principal.ts';
import { displayNameOf, hashSessionToken } from '../../core/auth/session-store.ts';
import type { Queryable } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import type { AppContext } from '../../context.ts';
import * as repo from './repo.ts';

/** How long a sign-in link (first password, reset) works. */
const SIGN_IN_LINK_HOURS = 24;
const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
/** Failures allowed before each further attempt must wait: per account, and per address (a shared office NAT sees many users). */
const FREE_FAILURES = { account: 5, address: 50 };
/** The wait doubles with each failure past the free ones, from 1 s up to this. */
const MAX_WAIT_SECONDS = 900;
/** A count whose last failure is this old starts again. */
const FAILURES_FORGOTTEN_AFTER_SECONDS = 3600;

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  team: string;
  role: string;
  privileges: string[];
}

export interface NewSession {
  token: string;
  expiresAt: Date;
  user: SessionUser;
}

interface Client {
  address: string;
  userAgent: string | null;
}

function sessionUser(u: Omit<repo.LoginCandidate, 'password_hash'>): SessionUser {
  return {
    id: u.id,
    username: u.username,
    displayName: displayNameOf(u),
    team: u.team_short_id,
    role: u.role_short_id,
    privileges: u.privileges,
  };
}

async function openSession(ctx: AppContext, q: Queryable, user: Omit<repo.LoginCandidate, 'password_hash'>, client: Client) {
  const token = `chs_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + ctx.config.sessions.maxDays * 86_400_000);
  await repo.insertSession(q, {
    id: randomUUID(),
    tokenHash: hashSessionToken(token),
    userId: user.id,
    teamId: user.team_id,
    expiresAt,
    address: client.address,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
  });
  return { token, expiresAt, user: sessionUser(user) };
}

function throttleKeys(login: string, address: string) {
  return { account: `account:${login.trim().toLowerCase()}`, address: `address:${address}` };
}

/** Refuses the attempt while an account or address is made to wait after repeated failures. */
async function checkNotSlowed(q: Queryable, keys: { account: string; address: string }): Promise<void> {
  const now = Date.now();
  for (const row of await repo.failuresOf(q, [keys.account, keys.address])) {
    const what = row.key === keys.account ? 'account' : 'address';
    const past = row.failures - FREE_FAILURES[what];
    if (past < 0 || row.last_failure_at.getTime() < now - FAILURES_FORGOTTEN_AFTER_SECONDS * 1000) continue;
    const waitMs = Math.min(2 ** past, MAX_WAIT_SECONDS) * 1000;
    const left = row.last_failure_at.getTime() + waitMs - now;
    if (left > 0) {
      const err = new AppError('SIGN_IN_SLOWED', { what, retryAfterSeconds: Math.ceil(left / 1000) });
      err.headers['retry-after'] = String(Math.ceil(left / 1000));
      throw err;
    }
  }
}

/** Signs a user in by username or email and password; the same answer whether or not the user exists. */
export async function signIn(ctx: AppContext, login: string, password: string, client: Client): Promise<NewSession> {
  const keys = throttleKeys(login, client.address);
  await checkNotSlowed(ctx.db, keys);
  const candidates = await repo.findLoginCandidates(ctx.db, login.trim());
  let match: repo.LoginCandidate | undefined;
  for (const candidate of candidates) {
    if (await verifyPassword(password, candidate.password_hash)) {
      match = candidate;
      break;
    }
  }
  if (!candidates.length) await verifyPassword(password, UNMATCHABLE_HASH);
  if (!match) {
    await repo.countFailures(ctx.db, [keys.account, keys.address], FAILURES_FORGOTTEN_AFTER_SECONDS);
    throw new AppError('SIGN_IN_FAILED');
  }
  await repo.clearFailures(ctx.db, keys.account);
  return openSession(ctx, ctx.db, match, client);
}

function checkNewPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw invalid('password', `must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw invalid('password', `must be at most ${PASSWORD_MAX} characters`);
}

/**
 * Sets a password from a sign-in link and signs the user in. The link is claimed in the same
 * transaction as the password, so it works once; every earlier session of the user ends.
 */
export async function setPasswordWithLink(ctx: AppContext, token: string, password: string, client: Client): Promise<NewSession> {
  checkNewPassword(password);
  const hash = await hashPassword(password);
  const session = await ctx.db.tx(async (tx) => {
    const link = await repo.claimSetupLink(tx, hashSessionToken(token));
    if (!link) throw new AppError('SETUP_LINK_INVALID');
    const user = await repo.findUserForSession(tx, link.user_id);
    if (!user) throw new AppError('SETUP_LINK_INVALID');
    await repo.setPassword(tx, user.id, hash);
    await repo.revokeSessionsOfUser(tx, user.id);
    return openSession(ctx, tx, user, client);
  });
  ctx.sessions.forget({ userId: session.user.id });
  return session;
}

export async function currentUser(ctx: AppContext, principal: UserPrincipal): Promise<SessionUser> {
  const user = await repo.findUserForSession(ctx.db, principal.userId);
  if (!user) throw new AppError('SESSION_INVALID');
  return sessionUser(user);
}

export async function signOut(ctx: AppContext, principal: UserPrincipal): Promise<void> {
  await repo.revokeSession(ctx.db, principal.sessionId);
  ctx.sessions.forget({ sessionId: principal.sessionId });
}

export async function signOutEverywhere(ctx: AppContext, userId: string): Promise<number> {
  const ended = await repo.revokeSessionsOfUser(ctx.db, userId);
  ctx.sessions.forget({ userId });
  return ended;
}

/**
 * A single-use link with which a user chooses a (new) password: for the first sign-in and
 * for a forgotten password. The user's earlier unused links stop working.
 */
export async function createSignInLink(ctx: Pick<AppContext, 'config'>, q: Queryable, teamId: string, userRef: string) {
  const [user] = await repo.findUsersByRef(q, userRef, teamId);
  if (!user) throw notFound('user', userRef);
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SIGN_IN_LINK_HOURS * 3_600_000);
  await repo.insertSetupLink(q, { tokenHash: hashSessionToken(token), userId: user.id, teamId, expiresAt });
  return { user: user.username, url: `${ctx.config.publicBaseUrl}/console/setup?token=${token}`, expiresAt: expiresAt.toISOString() };
}
