/** Process request and response schemas (docs/api.md#processes), declared once for validation, serialization and OpenAPI. */
import { Type } from '@sinclair/typebox';
import { Nullable, Status, StringEnum, Uuid } from '../../core/schema-types.ts';
import { MAX_SORT_FIELDS } from './sort.ts';
import { MAX_OFFSET } from '../../core/http/paging.ts';
import { named } from '../../core/http/openapi-document.ts';

const NullableUuid = Nullable(Uuid);
// Any attribute's value by its shortId; typed as a record so that code reads values without casts.
const Data = Type.Unsafe<Record<string, unknown>>(
  Type.Object({}, { additionalProperties: true, description: 'attribute values by attribute shortId' }),
);
const Time = Type.Union([Type.Integer(), Type.String()], { description: 'epoch milliseconds or ISO-8601' });

export const ProcessOut = named(
  'Process',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    team: Uuid,
    procedure: Uuid,
    entity: NullableUuid,
    createdBy: NullableUuid,
    assignedTo: NullableUuid,
    belongsTo: NullableUuid,
    status: Type.String(),
    state: Type.String({ description: 'state shortId' }),
    nextActionAt: Type.Union([Type.Number(), Type.Null()]),
    data: Data,
    record: Type.Union([
      Type.Object({ id: Uuid, entity: Uuid, data: Data, createdAt: Type.Number(), updatedAt: Type.Number() }),
      Type.Null(),
    ]),
    isDeleted: Type.Boolean(),
  }),
);

/** The fields an update may change (also the bulk-update item's changes, with isDeleted). */
export const Changes = {
  data: Type.Optional(Data),
  status: Type.Optional(Status),
  state: Type.Optional(Type.String({ description: 'state shortId' })),
  nextActionAt: Type.Optional(Type.Union([Time, Type.Null()])),
  assignedTo: Type.Optional(Type.Union([Type.String({ description: 'username or user id' }), Type.Null()])),
};

export const CreateBody = named(
  'ProcessCreate',
  Type.Object(
    {
      ...Changes,
      record: Type.Optional(
        Type.Object(
          {
            id: Type.Optional(Type.String({ description: 'link this existing record' })),
            data: Type.Optional(Data),
          },
          { additionalProperties: false, description: "the linked record: by id, or by the entity's primary key in data, else a new one" },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  {
    examples: [
      {
        data: {
          lead_id: 'LEAD-1001',
          firstname: 'Asha',
          lastname: 'Rao',
          phone_number: '+919876543210',
          email: 'asha.rao@example.com',
          source: 'web',
          score: 64,
        },
        assignedTo: 'john@paisapay.com',
      },
    ],
  },
);

export const UpdateBody = named('ProcessUpdate', Type.Object(Changes, { additionalProperties: false }), {
  examples: [{ state: 'CONTACTED', data: { score: 72 }, nextActionAt: '2027-01-15T10:30:00+05:30' }],
});

export const ProcessParams = Type.Object({ ps: Type.String({ description: 'procedure shortId or id' }), processId: Type.String() });
export const PkParams = Type.Object({ ps: Type.String(), pkShortId: Type.String(), pkValue: Type.String() });
export const ProcedureParams = Type.Object({ ps: Type.String({ description: 'procedure shortId or id' }) });

/** One field of a sort: in a list request, and in the sorts a workspace declares an index for. */
export const SortFieldSpec = named(
  'SortField',
  Type.Object(
    {
      field: Type.String({
        maxLength: 64,
        description: 'createdAt, updatedAt, nextActionAt or an attribute shortId of a number, text, date or boolean type',
      }),
      order: Type.Optional(StringEnum(['asc', 'desc'], { description: 'default asc' })),
    },
    { additionalProperties: false },
  ),
);

export const ListBody = named(
  'ProcessListQuery',
  Type.Object(
    {
      where: Type.Optional(
        Type.Object({}, { additionalProperties: true, description: 'the documented query grammar (docs/api.md#listing-processes)' }),
      ),
      skip: Type.Optional(
        Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'rows to skip; deeper pages: use cursor' }),
      ),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
      sort: Type.Optional(
        Type.Array(SortFieldSpec, {
          maxItems: MAX_SORT_FIELDS,
          description: 'fields in order of precedence; ties end ordered by id. Default: createdAt desc',
        }),
      ),
      cursor: Type.Optional(Type.String({ description: "extension: the previous page's _meta.nextCursor, for keyset pagination" })),
    },
    { additionalProperties: false },
  ),
  { examples: [{ where: { state: ['NEW', 'CONTACTED'], score: { '>=': 50 } }, sort: [{ field: 'score', order: 'desc' }], limit: 20 }] },
);

export const ListMeta = named(
  'ProcessListMeta',
  Type.Object({ hasMore: Type.Boolean(), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
);
