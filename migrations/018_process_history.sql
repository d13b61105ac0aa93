-- Every process keeps its history (docs/console.md#history): one row per change, written in the
-- transaction that makes the change, for API, bulk and console writes alike. The same rows are
-- the live event stream's source (GET /v1/ext/events): `txid` is the writing transaction, so a
-- reader that only takes rows of transactions older than every running one
-- (pg_snapshot_xmin) never skips a row that commits late with a smaller id.
create table process_history (
  id bigint generated always as identity primary key,
  txid xid8 not null default pg_current_xact_id(),
  team_id uuid not null,
  procedure_id uuid not null,
  process_id uuid not null,
  -- created | updated | deleted | task_created | task_completed | task_cancelled
  kind text not null,
  actor_type text not null,                  -- key | user | system
  actor_id text,
  actor_name text not null,
  -- updated: [{field, old, new}] (field: an attribute shortId, or state/status/assignedTo/nextActionAt);
  -- task_*: {taskId, name, ...}; created/deleted: null or a short summary
  changes jsonb,
  created_at timestamptz not null default now()
);
create index process_history_process on process_history (process_id, id desc);
create index process_history_stream on process_history (team_id, txid, id);
