-- Every process of a procedure with an entity carries a record (docs/api.md, "Record linking"):
-- processes created before that rule without one get a new, empty record of their entity.
with missing as (
  select id as process_id, gen_random_uuid() as record_id, team_id, entity_id, created_at
    from processes
   where record_id is null and entity_id is not null
), inserted as (
  insert into records (id, team_id, entity_id, data, created_at, updated_at)
  select record_id, team_id, entity_id, '{}'::jsonb, created_at, created_at from missing
)
update processes p set record_id = m.record_id from missing m where p.id = m.process_id;
