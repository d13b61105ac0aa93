/**
 * A team's configuration as the rest of the code uses it: procedures, their attributes and
 * states indexed by shortId and by id, so that hot paths resolve names without a query.
 */
import type { TeamConfigRows } from './repo.ts';

export interface AttributeDef {
  id: string;
  shortId: string;
  name: string;
  type: string;
  options: { value: string | number; label: string }[] | null;
  schema: Record<string, unknown> | null;
  isRequired: boolean;
  ownerKind: 'entity' | 'procedure' | 'state_task';
  ownerId: string;
}

export interface StateDef {
  id: string;
  shortId: string;
  name: string;
  status: 'OPEN' | 'COMPLETED' | 'CANCELLED';
  order: number;
  /** A #rrggbb hex from the workspace, or null (the console then uses a neutral colour per status). */
  color: string | null;
}

interface StateTaskDef {
  id: string;
  shortId: string;
  name: string;
  procedureId: string;
  taskTypeId: string | null;
  /** Empty: allowed in every state. */
  stateIds: string[];
  attributes: AttributeDef[];
}

export interface EntityDef {
  id: string;
  shortId: string;
  name: string;
  primaryKey: string | null;
  attributes: AttributeDef[];
}

export interface ProcedureDef {
  id: string;
  shortId: string;
  name: string;
  entityId: string | null;
  primaryKey: string | null;
  primaryIdentifier: string | null;
  whatsappPhoneAttribute: string | null;
  attributes: AttributeDef[];
  attributesByShortId: Map<string, AttributeDef>;
  states: StateDef[];
  statesByShortId: Map<string, StateDef>;
  defaultStartState: StateDef;
  defaultCompletedState: StateDef | null;
  stateTasks: StateTaskDef[];
}

export interface TeamConfig {
  team: { id: string; shortId: string; name: string; timezone: string; createdAt: number; updatedAt: number };
  roles: { id: string; shortId: string; name: string; privileges: string[] }[];
  pods: { id: string; shortId: string; name: string; parent: string | null }[];
  taskTypes: { id: string; shortId: string; name: string }[];
  entities: EntityDef[];
  procedures: ProcedureDef[];
  /** By shortId and by id. */
  procedureByKey: Map<string, ProcedureDef>;
  attributes: AttributeDef[];
  stateTasks: StateTaskDef[];
  /**
   * Platform events some enabled subscription of the team listens to: a write skips the outbox
   * statement when nobody listens (a new subscription reaches other processes within the cache TTL).
   */
  webhookEvents: Set<string>;
  loadedAt: number;
}

function attribute(row: any): AttributeDef {
  return {
    id: row.id,
    shortId: row.short_id,
    name: row.name,
    type: row.type,
    options: row.options,
    schema: row.json_schema,
    isRequired: row.is_required,
    ownerKind: row.owner_kind,
    ownerId: row.owner_id,
  };
}

export function buildTeamConfig(rows: TeamConfigRows): TeamConfig {
  const attributes = rows.attributes.map(attribute);
  const byOwner = new Map<string, AttributeDef[]>();
  for (const a of attributes) byOwner.set(a.ownerId, [...(byOwner.get(a.ownerId) ?? []), a]);

  const stateTasks: StateTaskDef[] = rows.stateTasks.map((t: any) => ({
    id: t.id,
    shortId: t.short_id,
    name: t.name,
    procedureId: t.procedure_id,
    taskTypeId: t.task_type_id,
    stateIds: t.state_ids,
    attributes: byOwner.get(t.id) ?? [],
  }));

  const procedures: ProcedureDef[] = rows.procedures.map((p: any) => {
    const states: (StateDef & { start: boolean; completed: boolean })[] = rows.states
      .filter((s: any) => s.procedure_id === p.id)
      .map((s: any) => ({
        id: s.id,
        shortId: s.short_id,
        name: s.name,
        status: s.status,
        order: s.position,
        color: s.color ?? null,
        start: s.is_default_start,
        completed: s.is_default_completed,
      }));
    const attrs = byOwner.get(p.id) ?? [];
    const clean = states.map(({ start, completed, ...s }) => s);
    return {
      id: p.id,
      shortId: p.short_id,
      name: p.name,
      entityId: p.entity_id,
      primaryKey: p.primary_key,
      primaryIdentifier: p.primary_identifier,
      whatsappPhoneAttribute: p.whatsapp_phone_attribute,
      attributes: attrs,
      attributesByShortId: new Map(attrs.map((a) => [a.shortId, a])),
      states: clean,
      statesByShortId: new Map(clean.map((s) => [s.shortId, s])),
      defaultStartState: clean[states.findIndex((s) => s.start)] ?? clean[0],
      defaultCompletedState: clean[states.findIndex((s) => s.completed)] ?? null,
      stateTasks: stateTasks.filter((t) => t.procedureId === p.id),
    };
  });

  const procedureByKey = new Map<string, ProcedureDef>();
  for (const p of procedures) {
    procedureByKey.set(p.shortId, p);
    procedureByKey.set(p.id, p);
  }

  const t = rows.team;
  return {
    team: {
      id: t.id,
      shortId: t.short_id,
      name: t.name,
      timezone: t.timezone,
      createdAt: t.created_at.getTime(),
      updatedAt: t.updated_at.getTime(),
    },
    roles: rows.roles.map((r: any) => ({ id: r.id, shortId: r.short_id, name: r.name, privileges: r.privileges })),
    pods: rows.pods.map((p: any) => ({ id: p.id, shortId: p.short_id, name: p.name, parent: p.parent_id })),
    taskTypes: rows.taskTypes.map((t: any) => ({ id: t.id, shortId: t.short_id, name: t.name })),
    entities: rows.entities.map((e: any) => ({
      id: e.id,
      shortId: e.short_id,
      name: e.name,
      primaryKey: e.primary_key,
      attributes: byOwner.get(e.id) ?? [],
    })),
    procedures,
    procedureByKey,
    attributes,
    stateTasks,
    webhookEvents: new Set(rows.webhookEvents.map((r) => r.event)),
    loadedAt: Date.now(),
  };
}
