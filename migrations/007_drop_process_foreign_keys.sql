-- Processes and records drop their foreign keys. Every id they hold is written by this server
-- from a checked source: configuration rows (team, procedure, entity, state) that are never
-- deleted (a workspace apply never deletes, and no API does), users and pods that are only ever
-- soft-deleted, a user reference resolved within the team, a record this server just found or
-- created. Checked row by row, the keys cost about 40 % of a bulk insert (measured with
-- auto_explain: ~25 ms of trigger time per 1,000 processes).
alter table processes drop constraint processes_team_id_fkey;
alter table processes drop constraint processes_procedure_id_fkey;
alter table processes drop constraint processes_entity_id_fkey;
alter table processes drop constraint processes_state_id_fkey;
alter table processes drop constraint processes_record_id_fkey;
alter table processes drop constraint processes_created_by_fkey;
alter table processes drop constraint processes_assigned_to_fkey;
alter table processes drop constraint processes_belongs_to_fkey;
alter table records drop constraint records_team_id_fkey;
alter table records drop constraint records_entity_id_fkey;
