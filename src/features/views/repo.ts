/** SQL of saved views. */
import { isUniqueViolation } from '../../core/db/errors.ts';
import type { Queryable } from '../../core/db/types.ts';

export interface ViewRow {
  id: string;
  owner_id: string | null;
  name: string;
  layout: 'table' | 'board';
  columns: string[];
  sort: { field: string; order?: 'asc' | 'desc' }[] | null;
  where: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, owner_id, name, layout, columns, sort, "where", created_at, updated_at';

/** The team's views of a procedure and the owner's own, team views first, each by name. */
export function listViews(q: Queryable, teamId: string, procedureId: string, ownerId: string): Promise<ViewRow[]> {
  return q.query<ViewRow>(
    `select ${COLUMNS} from saved_views
      where team_id = $1 and procedure_id = $2 and (owner_id is null or owner_id = $3)
      order by owner_id nulls first, lower(name), id`,
    [teamId, procedureId, ownerId],
  );
}

export async function findView(q: Queryable, teamId: string, procedureId: string, id: string): Promise<ViewRow | undefined> {
  const rows = await q.query<ViewRow>(`select ${COLUMNS} from saved_views where team_id = $1 and procedure_id = $2 and id = $3`, [
    teamId,
    procedureId,
    id,
  ]);
  return rows[0];
}

export async function insertView(
  q: Queryable,
  v: Omit<ViewRow, 'created_at' | 'updated_at'> & { team_id: string; procedure_id: string },
): Promise<ViewRow> {
  const rows = await q.query<ViewRow>(
    `insert into saved_views (id, team_id, procedure_id, owner_id, name, layout, columns, sort, "where")
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict do nothing
     returning ${COLUMNS}`,
    [v.id, v.team_id, v.procedure_id, v.owner_id, v.name, v.layout, JSON.stringify(v.columns), json(v.sort), json(v.where)],
  );
  return rows[0];
}

/** Changes a team's view; undefined when the new name is the owner's other view's (saved_views_name). */
export async function updateView(
  q: Queryable,
  teamId: string,
  id: string,
  v: Pick<ViewRow, 'name' | 'layout' | 'columns' | 'sort' | 'where'>,
): Promise<ViewRow | undefined> {
  try {
    const rows = await q.query<ViewRow>(
      `update saved_views set name = $3, layout = $4, columns = $5, sort = $6, "where" = $7, updated_at = now()
        where team_id = $1 and id = $2
        returning ${COLUMNS}`,
      [teamId, id, v.name, v.layout, JSON.stringify(v.columns), json(v.sort), json(v.where)],
    );
    return rows[0];
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}

export async function deleteView(q: Queryable, teamId: string, id: string): Promise<void> {
  await q.run('delete from saved_views where team_id = $1 and id = $2', [teamId, id]);
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
