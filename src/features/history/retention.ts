/**
 * HISTORY_RETENTION_DAYS: history older than that is deleted by every worker process, in
 * batches, once at start and then hourly. Unset keeps history forever (no sweep runs at all).
 */
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { startSweep } from '../../core/queue/sweep.ts';
import { deleteHistoryBefore } from './repo.ts';

const SWEEP_MS = 60 * 60 * 1000;
/** Rows per statement: short transactions, so writers of new history never wait long. */
const BATCH = 5000;
const DAY_MS = 86_400_000;

/** Deletes history older than `days` days, a batch at a time; returns how many rows went. */
export async function deleteExpiredHistory(db: Queryable, days: number, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - days * DAY_MS);
  let total = 0;
  for (;;) {
    const n = await deleteHistoryBefore(db, cutoff, BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}

export function historyRetention(ctx: AppContext) {
  let sweep: { stop(): void } | undefined;
  const days = ctx.config.historyRetentionDays;
  const run = async () => {
    if (days === undefined) return;
    const deleted = await deleteExpiredHistory(ctx.db, days);
    if (deleted) ctx.log.info({ deleted, days }, 'expired process history deleted');
  };
  const onError = (err: Error) => ctx.log.warn({ err: err.message }, 'history retention sweep failed; retried at the next one');
  return {
    async start() {
      if (days === undefined) return;
      // Not awaited: a big first clean-up must not hold the worker's start.
      run().catch(onError);
      sweep = startSweep(SWEEP_MS, run, onError);
    },
    stop() {
      sweep?.stop();
    },
  };
}
