/** API key management: create (the key is shown once), list (no secrets), revoke. */
import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, keyPrefix } from '../../core/auth/key-material.ts';
import type { Principal } from '../../core/auth/principal.ts';
import type { Queryable } from '../../core/db/types.ts';
import { invalid, notFound } from '../../core/errors.ts';
import * as repo from './repo.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  description: string | null;
  role: string;
  keyPrefix: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

function toView(row: repo.ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    role: row.role_short_id,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at.getTime(),
    expiresAt: ms(row.expires_at),
    revokedAt: ms(row.revoked_at),
    lastUsedAt: ms(row.last_used_at),
  };
}

/** The team an admin call addresses; a team admin key sees only its own team (others are 404). */
export async function resolveAdminTeam(db: Queryable, principal: Principal | null, teamKey: string) {
  const team = await repo.findTeam(db, teamKey);
  if (!team || (principal && principal.kind !== 'system' && principal.teamId !== team.id)) throw notFound('team', teamKey);
  return team;
}

/** Accepts ISO-8601 or epoch milliseconds; must lie in the future. */
function parseExpiry(value: string | number | null | undefined, path = 'expiresAt'): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const date = typeof value === 'number' || /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(path, 'must be an ISO-8601 time or epoch milliseconds');
  if (date.getTime() <= Date.now()) throw invalid(path, 'must be in the future');
  return date;
}

export async function createApiKey(
  db: Queryable,
  teamId: string,
  input: { name: string; role: string; description?: string | null; expiresAt?: string | number | null },
): Promise<ApiKeyView & { key: string }> {
  const role = await repo.findRole(db, teamId, input.role);
  if (!role) throw invalid('role', `unknown role ${input.role}`);
  const key = generateApiKey();
  const row = await repo.insertApiKey(db, {
    id: randomUUID(),
    teamId,
    roleId: role.id,
    name: input.name,
    description: input.description ?? null,
    hash: hashApiKey(key),
    prefix: keyPrefix(key),
    expiresAt: parseExpiry(input.expiresAt),
  });
  return { ...toView(row), key };
}

export async function listApiKeys(db: Queryable, teamId: string): Promise<ApiKeyView[]> {
  return (await repo.listApiKeys(db, teamId)).map(toView);
}

/** Keys named by an id or by the prefix listings show (a trailing `…` is ignored). */
export async function findApiKeysByIdOrPrefix(db: Queryable, teamId: string, ref: string): Promise<ApiKeyView[]> {
  return (await repo.findApiKeysByIdOrPrefix(db, teamId, ref.replace(/(…|\.\.\.)$/, ''))).map(toView);
}

/** Teams nobody can administer with an API key, and the role a new admin key would take. */
export async function teamsWithoutUsableAdminKey(db: Queryable): Promise<{ team: string; adminRole: string | null }[]> {
  return (await repo.teamsWithoutUsableAdminKey(db)).map((t) => ({ team: t.short_id, adminRole: t.admin_role }));
}

export async function revokeApiKey(db: Queryable, teamId: string, id: string): Promise<ApiKeyView> {
  const row = await repo.revokeApiKey(db, teamId, id);
  if (!row) throw notFound('API key', id);
  return toView(row);
}
