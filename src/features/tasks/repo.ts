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

/** A task with what a list shows beside it: its procedure and its process's name. */
export interface ListedTaskRow extends TaskRow {
  procedure_id: string;
  process_data: Record<string, unknown>;
}

/**
 * Tasks of a team by assignee, process and status, due first (no due date last), then by id;
 * `after` is the previous page's last (due_by, id). One index scan: tasks_assignee_due.
 */
export function listTasks(
  q: Queryable,
  f: {
    teamId: string;
    assignedTo?: string;
    processId?: string;
    statuses: string[];
    after?: { due: Date | null; id: string };
    limit: number;
  },
): Promise<ListedTaskRow[]> {
  // One status (the usual OPEN) is an equality, so that the index gives the order as it is.
  const params: unknown[] = [f.teamId, f.statuses.length === 1 ? f.statuses[0] : f.statuses, f.limit + 1];
  const where = ['t.team_id = $1', f.statuses.length === 1 ? 't.status = $2' : 't.status = any($2::text[])'];
  if (f.assignedTo !== undefined) where.push(`t.assigned_to = $${params.push(f.assignedTo)}`);
  if (f.processId !== undefined) where.push(`t.process_id = $${params.push(f.processId)}`);
  if (f.after) {
    // (due_by is null, due_by, id) ascending: rows after the cursor's.
    const due = `$${params.push(f.after.due)}::timestamptz`;
    const id = `$${params.push(f.after.id)}::uuid`;
    where.push(
      f.after.due === null
        ? `(t.due_by is null and t.id > ${id})`
        : `(t.due_by is null or t.due_by > ${due} or (t.due_by = ${due} and t.id > ${id}))`,
    );
  }
  return q.query<ListedTaskRow>(
    `select t.*, p.procedure_id, p.data as process_data
       from tasks t join processes p on p.id = t.process_id
      where ${where.join(' and ')}
      order by t.due_by is null, t.due_by, t.id
      limit $3`,
    params,
  );
}

export async function findTask(q: Queryable, teamId: string, id: string, lock = false): Promise<TaskRow | undefined> {
  const rows = await q.query<TaskRow>(`select * from tasks where team_id = $1 and id = $2${lock ? ' for update' : ''}`, [teamId, id]);
  return rows[0];
}

export async function updateTask(
  q: Queryable,
  id: string,
  t: Pick<TaskRow, 'status' | 'assigned_to' | 'title' | 'description' | 'due_by' | 'completed_at' | 'cancelled_at' | 'data'>,
): Promise<TaskRow> {
  const rows = await q.query<TaskRow>(
    `update tasks set status = $2, assigned_to = $3, title = $4, description = $5, due_by = $6,
            completed_at = $7, cancelled_at = $8, data = $9::jsonb, updated_at = now()
      where id = $1 returning *`,
    [id, t.status, t.assigned_to, t.title, t.description, t.due_by, t.completed_at, t.cancelled_at, JSON.stringify(t.data)],
  );
  return rows[0];
}
