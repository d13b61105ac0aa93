/** SQL for background jobs and their entries. Every statement is scoped by team or by a job id found by team. */
import type { Queryable } from '../../core/db/types.ts';
import type { EntryStatus } from './schemas.ts';

export interface JobRow {
  id: string;
  team_id: string;
  procedure_id: string;
  operation: 'create' | 'update';
  completion_status: string;
  status_message: string | null;
  total: number;
  invalid_count: number;
  not_started_count: number;
  success_count: number;
  error_count: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface EntryRow {
  id: string;
  idx: number;
  completion_status: EntryStatus;
  status_message: string | null;
  input: unknown;
  process_id: string | null;
  updated_at: Date;
}

export const UNFINISHED = ['NOT_STARTED', 'IN_PROGRESS'];

export async function findJob(db: Queryable, teamId: string, id: string, lock = false): Promise<JobRow | undefined> {
  const rows = await db.query<JobRow>(`select * from background_jobs where id = $1 and team_id = $2${lock ? ' for update' : ''}`, [id, teamId]);
  return rows[0];
}

export async function findJobBySubmitKey(db: Queryable, teamId: string, submitKey: string): Promise<JobRow | undefined> {
  const rows = await db.query<JobRow>('select * from background_jobs where team_id = $1 and submit_key = $2', [teamId, submitKey]);
  return rows[0];
}

export async function insertJob(
  db: Queryable,
  j: { id: string; teamId: string; procedureId: string; operation: string; total: number; invalid: number; submittedBy: string; submitKey: string | null },
): Promise<JobRow> {
  const rows = await db.query<JobRow>(
    `insert into background_jobs (id, team_id, procedure_id, operation, completion_status, total, invalid_count, not_started_count,
                                  submitted_by, submit_key, started_at)
     values ($1, $2, $3, $4, 'IN_PROGRESS', $5::int, $6::int, $5::int - $6::int, $7, $8, now())
     returning *`,
    [j.id, j.teamId, j.procedureId, j.operation, j.total, j.invalid, j.submittedBy, j.submitKey],
  );
  return rows[0];
}

/** One row per item in a single statement: `items` is the submitted array, statuses and messages by position. */
export async function insertEntries(db: Queryable, jobId: string, items: unknown[], statuses: EntryStatus[], messages: (string | null)[]) {
  await db.run(
    `insert into background_job_entries (job_id, idx, completion_status, status_message, input)
     select $1, (t.ord - 1)::int, ($3::text[])[t.ord], ($4::text[])[t.ord], t.elem
       from jsonb_array_elements($2::jsonb) with ordinality as t(elem, ord)`,
    [jobId, JSON.stringify(items), statuses, messages],
  );
}

/** Unfinished jobs of a team other than `exceptId`: the fewer, the sooner its next message runs. */
export async function countUnfinished(db: Queryable, teamId: string, exceptId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'select count(*)::int as n from background_jobs where team_id = $1 and completion_status = any($2) and id <> $3',
    [teamId, UNFINISHED, exceptId],
  );
  return rows[0].n;
}

export async function nextEntries(db: Queryable, jobId: string, limit: number): Promise<Pick<EntryRow, 'idx' | 'input'>[]> {
  return db.query(
    `select idx, input from background_job_entries where job_id = $1 and completion_status = 'NOT_STARTED' order by idx limit $2`,
    [jobId, limit],
  );
}

export interface Outcome {
  idx: number;
  status: 'SUCCESS' | 'ERROR';
  message: string | null;
  processId: string | null;
}

/** Writes a chunk's outcomes and moves the job's counters in step; returns the job as it now is. */
export async function recordOutcomes(db: Queryable, jobId: string, outcomes: Outcome[]): Promise<JobRow> {
  await db.run(
    `update background_job_entries e
        set completion_status = v.status, status_message = v.message, process_id = v.process_id, updated_at = now()
       from unnest($2::int[], $3::text[], $4::text[], $5::uuid[]) as v(idx, status, message, process_id)
      where e.job_id = $1 and e.idx = v.idx`,
    [jobId, outcomes.map((o) => o.idx), outcomes.map((o) => o.status), outcomes.map((o) => o.message), outcomes.map((o) => o.processId)],
  );
  const success = outcomes.filter((o) => o.status === 'SUCCESS').length;
  const rows = await db.query<JobRow>(
    `update background_jobs
        set success_count = success_count + $2, error_count = error_count + $3, not_started_count = not_started_count - $4,
            updated_at = now()
      where id = $1 returning *`,
    [jobId, success, outcomes.length - success, outcomes.length],
  );
  return rows[0];
}

export async function finishJob(db: Queryable, jobId: string, status: 'COMPLETED' | 'FAILED' | 'CANCELLED', message: string | null): Promise<JobRow> {
  const rows = await db.query<JobRow>(
    `update background_jobs
        set completion_status = $2, status_message = coalesce($3, status_message), completed_at = now(), updated_at = now()
      where id = $1 returning *`,
    [jobId, status, message],
  );
  return rows[0];
}

export async function setStatusMessage(db: Queryable, jobId: string, message: string) {
  await db.run('update background_jobs set status_message = $2, updated_at = now() where id = $1', [jobId, message]);
}

export async function listEntries(
  db: Queryable,
  jobId: string,
  q: { skip: number; limit: number; status?: EntryStatus },
): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `select id, idx, completion_status, status_message, input, process_id, updated_at
       from background_job_entries
      where job_id = $1 and ($2::text is null or completion_status = $2)
      order by idx limit $3 offset $4`,
    [jobId, q.status ?? null, q.limit, q.skip],
  );
}
