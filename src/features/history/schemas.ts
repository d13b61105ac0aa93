/** The process history extension's schemas (docs/console.md#history), declared once. */
import { Type } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';
import { Nullable, StringEnum } from '../../core/schema-types.ts';

const MAX_HISTORY_PAGE = 200;
export const DEFAULT_HISTORY_PAGE = 50;

const FieldChange = named(
  'ProcessFieldChange',
  Type.Object({
    field: Type.String({ description: 'an attribute shortId, or status, state, assignedTo, nextActionAt' }),
    old: Type.Unknown({ description: 'the value before (null: not set)' }),
    new: Type.Unknown({ description: 'the value after (null: cleared)' }),
  }),
);

export const HistoryEntryOut = named(
  'ProcessHistoryEntry',
  Type.Object({
    id: Type.String({ description: 'the entry id; larger is newer' }),
    kind: StringEnum(['created', 'updated', 'deleted', 'task_created', 'task_completed', 'task_cancelled']),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object(
      {
        type: StringEnum(['key', 'user', 'system']),
        id: Nullable(Type.String()),
        name: Type.String({ description: "the API key's name, the user's display name, or system" }),
      },
      { description: 'who made the change' },
    ),
    changes: Type.Union(
      [
        Type.Array(FieldChange, { description: 'updated (and deleted, when the delete also changed fields): each field that changed' }),
        Type.Object(
          {},
          { additionalProperties: true, description: 'created: {state, status}; task_*: {taskId, stateTask, title, status}' },
        ),
        Type.Null(),
      ],
      { description: 'what changed; its shape depends on kind' },
    ),
  }),
);

export const HistoryParams = Type.Object({
  ps: Type.String({ description: 'procedure shortId or id' }),
  idOrPk: Type.String({ description: 'process uuid (also of a deleted process) or primary-key value' }),
});

export const HistoryQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_HISTORY_PAGE, default: DEFAULT_HISTORY_PAGE })),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: "the previous page's _meta.nextCursor" })),
});
