-- Records (instances of an entity, e.g. a customer) and processes (instances of a procedure,
-- e.g. a lead), each with their attribute values in `data`.

create table records (
  id uuid primary key,
  team_id uuid not null references teams(id),
  entity_id uuid not null references entities(id),
  data jsonb not null default '{}',
  -- the entity's primary-key attribute value, as text, for linking by value
  pk_value text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create unique index records_entity_pk on records (entity_id, pk_value) where pk_value is not null;
create index records_team on records (team_id);

create table processes (
  id uuid primary key,
  team_id uuid not null references teams(id),
  procedure_id uuid not null references procedures(id),
  entity_id uuid references entities(id),
  record_id uuid references records(id),
  created_by uuid references users(id),
  assigned_to uuid references users(id),
  belongs_to uuid references pods(id),
  status text not null check (status in ('OPEN', 'COMPLETED', 'CANCELLED')),
  state_id uuid not null references states(id),
  next_action_at timestamptz(3),
  data jsonb not null default '{}',
  -- the procedure's primary-key attribute value, as text; unique among live processes
  pk_value text,
  is_deleted boolean not null default false,
  deleted_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create unique index processes_procedure_pk on processes (procedure_id, pk_value) where pk_value is not null and not is_deleted;
create index processes_list on processes (team_id, procedure_id, created_at desc, id) where not is_deleted;
create index processes_data on processes using gin (data jsonb_path_ops);
create index processes_record on processes (record_id);
