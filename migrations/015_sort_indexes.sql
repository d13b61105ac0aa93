-- Sorting lists by any field (docs/api.md, "Sorting"): attributes may ask for a sort index
-- (docs/workspace.md, `indexed`), and the two other time columns get theirs. The key
-- expressions are exactly those src/features/processes/sort.ts orders by.
alter table attributes add column is_indexed boolean not null default false;
create index processes_updated_list on processes (procedure_id, updated_at, id) where not is_deleted;
create index processes_next_action_list on processes (procedure_id, (next_action_at is null), (coalesce(next_action_at, to_timestamp(0))), id) where not is_deleted;
