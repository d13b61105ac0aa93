import type { Queryable } from '../../core/db/types.ts';

export interface ApiKeyRow {
  id: string;
  team_id: string;
  name: string;
  description: string | null;
  key_prefix: string;
  role_id: string;
  role_short_id: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const SELECT = `select k.id, k.team_id, k.name, k.description, k.key_prefix, k.role_id, r.short_id as role_short_id,
                       k.created_at, k.expires_at, k.revoked_at, k.last_used_at
                  from api_keys k join roles r on r.id = k.role_id`;

export async function insertApiKey(
  db: Queryable,
  key: {
    id: string;
    teamId: string;
    roleId: string;
    name: string;
    description: string | null;
    hash: string;
    prefix: string;
    expiresAt: Date | null;
  },
): Promise<ApiKeyRow> {
  await db.run(
    `insert into api_keys (id, team_id, role_id, name, description, key_hash, key_prefix, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [key.id, key.teamId, key.roleId, key.name, key.description, key.hash, key.prefix, key.expiresAt],
  );
  return (await findApiKey(db, key.teamId, key.id))!;
}

async function findApiKey(db: Queryable, teamId: string, id: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.query<ApiKeyRow>(`${SELECT} where k.team_id = $1 and k.id::text = $2`, [teamId, id]);
  return rows[0];
}

/** A key by its id, or the keys whose shown prefix (`chk_` and 6 characters) is `ref`. */
export async function findApiKeysByIdOrPrefix(db: Queryable, teamId: string, ref: string): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow>(`${SELECT} where k.team_id = $1 and (k.id::text = $2 or k.key_prefix = $2) order by k.created_at, k.id`, [
    teamId,
    ref,
  ]);
}

/**
 * Teams where no key can administer the team (none active with a role granting `admin`),
 * each with the shortId of a role that would (null when the team has none).
 */
export async function teamsWithoutUsableAdminKey(db: Queryable) {
  return db.query<{ short_id: string; admin_role: string | null }>(
    `select t.short_id,
            (select r.short_id from roles r where r.team_id = t.id and 'admin' = any(r.privileges) order by r.short_id limit 1) as admin_role
       from teams t
      where not exists (select 1 from api_keys k join roles r on r.id = k.role_id
                         where k.team_id = t.id and 'admin' = any(r.privileges)
                           and k.revoked_at is null and (k.expires_at is null or k.expires_at > now()))
      order by t.short_id`,
  );
}

export async function listApiKeys(db: Queryable, teamId: string): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow>(`${SELECT} where k.team_id = $1 order by k.created_at, k.id`, [teamId]);
}

export async function revokeApiKey(db: Queryable, teamId: string, id: string): Promise<ApiKeyRow | undefined> {
  await db.run('update api_keys set revoked_at = coalesce(revoked_at, now()) where team_id = $1 and id::text = $2', [teamId, id]);
  return findApiKey(db, teamId, id);
}

export async function findRole(db: Queryable, teamId: string, key: string) {
  const rows = await db.query<{ id: string; short_id: string; privileges: string[] }>(
    'select id, short_id, privileges from roles where team_id = $1 and (short_id = $2 or id::text = $2)',
    [teamId, key],
  );
  return rows[0];
}

export async function findTeam(db: Queryable, key: string) {
  const rows = await db.query<{ id: string; short_id: string }>('select id, short_id from teams where short_id = $1 or id::text = $1', [
    key,
  ]);
  return rows[0];
}
