/** `GET /v1/ext/config` response (docs/workspace.md#what-the-config-api-shows). */
import { Type } from '@sinclair/typebox';
import { Nullable, Uuid } from '../../core/schema-types.ts';
import { named } from '../../core/http/openapi-document.ts';

const Id = Uuid;
const NullableId = Nullable(Uuid);
const Ids = Type.Array(Id);
const Base = { id: Id, shortId: Type.String(), name: Type.String() };
const Empty = Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'not modelled by this server: always empty' });

export const ConfigData = named(
  'TeamConfig',
  Type.Object({
    team: Type.Object({ ...Base, timezone: Type.String(), createdAt: Type.Number(), updatedAt: Type.Number() }),
    entities: Type.Array(Type.Object({ ...Base, attributes: Ids, primaryKey: NullableId })),
    procedures: Type.Array(
      Type.Object({
        ...Base,
        entity: NullableId,
        attributes: Ids,
        states: Type.Array(
          Type.Object({
            ...Base,
            order: Type.Integer(),
            status: Type.String(),
            color: Nullable(Type.String(), { description: 'a #rrggbb colour; null when the workspace sets none' }),
          }),
        ),
        defaultStartState: Id,
        defaultCompletedState: NullableId,
        primaryKey: NullableId,
        primaryIdentifier: NullableId,
        whatsappPhoneAttribute: NullableId,
        stateTasks: Ids,
        roles: Ids,
      }),
    ),
    attributeTypes: Type.Array(Type.Object({ ...Base, datatype: Type.String() })),
    attributes: Type.Array(
      Type.Object({
        ...Base,
        type: Type.String(),
        options: Type.Union([
          Type.Array(Type.Object({ value: Type.Union([Type.String(), Type.Number()]), label: Type.String() })),
          Type.Null(),
        ]),
        schema: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
        isRequired: Type.Boolean(),
        entity: NullableId,
        procedure: NullableId,
        stateTask: NullableId,
      }),
    ),
    derivedAttributes: Empty,
    attributeGroups: Empty,
    roles: Type.Array(Type.Object({ ...Base, privileges: Type.Array(Type.String()) })),
    pods: Type.Array(Type.Object({ ...Base, parent: NullableId })),
    taskTypes: Type.Array(Type.Object(Base)),
    forms: Empty,
    formFields: Empty,
    formActionButtons: Empty,
    stateTasks: Type.Array(
      Type.Object({
        ...Base,
        procedure: Id,
        states: Ids,
        state: NullableId,
        taskType: NullableId,
        attributes: Ids,
      }),
    ),
    userProfiles: Empty,
    attributeConfig: Empty,
    skillTypes: Empty,
  }),
);
