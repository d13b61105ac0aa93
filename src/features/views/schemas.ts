/** Saved views (docs/console.md#views): declared once for validation, serialization and the document. */
import { Type } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';
import { Nullable, StringEnum, Uuid } from '../../core/schema-types.ts';
import { SortFieldSpec } from '../processes/schemas.ts';
import { MAX_SORT_FIELDS } from '../processes/sort.ts';

const MAX_COLUMNS = 100;

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100, description: 'Unique among the views its owner (or the team) has for the procedure.' }),
  layout: StringEnum(['table', 'board']),
  columns: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: MAX_COLUMNS,
    description: 'The shown columns in order: attribute shortIds, or status, state, assignedTo, nextActionAt, createdAt, updatedAt.',
  }),
  sort: Nullable(Type.Array(SortFieldSpec, { minItems: 1, maxItems: MAX_SORT_FIELDS, description: 'As the list call takes it.' })),
  where: Nullable(
    Type.Object({}, { additionalProperties: true, description: 'As the list call takes it (docs/api.md#listing-processes).' }),
  ),
};

export const SavedView = named(
  'SavedView',
  Type.Object({
    id: Uuid,
    procedure: Type.String({ description: "The procedure's shortId." }),
    shared: Type.Boolean({ description: "true: the team's view, seen by everyone in the team; false: the caller's own." }),
    ...fields,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  }),
);

export const SavedViewCreate = named(
  'SavedViewCreate',
  Type.Object(
    {
      name: fields.name,
      shared: Type.Optional(
        Type.Boolean({ default: false, description: "Share with the team (needs process:write). Default: the caller's own." }),
      ),
      layout: Type.Optional({ ...fields.layout, default: 'table' }),
      columns: Type.Optional(fields.columns),
      sort: Type.Optional(fields.sort),
      where: Type.Optional(fields.where),
    },
    { additionalProperties: false },
  ),
  {
    examples: [
      {
        name: 'Hot leads',
        shared: true,
        columns: ['firstname', 'score', 'state'],
        sort: [{ field: 'score', order: 'desc' }],
        where: { score: { '>=': 70 } },
      },
    ],
  },
);

export const SavedViewUpdate = named(
  'SavedViewUpdate',
  Type.Object(
    {
      name: Type.Optional(fields.name),
      layout: Type.Optional(fields.layout),
      columns: Type.Optional(fields.columns),
      sort: Type.Optional(fields.sort),
      where: Type.Optional(fields.where),
    },
    { additionalProperties: false },
  ),
);

export const ViewParams = Type.Object({ ps: Type.String({ description: 'procedure shortId or id' }), viewId: Uuid });
