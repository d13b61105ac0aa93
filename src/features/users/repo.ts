import type { Queryable } from '../../core/db/types.ts';

export interface UserRow {
  id: string;
  team_id: string;
  team_short_id: string;
  team_timezone: string;
  username: string;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  bio: string | null;
  gender: string | null;
  dob: number | null;
  profile_image_url: string | null;
  cover_image_url: string | null;
  data: Record<string, unknown> | null;
  onboarding_data: Record<string, unknown> | null;
  availability_status: string;
  is_active: boolean;
  is_deleted: boolean;
  deleted_at: Date | null;
  role_id: string | null;
  role_short_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `select u.*, t.short_id as team_short_id, t.timezone as team_timezone, r.short_id as role_short_id
  from users u join teams t on t.id = u.team_id left join roles r on r.id = u.role_id`;

export function listUsers(db: Queryable, teamId: string, skip: number, limit: number): Promise<UserRow[]> {
  return db.query<UserRow>(`${SELECT} where u.team_id = $1 and not u.is_deleted order by u.created_at, u.id limit $2 offset $3`, [
    teamId,
    limit,
    skip,
  ]);
}

export async function findUser(db: Queryable, teamId: string, id: string): Promise<UserRow | undefined> {
  const rows = await db.query<UserRow>(`${SELECT} where u.team_id = $1 and u.id = $2 and not u.is_deleted`, [teamId, id]);
  return rows[0];
}

/** Column → value for the fields being changed; `data` is replaced as a whole object. */
export async function updateUser(db: Queryable, teamId: string, id: string, changes: Record<string, unknown>): Promise<boolean> {
  const columns = Object.keys(changes);
  if (columns.length === 0) return true;
  const sets = columns.map((c, i) => `${c} = $${i + 3}${c === 'data' ? '::jsonb' : ''}`);
  const values = columns.map((c) => (c === 'data' ? JSON.stringify(changes[c]) : changes[c]));
  const n = await db.run(`update users set ${sets.join(', ')}, updated_at = now() where team_id = $1 and id = $2 and not is_deleted`, [
    teamId,
    id,
    ...values,
  ]);
  return n > 0;
}
