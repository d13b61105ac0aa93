-- Tasks: a user interaction against a process (a call, a meeting), shaped by a state task.
create table tasks (
  id uuid primary key,
  team_id uuid not null references teams(id),
  process_id uuid not null references processes(id),
  record_id uuid references records(id),
  state_task_id uuid not null references state_tasks(id),
  task_type_id uuid references task_types(id),
  title text,
  description text,
  status text not null check (status in ('OPEN', 'COMPLETED', 'CANCELLED')),
  assigned_to uuid references users(id),
  created_by uuid references users(id),
  due_by timestamptz(3),
  starts_at timestamptz(3),
  ends_at timestamptz(3),
  started_at timestamptz(3),
  completed_at timestamptz(3),
  cancelled_at timestamptz(3),
  data jsonb not null default '{}',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index tasks_process on tasks (process_id, created_at desc);
create index tasks_team on tasks (team_id, created_at desc);
