/**
 * A procedure as the process page and the create form need it, read from the team's config:
 * its attributes in order, its states in order, its state tasks, its entity and that entity's
 * primary-key attribute; and the team's users by id, for names.
 */
import { useQuery } from '@tanstack/react-query';
import { client } from '../api.ts';
import type { AttributeDef } from './attribute-fields.tsx';
import { useTeamConfig } from './Shell.tsx';

type Config = Awaited<ReturnType<typeof client.config.get>>;

function describeProcedure(config: Config, ps: string) {
  const procedure = config.procedures.find((p) => p.shortId === ps || p.id === ps);
  if (!procedure) return undefined;
  const byId = new Map(config.attributes.map((a) => [a.id, a]));
  const attributes: AttributeDef[] = procedure.attributes.flatMap((id) => byId.get(id) ?? []);
  const entity = config.entities.find((e) => e.id === procedure.entity);
  return {
    procedure,
    attributes,
    states: [...procedure.states].sort((a, b) => a.order - b.order),
    stateTasks: config.stateTasks.filter((t) => t.procedure === procedure.id),
    entity,
    /** The linked record's attributes, for showing its data by name. */
    recordAttributes: entity ? entity.attributes.flatMap((id) => byId.get(id) ?? []) : [],
    primaryKey: procedure.primaryKey ? byId.get(procedure.primaryKey) : undefined,
    primaryIdentifier: procedure.primaryIdentifier ? byId.get(procedure.primaryIdentifier) : undefined,
    recordPrimaryKey: entity?.primaryKey ? byId.get(entity.primaryKey) : undefined,
    /** Every attribute by id (a state task's attributes included). */
    attributeById: byId,
  };
}

export type ProcedureInfo = NonNullable<ReturnType<typeof describeProcedure>>;

/** The procedure named in the route (shortId or id), once the config is in. */
export function useProcedure(ps: string) {
  const config = useTeamConfig();
  return { config, info: config.data ? describeProcedure(config.data, ps) : undefined };
}

/** The team's users by id, for names (assignee choices, history); empty until loaded. */
export function useUsers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: async () => (await client.users.list()).data,
    staleTime: 5 * 60_000,
  });
}

export const userName = (u: { displayName?: string | null; username: string; firstName?: string | null; lastName?: string | null }) =>
  u.displayName || [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username;
