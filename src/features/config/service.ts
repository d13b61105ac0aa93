import { createHash } from 'node:crypto';
import { ALL_ATTRIBUTE_TYPES, datatypeOf } from '../attributes/attribute-types.ts';
import type { AttributeDef, TeamConfig } from './model.ts';

/** A stable uuid-shaped id for a built-in object (attribute types are the same for every team). */
function builtinId(name: string): string {
  const h = createHash('sha256').update(`chakra:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ATTRIBUTE_TYPES = ALL_ATTRIBUTE_TYPES.map((t) => ({
  id: builtinId(`attributeType:${t}`),
  shortId: t,
  name: t,
  datatype: datatypeOf(t),
}));

const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

function attributeOut(a: AttributeDef) {
  return {
    id: a.id,
    shortId: a.shortId,
    name: a.name,
    type: a.type,
    options: a.options,
    schema: a.schema,
    isRequired: a.isRequired,
    entity: a.ownerKind === 'entity' ? a.ownerId : null,
    procedure: a.ownerKind === 'procedure' ? a.ownerId : null,
    stateTask: a.ownerKind === 'state_task' ? a.ownerId : null,
  };
}

const responses = new WeakMap<TeamConfig, unknown>();

/** The 17 documented keys of `GET /v1/ext/config`, computed once per loaded configuration. */
export function configResponse(config: TeamConfig) {
  const cached = responses.get(config);
  if (cached) return cached;
  const attrId = (attrs: AttributeDef[], shortId: string | null) =>
    shortId ? (attrs.find((a) => a.shortId === shortId)?.id ?? null) : null;
  const out = {
    team: config.team,
    entities: config.entities.map((e) => ({
      id: e.id,
      shortId: e.shortId,
      name: e.name,
      attributes: ids(e.attributes),
      primaryKey: attrId(e.attributes, e.primaryKey),
    })),
    procedures: config.procedures.map((p) => {
      const entityAttrs = config.entities.find((e) => e.id === p.entityId)?.attributes ?? [];
      return {
        id: p.id,
        shortId: p.shortId,
        name: p.name,
        entity: p.entityId,
        attributes: ids(p.attributes),
        states: p.states,
        defaultStartState: p.defaultStartState.id,
        defaultCompletedState: p.defaultCompletedState?.id ?? null,
        primaryKey: attrId(p.attributes, p.primaryKey),
        primaryIdentifier: attrId(p.attributes, p.primaryIdentifier),
        whatsappPhoneAttribute: attrId(p.attributes, p.whatsappPhoneAttribute) ?? attrId(entityAttrs, p.whatsappPhoneAttribute),
        stateTasks: ids(p.stateTasks),
        roles: [] as string[],
      };
    }),
    attributeTypes: ATTRIBUTE_TYPES,
    attributes: config.attributes.map(attributeOut),
    derivedAttributes: [],
    attributeGroups: [],
    roles: config.roles,
    pods: config.pods,
    taskTypes: config.taskTypes,
    forms: [],
    formFields: [],
    formActionButtons: [],
    stateTasks: config.stateTasks.map((t) => ({
      id: t.id,
      shortId: t.shortId,
      name: t.name,
      procedure: t.procedureId,
      states: t.stateIds,
      state: t.stateIds[0] ?? null,
      taskType: t.taskTypeId,
      attributes: ids(t.attributes),
    })),
    userProfiles: [],
    attributeConfig: [],
    skillTypes: [],
  };
  responses.set(config, out);
  return out;
}
