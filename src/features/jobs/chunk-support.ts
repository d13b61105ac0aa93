/** Pieces both bulk chunk writers share. */
import type { Queryable } from '../../core/db/types.ts';
import { AppError } from '../../core/errors.ts';
import { findLiveProcesses } from '../processes/bulk-repo.ts';
import type { Outcome } from './repo.ts';

/** A concurrent writer changed what the chunk relied on; the chunk's transaction is redone. */
export class ChunkRace extends Error {
  constructor() {
    super('a concurrent write took a primary key this chunk was about to use');
  }
}

/**
 * What a chunk made of each of its entries. INVALID: what the single endpoint refuses with a
 * 400; ERROR: a conflict with existing data (primary key taken, process not found).
 */
export function outcomeLog() {
  const outcomes = new Map<number, Outcome>();
  return {
    invalid: (idx: number, message: string) => void outcomes.set(idx, { idx, status: 'INVALID', message, processId: null }),
    error: (idx: number, message: string) => void outcomes.set(idx, { idx, status: 'ERROR', message, processId: null }),
    success: (idx: number, processId: string) => void outcomes.set(idx, { idx, status: 'SUCCESS', message: null, processId }),
    /** One outcome per entry, in the entries' order. */
    of: (entries: { idx: number }[]) => entries.map((e) => outcomes.get(e.idx)!),
  };
}

/** Runs a rule that throws the endpoint's 4xx and returns its text as an entry message instead. */
export function attemptRule<T>(rule: () => T): { value: T } | { error: string } {
  try {
    return { value: rule() };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return { error: err.messages.join('; ') };
    throw err;
  }
}

/** Live processes of a procedure holding any of these primary-key values: value → process id. */
export async function existingPrimaryKeys(
  tx: Queryable,
  teamId: string,
  procedureId: string,
  values: string[],
): Promise<Map<string, string>> {
  const rows = await findLiveProcesses(tx, teamId, procedureId, { pkValues: values });
  return new Map(rows.map((r) => [r.pk_value!, r.id]));
}

/** Which of these processes an earlier entry of this job created: process id → entry index. */
export async function duplicateOf(tx: Queryable, jobId: string, processIds: string[]): Promise<Map<string, number>> {
  if (!processIds.length) return new Map();
  const rows = await tx.query<{ idx: number; process_id: string }>(
    `select idx, process_id from background_job_results
      where job_id = $1 and completion_status = 'SUCCESS' and process_id = any($2::uuid[])`,
    [jobId, processIds],
  );
  return new Map(rows.map((r) => [r.process_id, r.idx]));
}
