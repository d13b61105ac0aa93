/** The workspace file (docs/workspace.md), declared once: validates files and API bodies. */
import { Type, type Static } from '@sinclair/typebox';
import { Status, StringEnum, Uuid } from '../../core/schema-types.ts';
import { PRIVILEGES } from '../../core/auth/privileges.ts';
import { SortFieldSpec } from '../processes/schemas.ts';
import { MAX_SORT_FIELDS } from '../processes/sort.ts';
import { named } from '../../core/http/openapi-document.ts';

const ShortId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', description: 'letters, digits, _ and -; starts with a letter' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const EnvName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });
/** A secret given by value (through the admin API, where a team's key may not name the server's environment or files). */
const SecretValue = Type.String({ minLength: 1, maxLength: 4096, description: 'the secret itself; stored encrypted, never shown' });
const Timezone = Type.String({ pattern: '^[+-](0\\d|1[0-4])[0-5]\\d$', description: 'offset such as +0530' });

const OptionValue = Type.Union([Type.String(), Type.Number()]);
const Option = Type.Union([
  OptionValue,
  Type.Object({ value: OptionValue, label: Type.Optional(Type.String()) }, { additionalProperties: false }),
]);

const AttributeSpec = named(
  'WorkspaceAttribute',
  Type.Object(
    {
      id: Type.Optional(Uuid),
      shortId: ShortId,
      name: Name,
      type: Type.String({ minLength: 1 }),
      options: Type.Optional(Type.Array(Option, { minItems: 1 })),
      schema: Type.Optional(Type.Object({}, { additionalProperties: true })),
      required: Type.Optional(Type.Boolean()),
      indexed: Type.Optional(
        Type.Boolean({ description: 'keep an index that makes sorting lists by this attribute fast (procedure attributes)' }),
      ),
    },
    { additionalProperties: false },
  ),
);

const RoleSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    privileges: Type.Array(Type.Union(PRIVILEGES.map((p) => Type.Literal(p))), { uniqueItems: true }),
  },
  { additionalProperties: false },
);

const PodSpec = Type.Object(
  { id: Type.Optional(Uuid), shortId: ShortId, name: Name, parent: Type.Optional(ShortId) },
  { additionalProperties: false },
);

const UserSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    username: Type.String({ minLength: 1, maxLength: 200 }),
    firstName: Type.Optional(Type.String()),
    middleName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String()),
    email: Type.Optional(Type.String({ format: 'email' })),
    phone: Type.Optional(Type.String()),
    timezone: Type.Optional(Timezone),
    role: Type.Optional(ShortId),
    pods: Type.Optional(Type.Array(ShortId)),
    isActive: Type.Optional(Type.Boolean()),
    data: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: false },
);

const EntitySpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    primaryKey: Type.Optional(ShortId),
    attributes: Type.Optional(Type.Array(AttributeSpec)),
  },
  { additionalProperties: false },
);

const StateSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    status: Status,
    default: Type.Optional(StringEnum(['start', 'completed'])),
    // Only a hex colour: the console puts it into a style, so nothing else may get through.
    color: Type.Optional(
      Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: 'a #rrggbb colour for the console board; neutral by status when absent' }),
    ),
  },
  { additionalProperties: false },
);

const StateTaskSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    taskType: Type.Optional(ShortId),
    states: Type.Optional(Type.Array(ShortId, { uniqueItems: true })),
    attributes: Type.Optional(Type.Array(AttributeSpec)),
  },
  { additionalProperties: false },
);

/** Each index slows every write to the procedure's processes a little: a handful is plenty. */
const MAX_SORT_INDEXES = 10;

const ProcedureSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    entity: Type.Optional(ShortId),
    primaryKey: Type.Optional(ShortId),
    primaryIdentifier: Type.Optional(ShortId),
    whatsappPhoneAttribute: Type.Optional(ShortId),
    attributes: Type.Optional(Type.Array(AttributeSpec)),
    states: Type.Array(StateSpec, { minItems: 1 }),
    stateTasks: Type.Optional(Type.Array(StateTaskSpec)),
    sortIndexes: Type.Optional(
      Type.Array(Type.Array(SortFieldSpec, { minItems: 1, maxItems: MAX_SORT_FIELDS }), {
        maxItems: MAX_SORT_INDEXES,
        description: 'sorts of several fields to keep an index for, each as the list API takes it',
      }),
    ),
  },
  { additionalProperties: false },
);

const PhoneNumberSpec = Type.Object(
  {
    whatsappPhoneNumberId: Type.String({ pattern: '^[0-9]{1,32}$' }),
    displayPhoneNumber: Type.String({ pattern: '^[0-9]{7,15}$' }),
  },
  { additionalProperties: false },
);

const PluginSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Name,
    graphApiUrl: Type.Optional(Type.String({ minLength: 1 })),
    accessToken: Type.Optional(SecretValue),
    accessTokenEnv: Type.Optional(EnvName),
    accessTokenFile: Type.Optional(Type.String({ minLength: 1 })),
    appSecret: Type.Optional(SecretValue),
    appSecretEnv: Type.Optional(EnvName),
    appSecretFile: Type.Optional(Type.String({ minLength: 1 })),
    verifyToken: Type.Optional(SecretValue),
    verifyTokenEnv: Type.Optional(EnvName),
    verifyTokenFile: Type.Optional(Type.String({ minLength: 1 })),
    messagesPerSecond: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1000, description: 'sends per second per phone number; 0 turns pacing off' }),
    ),
    businessAccounts: Type.Optional(
      Type.Array(
        Type.Object(
          { wabaId: Type.String({ pattern: '^[0-9]{1,32}$' }), phoneNumbers: Type.Optional(Type.Array(PhoneNumberSpec)) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const TeamSpec = Type.Object(
  {
    id: Type.Optional(Uuid),
    shortId: ShortId,
    name: Name,
    timezone: Type.Optional(Timezone),
    hmacSecret: Type.Optional(SecretValue),
    hmacSecretEnv: Type.Optional(EnvName),
    hmacSecretFile: Type.Optional(Type.String({ minLength: 1 })),
    roles: Type.Optional(Type.Array(RoleSpec)),
    pods: Type.Optional(Type.Array(PodSpec)),
    users: Type.Optional(Type.Array(UserSpec)),
    entities: Type.Optional(Type.Array(EntitySpec)),
    procedures: Type.Optional(Type.Array(ProcedureSpec)),
    whatsappPlugins: Type.Optional(Type.Array(PluginSpec)),
  },
  { additionalProperties: false },
);

export const WorkspaceSpec = Type.Object(
  { version: Type.Literal(1), teams: Type.Array(TeamSpec) },
  {
    additionalProperties: false,
    $id: 'Workspace',
    description: 'A workspace file (docs/workspace.md)',
    // Adds a procedure to the demo team (applying never deletes what the document leaves out).
    examples: [
      {
        version: 1,
        teams: [
          {
            shortId: 'demo',
            name: 'Demo Company',
            procedures: [
              {
                shortId: 'callback_request',
                name: 'Callback request',
                attributes: [
                  { shortId: 'phone_number', name: 'Phone', type: 'phone' },
                  { shortId: 'preferred_time', name: 'Preferred time', type: 'datetime' },
                ],
                states: [
                  { shortId: 'REQUESTED', name: 'Requested', status: 'OPEN', default: 'start' },
                  { shortId: 'CALLED', name: 'Called', status: 'COMPLETED', default: 'completed' },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
);

export type Workspace = Static<typeof WorkspaceSpec>;
export type TeamSpecT = Static<typeof TeamSpec>;
export type AttributeSpecT = Static<typeof AttributeSpec>;
export type PluginSpecT = Static<typeof PluginSpec>;
