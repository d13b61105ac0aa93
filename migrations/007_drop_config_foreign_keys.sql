-- Processes and records keep their foreign keys to other data (record, users, pod) but not to
-- configuration rows (team, procedure, entity, state): those are never deleted (a workspace
-- apply never deletes, and no API does), every write takes them from the team's loaded
-- configuration, and checking them row by row was ~40% of the cost of a bulk insert.
alter table processes drop constraint processes_team_id_fkey;
alter table processes drop constraint processes_procedure_id_fkey;
alter table processes drop constraint processes_entity_id_fkey;
alter table processes drop constraint processes_state_id_fkey;
alter table records drop constraint records_team_id_fkey;
alter table records drop constraint records_entity_id_fkey;
