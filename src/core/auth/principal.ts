/**
 * Who is calling: a team's API key, a user signed in to the console (a session), or the
 * operator's CHAKRA_ADMIN_TOKEN (every team). A key and a user are checked the same way: the
 * role gives the privileges (docs/console.md#roles).
 */

/** Who made a change, as history shows it: a key by its name, a user by their name, or the system. */
export interface Actor {
  type: 'key' | 'user' | 'system';
  /** The key's or the user's id; null for the system. */
  id: string | null;
  name: string;
}

interface TeamAccess {
  teamId: string;
  teamShortId: string;
  roleId: string;
  roleShortId: string;
  privileges: ReadonlySet<string>;
  /** What rate limits, idempotency keys and submitted jobs belong to: the key's id, or `user:<id>`. */
  ownerId: string;
  actor: Actor;
}

export type KeyPrincipal = TeamAccess & { kind: 'key'; keyId: string };
export type UserPrincipal = TeamAccess & { kind: 'user'; userId: string; sessionId: string };
export type TeamPrincipal = KeyPrincipal | UserPrincipal;
export type Principal = { kind: 'system' } | TeamPrincipal;

export const SYSTEM_ACTOR: Actor = Object.freeze({ type: 'system', id: null, name: 'system' });

/** The actor behind a principal; the admin token acts as the system. */
export function actorOf(principal: Principal | null): Actor {
  return principal && principal.kind !== 'system' ? principal.actor : SYSTEM_ACTOR;
}
