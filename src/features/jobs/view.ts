/** Job and entry rows as the API shows them (decisions.md §3). */
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

export function toEntryView(job: JobRow, e: EntryRow): Static<typeof EntryOut> {
  return {
    id: e.id,
    createdAt: job.created_at.getTime(),
    updatedAt: e.updated_at.getTime(),
    backgroundJob: job.id,
    index: e.idx,
    completionStatus: e.completion_status,
    statusMessage: e.status_message,
    input: e.input,
    result: { processId: e.process_id },
  };
}
