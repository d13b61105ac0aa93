/** A team's configuration model (src/features/config/model.ts) built in memory, for unit tests of pure modules. */
import type { AttributeDef, EntityDef, ProcedureDef, StateDef } from '../../src/features/config/model.ts';

/** An attribute of `ownerId` (`place` is an entity, anything else a procedure), id `<owner>-<shortId>`. */
export const attributeDef = (ownerId: string, shortId: string, type: string): AttributeDef => ({
  id: `${ownerId}-${shortId}`,
  shortId,
  name: shortId,
  type,
  options: null,
  schema: null,
  isRequired: false,
  ownerKind: ownerId === 'place' ? 'entity' : 'procedure',
  ownerId,
});

export const stateDef = (id: string, shortId: string, status: StateDef['status'], order: number): StateDef => ({
  id,
  shortId,
  name: shortId,
  status,
  order,
  color: null,
});

/** The `place` entity: primary key `code`, and a `city`. */
export const placeEntity = (): EntityDef => ({
  id: 'place',
  shortId: 'place',
  name: 'Place',
  primaryKey: 'code',
  attributes: [attributeDef('place', 'code', 'stringId'), attributeDef('place', 'city', 'string')],
});

/** A procedure whose first state is the default start and whose first COMPLETED state is the default completion. */
export function procedureDef(p: {
  shortId: string;
  primaryKey: string | null;
  entityId: string | null;
  attributes: AttributeDef[];
  states: StateDef[];
}): ProcedureDef {
  return {
    id: p.shortId,
    shortId: p.shortId,
    name: p.shortId,
    entityId: p.entityId,
    primaryKey: p.primaryKey,
    primaryIdentifier: null,
    whatsappPhoneAttribute: null,
    attributes: p.attributes,
    attributesByShortId: new Map(p.attributes.map((a) => [a.shortId, a])),
    states: p.states,
    statesByShortId: new Map(p.states.map((s) => [s.shortId, s])),
    defaultStartState: p.states[0],
    defaultCompletedState: p.states.find((s) => s.status === 'COMPLETED') ?? null,
    stateTasks: [],
  };
}
