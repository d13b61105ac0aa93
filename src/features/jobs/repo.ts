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
  /** Who submitted it: an API key's id, or `user:<id>` (the principal's ownerId). */
  submitted_by: string | null;
  total: number;
  invalid_count: number;
  not_started_count: number;
  success_count: number;
  error_count: number;
  next_idx: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface EntryRow {
  idx: number;
  completion_status: EntryStatus;
  status_message: string | null;
  input: unknown;
  process_id: string | null;
  /** When the worker settled the entry; null while it is INVALID or NOT_STARTED. */
  settled_at: Date | null;
}

export const UNFINISHED = ['NOT_STARTED', 'IN_PROGRESS'];

export async function findJob(db: Queryable, teamId: string, id: string, lock = false): Promise<JobRow | undefined> {
  const rows = await db.query<JobRow>(`select * from background_jobs where id = $1 and team_id = $2${lock ? ' for update' : ''}`, [
    id,
    teamId,
  ]);
  return rows[0];
}

export async function findJobBySubmitKey(db: Queryable, teamId: string, submitKey: string): Promise<JobRow | undefined> {
  const rows = await db.query<JobRow>('select * from background_jobs where team_id = $1 and submit_key = $2', [teamId, submitKey]);
  return rows[0];
}

export async function insertJob(
  db: Queryable,
  j: { id: string; teamId: string; procedureId: string; operation: string; total: number; submittedBy: string; submitKey: string | null },
): Promise<JobRow> {
  const rows = await db.query<JobRow>(
    `insert into background_jobs (id, team_id, procedure_id, operation, completion_status, total, not_started_count,
                                  submitted_by, submit_key, started_at)
     values ($1, $2, $3, $4, 'IN_PROGRESS', $5, $5, $6, $7, now())
     returning *`,
    [j.id, j.teamId, j.procedureId, j.operation, j.total, j.submittedBy, j.submitKey],
  );
  return rows[0];
}

/** One row per item, in a single statement. */
export async function insertEntries(db: Queryable, jobId: string, items: unknown[]) {
  await db.run(
    `insert into background_job_entries (job_id, idx, input)
     select $1, (t.ord - 1)::int, t.elem from json_array_elements($2::json) with ordinality as t(elem, ord)`,
    [jobId, JSON.stringify(items)],
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

/** The next entries the worker has not settled, in order, from the job's resume point. */
export async function nextEntries(db: Queryable, job: JobRow, limit: number): Promise<{ idx: number; input: unknown }[]> {
  return db.query(`select idx, input from background_job_entries where job_id = $1 and idx >= $2 order by idx limit $3`, [
    job.id,
    job.next_idx,
    limit,
  ]);
}

export interface Outcome {
  idx: number;
  status: 'INVALID' | 'SUCCESS' | 'ERROR';
  message: string | null;
  processId: string | null;
}

/** Writes a chunk's outcomes and moves the job's counters and resume point in step; returns the job as it now is. */
export async function recordOutcomes(db: Queryable, jobId: string, outcomes: Outcome[]): Promise<JobRow> {
  await db.run(
    `insert into background_job_results (job_id, idx, completion_status, status_message, process_id)
     select $1, v.idx, v.status, v.message, v.process_id
       from unnest($2::int[], $3::text[], $4::text[], $5::uuid[]) as v(idx, status, message, process_id)`,
    [jobId, outcomes.map((o) => o.idx), outcomes.map((o) => o.status), outcomes.map((o) => o.message), outcomes.map((o) => o.processId)],
  );
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  const rows = await db.query<JobRow>(
    `update background_jobs
        set invalid_count = invalid_count + $2, success_count = success_count + $3, error_count = error_count + $4,
            not_started_count = not_started_count - $5, next_idx = $6, updated_at = now()
      where id = $1 returning *`,
    [jobId, count('INVALID'), count('SUCCESS'), count('ERROR'), outcomes.length, outcomes[outcomes.length - 1].idx + 1],
  );
  return rows[0];
}

export async function finishJob(
  db: Queryable,
  jobId: string,
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED',
  message: string | null,
): Promise<JobRow> {
  const rows = await db.query<JobRow>(
    `update background_jobs
        set completion_status = $2, status_message = $3, completed_at = now(), updated_at = now()
      where id = $1 returning *`,
    [jobId, status, message],
  );
  return rows[0];
}

export async function setStatusMessage(db: Queryable, jobId: string, message: string) {
  await db.run(`update background_jobs set status_message = $2, updated_at = now() where id = $1 and completion_status = any($3)`, [
    jobId,
    message,
    UNFINISHED,
  ]);
}

/** An entry's status as the API shows it: the worker's outcome, else NOT_STARTED. */
const ENTRY_STATUS = `coalesce(r.completion_status, 'NOT_STARTED')`;

export async function listEntries(
  db: Queryable,
  jobId: string,
  q: { skip: number; limit: number; status?: EntryStatus },
): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `select e.idx, ${ENTRY_STATUS} as completion_status, r.status_message,
            e.input, r.process_id, r.created_at as settled_at
       from background_job_entries e
       left join background_job_results r on r.job_id = e.job_id and r.idx = e.idx
      where e.job_id = $1 and ($2::text is null or ${ENTRY_STATUS} = $2)
      order by e.idx limit $3 offset $4`,
    [jobId, q.status ?? null, q.limit, q.skip],
  );
}
