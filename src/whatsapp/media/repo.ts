/** SQL for public media. Uploads are scoped by team; serving is by the unguessable path alone (that is the point). */
import type { Queryable } from '../../core/db/types.ts';

export interface PublicMediaRow {
  path: string;
  mime: string;
  size: number;
  filename: string | null;
}

export async function insertPublicMedia(
  db: Queryable,
  m: { id: string; teamId: string; pluginId: string; path: string; mime: string; size: number; filename: string | null },
) {
  await db.run('insert into public_media (id, team_id, plugin_id, path, mime, size, filename) values ($1, $2, $3, $4, $5, $6, $7)', [
    m.id,
    m.teamId,
    m.pluginId,
    m.path,
    m.mime,
    m.size,
    m.filename,
  ]);
}

export async function findPublicMedia(db: Queryable, path: string): Promise<PublicMediaRow | undefined> {
  const rows = await db.query<PublicMediaRow>('select path, mime, size, filename from public_media where path = $1', [path]);
  return rows[0];
}
