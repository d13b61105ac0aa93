import type { Queryable } from '../../core/db/types.ts';
import { datedColumns, type DatedRow } from '../../core/db/dated-rows.ts';

export interface TaskRow {
  id: string;
  team_id: string;
  process_id: string;
  record_id: string | null;
  state_task_id: string;
  task_type_id: string | null;
  title: string | null;
  description: string | null;
  status: string;
  assigned_to: string | null;
  created_by: string | null;
  due_by: Date | null;
  starts_at: Date | null;
  ends_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export async function insertTask(db: Queryable, t: Omit<TaskRow, 'created_at' | 'updated_at' | 'started_at'>): Promise<TaskRow> {
  const rows = await db.query<TaskRow>(
    `insert into tasks (id, team_id, process_id, record_id, state_task_id, task_type_id, title, description, status,
                        assigned_to, created_by, due_by, starts_at, ends_at, completed_at, cancelled_at, data)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb)
     returning *`,
    [
      t.id,
      t.team_id,
      t.process_id,
      t.record_id,
      t.state_task_id,
      t.task_type_id,
      t.title,
      t.description,
      t.status,
      t.assigned_to,
      t.created_by,
      t.due_by,
      t.starts_at,
      t.ends_at,
      t.completed_at,
      t.cancelled_at,
      JSON.stringify(t.data),
    ],
  );
  return rows[0];
}

/** Moves tasks to their sample times; a completed or cancelled one was closed when it was last updated. */
export async function backdateTasks(q: Queryable, rows: DatedRow[]): Promise<void> {
  await q.run(
    `update tasks t set created_at = x.created_at, updated_at = x.updated_at,
            completed_at = case when t.completed_at is not null then x.updated_at end,
            cancelled_at = case when t.cancelled_at is not null then x.updated_at end
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) as x(id, created_at, updated_at)
      where t.id = x.id`,
    datedColumns(rows),
  );
}
