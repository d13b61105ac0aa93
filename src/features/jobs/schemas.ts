/** Background-job and bulk request/response schemas (docs/bulk.md), declared once. */
import { Type } from '@sinclair/typebox';
import { Uuid, StringEnum } from '../../core/schema-types.ts';
import { Changes, CreateBody } from '../processes/schemas.ts';
import { MAX_OFFSET } from '../../core/http/paging.ts';
import { named } from '../../core/http/openapi-document.ts';

const JOB_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
const ENTRY_STATUSES = ['INVALID', 'NOT_STARTED', 'SUCCESS', 'ERROR'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const JobOut = named(
  'BackgroundJob',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    type: Type.Literal('bulk_api_job'),
    operation: StringEnum(['create', 'update']),
    procedure: Uuid,
    team: Uuid,
    completionStatus: literals(JOB_STATUSES),
    statusMessage: Type.Union([Type.String(), Type.Null()]),
    startedAt: Type.Number({ description: 'epoch ms; 0 until started' }),
    completedAt: Type.Number({ description: 'epoch ms; 0 until every entry is final (or the job failed or was cancelled)' }),
    total: Type.Integer({ description: 'number of entries, one per submitted item' }),
  }),
);

const EntryCounts = Type.Object(Object.fromEntries(ENTRY_STATUSES.map((s) => [s, Type.Integer()])));

export const JobMeta = named('BackgroundJobMeta', Type.Object({ bjEntryCompletionStatusVsCount: EntryCounts }));

export const EntryOut = named(
  'BackgroundJobEntry',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    backgroundJob: Uuid,
    index: Type.Integer({ description: "the item's position in the submitted array, from 0" }),
    completionStatus: literals(ENTRY_STATUSES),
    statusMessage: Type.Union([Type.String(), Type.Null()]),
    input: Type.Unknown({ description: 'the item as submitted' }),
    result: Type.Object({ processId: Type.Union([Uuid, Type.Null()]) }),
  }),
);

export const EntriesMeta = named(
  'BackgroundJobEntriesMeta',
  Type.Object({
    total: Type.Integer({ description: 'entries matching the filter' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'path of the next page, null on the last' }),
  }),
);

export const JobParams = Type.Object({ id: Type.String({ description: 'background job id' }) });

export const EntriesQuery = Type.Object({
  skip: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  completionStatus: Type.Optional(literals(ENTRY_STATUSES)),
});

/** What one bulk-update item may change: an update's fields plus a soft delete. */
export const BulkChanges = named(
  'BulkProcessChanges',
  Type.Object(
    { ...Changes, isDeleted: Type.Optional(Type.Boolean({ description: 'true soft-deletes the process' })) },
    { additionalProperties: false, description: 'the changes; they may also be given flat on the item' },
  ),
);

const UpdateItem = named(
  'BulkUpdateItem',
  Type.Object(
    {
      id: Type.Optional(Type.String({ description: 'the process id; or give the primary-key attribute, e.g. "lead_id": "LEAD-001"' })),
      update: Type.Optional(BulkChanges),
    },
    { additionalProperties: true },
  ),
);

/** For the API reference only: bulk bodies are checked by bulk-body.ts, which names the failing item. */
export const BulkCreateBody = named(
  'BulkCreateProcesses',
  Type.Union([Type.Array(CreateBody), Type.Object({ processes: Type.Array(CreateBody) })], {
    description: 'an array of create items (each as in Create process), or {"processes": [...]}',
  }),
  {
    examples: [
      {
        processes: [
          { data: { lead_id: 'LEAD-2001', firstname: 'Ravi', phone_number: '+919812345670', source: 'referral' } },
          { data: { lead_id: 'LEAD-2002', firstname: 'Meera', phone_number: '+919812345671', source: 'walk_in' } },
        ],
      },
    ],
  },
);
export const BulkUpdateBody = named(
  'BulkUpdateProcesses',
  Type.Union([Type.Object({ processes: Type.Array(UpdateItem) }), Type.Array(UpdateItem)], {
    description: '{"processes": [...]} or a bare array; each item names its process by id or primary key',
  }),
  {
    examples: [
      {
        processes: [
          { lead_id: 'LEAD-2001', update: { state: 'CONTACTED' } },
          { lead_id: 'LEAD-2002', update: { data: { score: 80 } } },
        ],
      },
    ],
  },
);
