-- Background jobs (bulk create / bulk update) and their entries, one per submitted item.
-- Entry counts live on the job row, moved in the same transaction as the entries, so polling
-- a job never counts 100,000 rows.
create table background_jobs (
  id uuid primary key,
  team_id uuid not null references teams(id),
  procedure_id uuid not null references procedures(id),
  operation text not null check (operation in ('create', 'update')),
  completion_status text not null default 'NOT_STARTED'
    check (completion_status in ('NOT_STARTED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
  status_message text,
  total integer not null,
  invalid_count integer not null default 0,
  not_started_count integer not null,
  success_count integer not null default 0,
  error_count integer not null default 0,
  -- entries before this index are final: the worker resumes here
  next_idx integer not null default 0,
  -- who submitted it and under which Idempotency-Key (hashed with the body): a retried submit
  -- finds its job here even when the HTTP-level replay record was lost
  submitted_by text,
  submit_key text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  started_at timestamptz(3),
  completed_at timestamptz(3)
);
create unique index background_jobs_submit_key on background_jobs (team_id, submit_key) where submit_key is not null;
create index background_jobs_unfinished on background_jobs (team_id) where completion_status in ('NOT_STARTED', 'IN_PROGRESS');

-- Entries are the submitted items, written once at submit; what the worker made of each
-- (INVALID, SUCCESS or ERROR) goes into background_job_results. Neither table is updated in
-- place, so a 10,000-item job is plain inserts. The item is kept as `json` (stored as sent,
-- half the cost of jsonb to write). No foreign key on job_id: both tables are written only in
-- transactions that hold the job, and a per-row key check would double the cost of a submit.
create table background_job_entries (
  job_id uuid not null,
  idx integer not null,
  input json not null,
  primary key (job_id, idx)
);

create table background_job_results (
  job_id uuid not null,
  idx integer not null,
  completion_status text not null check (completion_status in ('INVALID', 'SUCCESS', 'ERROR')),
  status_message text,
  process_id uuid,
  created_at timestamptz(3) not null default now(),
  primary key (job_id, idx)
);

-- Events for other systems (webhooks), written in the transaction of the change they describe.
create table outbox_events (
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  team_id uuid not null references teams(id),
  event text not null,
  payload jsonb not null,
  created_at timestamptz(3) not null default now()
);
create index outbox_events_team on outbox_events (team_id, seq);
