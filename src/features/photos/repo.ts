import type { Queryable } from '../../core/db/types.ts';

export interface PhotoRow {
  id: string;
  team_id: string;
  filename: string | null;
  filetype: string;
  mime_type: string;
  size_bytes: number;
  width: number | null;
  height: number | null;
  is_public: boolean;
  user_id: string | null;
  storage_key: string;
  created_at: Date;
  updated_at: Date;
}

/** Inserts the photo unless its id is taken (by any team); undefined when taken. */
export async function insertPhoto(
  db: Queryable,
  p: Omit<PhotoRow, 'created_at' | 'updated_at' | 'is_public' | 'user_id'>,
): Promise<PhotoRow | undefined> {
  const rows = await db.query<PhotoRow>(
    `insert into photos (id, team_id, filename, filetype, mime_type, size_bytes, width, height, storage_key)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (id) do nothing
     returning *`,
    [p.id, p.team_id, p.filename, p.filetype, p.mime_type, p.size_bytes, p.width, p.height, p.storage_key],
  );
  return rows[0];
}

export async function findPhoto(db: Queryable, id: string, teamId?: string): Promise<PhotoRow | undefined> {
  const rows = teamId
    ? await db.query<PhotoRow>('select * from photos where id = $1 and team_id = $2', [id, teamId])
    : await db.query<PhotoRow>('select * from photos where id = $1', [id]);
  return rows[0];
}

/** The ids among `ids` that are photos of the team. */
export async function existingPhotoIds(db: Queryable, teamId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>('select id from photos where team_id = $1 and id = any($2::uuid[])', [teamId, ids]);
  return new Set(rows.map((r) => r.id));
}
