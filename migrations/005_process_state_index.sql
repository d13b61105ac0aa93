-- Lists filtered by state (pipeline views) in their default order, without walking past the
-- processes of other states.
create index processes_state_list on processes (team_id, procedure_id, state_id, created_at desc, id) where not is_deleted;
