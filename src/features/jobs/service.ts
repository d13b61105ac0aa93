/**
 * Background jobs: bulk submit (job, entries and queue message in one transaction), fetch,
 * entries, cancel. Every function is scoped by the caller's team.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import type { ProcedureDef, TeamConfig } from '../config/model.ts';
import * as repo from './repo.ts';
import { BULK_QUEUE, enqueueSlice, finishJob } from './bulk-worker.ts';
import type { EntryStatus } from './schemas.ts';
import { jobMeta, toEntryView, toJobView } from './view.ts';

export interface SubmitOptions {
  /** The API key that submitted the job. */
  submittedBy: string;
  /** Derived from the Idempotency-Key and the body: the same submit finds the same job. */
  submitKey: string | null;
}

/**
 * Writes the job, one entry per item and the first queue message in one transaction. Items are
 * checked by the worker (an item failing the endpoint's rules becomes INVALID with its message),
 * so a submit costs only the writes.
 */
export async function submitBulk(
  ctx: Pick<AppContext, 'db' | 'queue' | 'config'>,
  config: TeamConfig,
  procedure: ProcedureDef,
  operation: 'create' | 'update',
  items: Record<string, unknown>[],
  options: SubmitOptions,
) {
  const teamId = config.team.id;

  const row = await ctx.db.tx(async (tx) => {
    if (options.submitKey) {
      const earlier = await repo.findJobBySubmitKey(tx, teamId, options.submitKey);
      if (earlier) return earlier;
    }
    const job = await repo.insertJob(tx, {
      id: randomUUID(),
      teamId,
      procedureId: procedure.id,
      operation,
      total: items.length,
      submittedBy: options.submittedBy,
      submitKey: options.submitKey,
    });
    await repo.insertEntries(tx, job.id, items);
    await enqueueSlice(tx, ctx, teamId, job.id);
    return job;
  });
  ctx.queue.wake(BULK_QUEUE);
  return { job: toJobView(row), meta: jobMeta(row) };
}

async function findJob(db: Queryable, teamId: string, id: string, lock = false) {
  const job = isUuid(id) ? await repo.findJob(db, teamId, id.toLowerCase(), lock) : undefined;
  if (!job) throw notFound('background job', id);
  return job;
}

export async function getJob(db: Queryable, teamId: string, id: string) {
  const job = await findJob(db, teamId, id);
  return { job: toJobView(job), meta: jobMeta(job) };
}

export async function listEntries(
  db: Queryable,
  teamId: string,
  id: string,
  q: { skip: number; limit: number; completionStatus?: EntryStatus },
) {
  const job = await findJob(db, teamId, id);
  const rows = await repo.listEntries(db, job.id, { skip: q.skip, limit: q.limit, status: q.completionStatus });
  const counts = jobMeta(job).bjEntryCompletionStatusVsCount;
  const total = q.completionStatus ? counts[q.completionStatus] : job.total;
  let next: string | null = null;
  if (q.skip + rows.length < total && rows.length === q.limit) {
    const query = new URLSearchParams({ skip: String(q.skip + q.limit), limit: String(q.limit) });
    if (q.completionStatus) query.set('completionStatus', q.completionStatus);
    next = `/v1/ext/background-job/${job.id}/entries?${query}`;
  }
  return { page: rows.map((e) => toEntryView(job, e)), meta: { total, next } };
}

/**
 * Stops a job: waits for the chunk being written (the worker holds the job's row), then marks
 * the job CANCELLED; entries not yet processed stay NOT_STARTED. A cancelled job answers again
 * unchanged; a finished one is a 409.
 */
export async function cancelJob(db: AppContext['db'], teamId: string, id: string) {
  const row = await db.tx(async (tx) => {
    const job = await findJob(tx, teamId, id, true);
    if (job.completion_status === 'CANCELLED') return job;
    if (!repo.UNFINISHED.includes(job.completion_status)) {
      throw new AppError('CONFLICT', { path: 'id', reason: `background job ${job.id} has already ended (${job.completion_status})` });
    }
    return finishJob(tx, job, 'CANCELLED', 'cancelled on request');
  });
  return { job: toJobView(row), meta: jobMeta(row) };
}
