/** Reads a team's whole configuration (every object the workspace declares) in one pass. */
import type { Queryable } from '../../core/db/types.ts';

export async function loadTeamConfigRows(db: Queryable, teamId: string) {
  const [teams, roles, pods, taskTypes, entities, procedures, states, stateTasks, attributes, webhookEvents] = await Promise.all([
    db.query('select * from teams where id = $1', [teamId]),
    db.query('select * from roles where team_id = $1 order by short_id', [teamId]),
    db.query('select * from pods where team_id = $1 order by short_id', [teamId]),
    db.query('select * from task_types where team_id = $1 order by short_id', [teamId]),
    db.query('select * from entities where team_id = $1 order by short_id', [teamId]),
    db.query('select * from procedures where team_id = $1 order by short_id', [teamId]),
    db.query('select * from states where team_id = $1 order by procedure_id, position', [teamId]),
    db.query('select * from state_tasks where team_id = $1 order by procedure_id, short_id', [teamId]),
    db.query('select * from attributes where team_id = $1 order by owner_id, position', [teamId]),
    db.query<{ event: string }>('select distinct unnest(events) as event from webhook_subscriptions where team_id = $1 and enabled', [
      teamId,
    ]),
  ]);
  return { team: teams[0], roles, pods, taskTypes, entities, procedures, states, stateTasks, attributes, webhookEvents };
}

export type TeamConfigRows = Awaited<ReturnType<typeof loadTeamConfigRows>>;
