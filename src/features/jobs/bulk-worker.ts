/**
 * The bulk worker. A queue message means "work on job X for a while": the handler runs chunks
 * (one transaction each: the processes, their records, the entries' outcomes and the job's
 * counters together) for about two seconds, then puts a new message for the rest at the back of
 * the queue. So a crash loses at most an uncommitted chunk, a restarted worker resumes at the
 * first NOT_STARTED entry, and other jobs get their turn between slices.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AppContext } from '../../context.ts';
import type { Actor } from '../../core/auth/principal.ts';
import type { Queryable } from '../../core/db/types.ts';
import { actorOfOwner } from '../history/service.ts';
import type { QueueMessage } from '../../core/queue/job-queue.ts';
import { analyzeProcesses } from '../processes/bulk-repo.ts';
import { createChunk } from './bulk-create-chunk.ts';
import { updateChunk } from './bulk-update-chunk.ts';
import { platformBody, writePlatformEvent } from '../webhooks/outbox.ts';
import { ChunkRace } from './chunk-support.ts';
import * as repo from './repo.ts';
import { jobMeta, toJobView } from './view.ts';

export const BULK_QUEUE = 'bulk-jobs';
/** Where a slice goes when its retries are used up: the job is marked FAILED. */
export const BULK_DEAD_LETTER = 'bulk-jobs-dead';

const SLICE_MS = 2000;
/** A slice whose worker fails this many times in a row (crash, database gone) fails the job. */
const SLICE_RETRIES = 10;
const CHUNK_ATTEMPTS = 5;
/** A job that wrote at least this many processes refreshes the planner's statistics when it ends. */
const ANALYZE_AFTER = 1000;
/** Deadlock and serialization failures: the chunk's transaction is simply run again. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

/**
 * A failure some item's data can cause (a PostgreSQL data exception, constraint violation or
 * limit, a value out of JavaScript's range) rather than a lost database or a bug elsewhere.
 */
function isItemFault(err: unknown): boolean {
  if (err instanceof RangeError) return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code) && code !== '23505';
}

interface SliceData {
  jobId: string;
  teamId: string;
}

/** Queues the next slice of a job. Teams with fewer unfinished jobs go first, so a big importer cannot starve a small one. */
export async function enqueueSlice(tx: Queryable, ctx: Pick<AppContext, 'queue' | 'config'>, teamId: string, jobId: string) {
  const others = await repo.countUnfinished(tx, teamId, jobId);
  await ctx.queue.send<SliceData>(
    tx,
    BULK_QUEUE,
    { jobId, teamId },
    {
      priority: -others,
      expireInSeconds: ctx.config.jobs.timeoutSeconds,
      retryLimit: SLICE_RETRIES,
      retryDelaySeconds: 1,
      deadLetter: BULK_DEAD_LETTER,
    },
  );
}

/** Ends a job and writes its `background_job.completed` event in the same transaction. */
export async function finishJob(tx: Queryable, job: repo.JobRow, status: 'COMPLETED' | 'FAILED' | 'CANCELLED', message: string | null) {
  const row = await repo.finishJob(tx, job.id, status, message);
  await writePlatformEvent(
    tx,
    row.team_id,
    'background_job.completed',
    row.id,
    platformBody('background_job.completed', toJobView(row), { meta: jobMeta(row) }),
  );
  return row;
}

export function bulkWorker(ctx: AppContext) {
  let stopping = false;
  const { chunkSize, concurrency, timeoutSeconds } = ctx.config.jobs;

  type ChunkState = 'more' | 'finished' | 'completed-large';

  /** Records outcomes and, when they were the last, completes the job. */
  async function settle(tx: Queryable, job: repo.JobRow, outcomes: repo.Outcome[]): Promise<ChunkState> {
    if (outcomes.length) job = await repo.recordOutcomes(tx, job.id, outcomes);
    if (job.not_started_count > 0) return 'more';
    await finishJob(tx, job, 'COMPLETED', null);
    return job.success_count >= ANALYZE_AFTER ? 'completed-large' : 'finished';
  }

  /** Runs `fn` on the job, locked, if it is still running; the lock makes a cancel wait for the chunk. */
  async function withRunningJob({ jobId, teamId }: SliceData, fn: (tx: Queryable, job: repo.JobRow) => Promise<ChunkState>) {
    return ctx.db.tx(async (tx) => {
      const job = await repo.findJob(tx, teamId, jobId, true);
      if (!job || !repo.UNFINISHED.includes(job.completion_status)) return 'finished' as const;
      return fn(tx, job);
    });
  }

  async function runChunk(data: SliceData, size: number, actor: Actor): Promise<ChunkState> {
    // Loaded before the transaction: in embedded mode a query outside it would wait on it.
    const config = await ctx.configCache.get(data.teamId);
    return withRunningJob(data, async (tx, job) => {
      const procedure = config.procedureByKey.get(job.procedure_id);
      if (!procedure) {
        await finishJob(tx, job, 'FAILED', `procedure ${job.procedure_id} no longer exists`);
        return 'finished';
      }
      const entries = await repo.nextEntries(tx, job, size);
      const outcomes = !entries.length
        ? []
        : job.operation === 'create'
          ? await createChunk(tx, config, procedure, job.id, entries, actor)
          : await updateChunk(tx, config, procedure, entries, actor);
      return settle(tx, job, outcomes);
    });
  }

  /** The entry a chunk could not get past is an ERROR, so that the rest of the job goes on. */
  async function refuseNextEntry(data: SliceData, err: unknown): Promise<ChunkState> {
    const code = (err as { code?: string }).code;
    const message = code
      ? `could not be stored: the database refused a value (SQLSTATE ${code})`
      : 'could not be stored: a value is out of range';
    return withRunningJob(data, async (tx, job) => {
      const [entry] = await repo.nextEntries(tx, job, 1);
      return settle(tx, job, entry ? [{ idx: entry.idx, status: 'ERROR', message, processId: null }] : []);
    });
  }

  /** Fresh planner statistics after a big import (analyzeProcesses says why). */
  async function refreshStatistics() {
    await analyzeProcesses(ctx.db).catch((err) => ctx.log.warn({ err: err.message }, 'analyze after a bulk job failed'));
  }

  async function runChunkWithRetries(data: SliceData, size: number, actor: Actor) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await runChunk(data, size, actor);
      } catch (err) {
        const retryable = err instanceof ChunkRace || RETRYABLE_CODES.has((err as { code?: string }).code ?? '');
        if (!retryable || attempt >= CHUNK_ATTEMPTS) throw err;
      }
    }
  }

  async function runSlice(message: QueueMessage<SliceData>) {
    const { jobId, teamId } = message.data;
    // Well inside the message's expiry, so a live worker is never taken for a dead one.
    const deadline = Date.now() + Math.min(SLICE_MS, timeoutSeconds * 250);
    // After a chunk failed on something in its items, its entries go one at a time, so that
    // only the culprit becomes an ERROR.
    let oneByOne = 0;
    try {
      // Who the job's history names: looked up once per slice (not per item), before any
      // chunk's transaction, since in embedded mode a query outside it would wait on it.
      const job = await repo.findJob(ctx.db, teamId, jobId);
      if (!job) return;
      const actor = await actorOfOwner(ctx.db, teamId, job.submitted_by);
      for (;;) {
        let state: ChunkState;
        try {
          state = await runChunkWithRetries(message.data, oneByOne > 0 ? 1 : chunkSize, actor);
          if (oneByOne > 0) oneByOne--;
        } catch (err) {
          if (!isItemFault(err)) throw err;
          ctx.log.warn({ err: (err as Error).message, code: (err as { code?: string }).code, jobId }, 'bulk chunk refused by its data');
          if (oneByOne === 0) {
            oneByOne = chunkSize;
            continue;
          }
          state = await refuseNextEntry(message.data, err);
          oneByOne--;
        }
        if (state === 'completed-large') await refreshStatistics();
        if (state !== 'more') return;
        if (stopping || Date.now() >= deadline) break;
        // Let the event loop serve requests between chunks: PGlite runs on this thread, so
        // back-to-back chunk transactions would otherwise hold every HTTP request until the end.
        await nextTurn();
      }
      await ctx.db.tx((tx) => enqueueSlice(tx, ctx, teamId, jobId));
      ctx.queue.wake(BULK_QUEUE);
    } catch (err) {
      ctx.log.error({ err, jobId, attempt: message.retryCount + 1 }, 'bulk job slice failed; it will be retried');
      await repo
        .setStatusMessage(ctx.db, jobId, `a worker attempt failed (${message.retryCount + 1} of ${message.retryLimit + 1}); retrying`)
        .catch(() => {});
      throw err;
    }
  }

  async function giveUp(message: QueueMessage<SliceData>) {
    const { jobId, teamId } = message.data;
    await ctx.db.tx(async (tx) => {
      const job = await repo.findJob(tx, teamId, jobId, true);
      if (job && repo.UNFINISHED.includes(job.completion_status)) {
        await finishJob(tx, job, 'FAILED', `the job could not be run: its worker failed ${SLICE_RETRIES + 1} times (see the server log)`);
      }
    });
  }

  return {
    async start() {
      await ctx.queue.work<SliceData>(BULK_QUEUE, concurrency, runSlice);
      await ctx.queue.work<SliceData>(BULK_DEAD_LETTER, 1, giveUp);
    },
    /** Running slices stop after their current chunk and queue the rest. */
    stop() {
      stopping = true;
    },
  };
}
