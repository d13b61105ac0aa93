/** Job and entry rows as the API shows them (docs/bulk.md#chunks-progress-and-polling). */
import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { EntryRow, JobRow } from './repo.ts';
import type { EntryOut, JobMeta, JobOut } from './schemas.ts';

export function toJobView(row: JobRow): Static<typeof JobOut> {
  return {
    id: row.id,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    type: 'bulk_api_job',
    operation: row.operation,
    procedure: row.procedure_id,
    team: row.team_id,
    completionStatus: row.completion_status as Static<typeof JobOut>['completionStatus'],
    statusMessage: row.status_message,
    startedAt: row.started_at?.getTime() ?? 0,
    completedAt: row.completed_at?.getTime() ?? 0,
    total: row.total,
  };
}

export function jobMeta(row: JobRow): Static<typeof JobMeta> {
  return {
    bjEntryCompletionStatusVsCount: {
      INVALID: row.invalid_count,
      NOT_STARTED: row.not_started_count,
      SUCCESS: row.success_count,
      ERROR: row.error_count,
    },
  };
}

/** An entry's id: a name-based (v5-style) uuid of its job and position, stable without being stored. */
function entryId(jobId: string, idx: number): string {
  const h = createHash('sha1').update(`${jobId}/${idx}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toEntryView(job: JobRow, e: EntryRow): Static<typeof EntryOut> {
  return {
    id: entryId(job.id, e.idx),
    createdAt: job.created_at.getTime(),
    updatedAt: (e.settled_at ?? job.created_at).getTime(),
    backgroundJob: job.id,
    index: e.idx,
    completionStatus: e.completion_status,
    statusMessage: e.status_message,
    input: e.input,
    result: { processId: e.process_id },
  };
}
