-- Platform core: teams and their configuration objects, API keys, idempotency records.
-- Every table that holds team data carries team_id; every query filters on it.

create table teams (
  id uuid primary key,
  short_id text not null unique,
  name text not null,
  timezone text not null default '+0000',
  hmac_secret_enc text,                      -- AES-256-GCM, see src/core/secrets.ts
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table roles (
  id uuid primary key,
  team_id uuid not null references teams(id),
  short_id text not null,
  name text not null,
  privileges text[] not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, short_id)
);

create table pods (
  id uuid primary key,
  team_id uuid not null references teams(id),
  short_id text not null,
  name text not null,
  parent_id uuid references pods(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, short_id)
);

create table users (
  id uuid primary key,
  team_id uuid not null references teams(id),
  username text not null,
  first_name text,
  middle_name text,
  last_name text,
  display_name text,
  email text,
  phone text,
  timezone text,
  bio text,
  gender text,
  dob bigint,
  profile_image_url text,
  cover_image_url text,
  data jsonb,
  onboarding_data jsonb,
  availability_status text not null default 'AVAILABLE',
  is_active boolean not null default true,
  is_deleted boolean not null default false,
  deleted_at timestamptz,
  role_id uuid references roles(id),
  pod_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_team_username on users (team_id, lower(username));

create table task_types (
  id uuid primary key,
  team_id uuid not null references teams(id),
  short_id text not null,
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, short_id)
);

create table entities (
  id uuid primary key,
  team_id uuid not null references teams(id),
  short_id text not null,
  name text not null,
  primary_key text,                          -- attribute shortId
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, short_id)
);

create table procedures (
  id uuid primary key,
  team_id uuid not null references teams(id),
  short_id text not null,
  name text not null,
  entity_id uuid references entities(id),
  primary_key text,                          -- attribute shortId
  primary_identifier text,                   -- attribute shortId
  whatsapp_phone_attribute text,             -- attribute shortId
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, short_id)
);

create table states (
  id uuid primary key,
  team_id uuid not null references teams(id),
  procedure_id uuid not null references procedures(id),
  short_id text not null,
  name text not null,
  status text not null check (status in ('OPEN', 'COMPLETED', 'CANCELLED')),
  position integer not null,
  is_default_start boolean not null default false,
  is_default_completed boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (procedure_id, short_id)
);

create table state_tasks (
  id uuid primary key,
  team_id uuid not null references teams(id),
  procedure_id uuid not null references procedures(id),
  short_id text not null,
  name text not null,
  task_type_id uuid references task_types(id),
  state_ids uuid[] not null default '{}',    -- empty: allowed in every state
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (procedure_id, short_id)
);

-- Attributes of an entity, a procedure or a state task (owner_kind says which).
create table attributes (
  id uuid primary key,
  team_id uuid not null references teams(id),
  owner_kind text not null check (owner_kind in ('entity', 'procedure', 'state_task')),
  owner_id uuid not null,
  short_id text not null,
  name text not null,
  type text not null,
  options jsonb,
  json_schema jsonb,
  is_required boolean not null default false,
  position integer not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (owner_id, short_id)
);
create index attributes_team on attributes (team_id);

create table whatsapp_plugins (
  id uuid primary key,
  team_id uuid not null references teams(id),
  name text not null,
  graph_api_url text not null,
  access_token_enc text,
  app_secret_enc text,
  verify_token_enc text,
  messages_per_second integer not null default 80,
  webhook_config jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index whatsapp_plugins_team on whatsapp_plugins (team_id);

create table whatsapp_business_accounts (
  waba_id text primary key,
  team_id uuid not null references teams(id),
  plugin_id uuid not null references whatsapp_plugins(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table whatsapp_phone_numbers (
  phone_number_id text primary key,
  team_id uuid not null references teams(id),
  plugin_id uuid not null references whatsapp_plugins(id),
  waba_id text not null references whatsapp_business_accounts(waba_id),
  display_phone_number text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key,
  team_id uuid not null references teams(id),
  role_id uuid not null references roles(id),
  name text not null,
  description text,
  key_hash text not null unique,             -- hex SHA-256 of the whole key; the key itself is never stored
  key_prefix text not null,                  -- first characters, to tell keys apart in listings
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index api_keys_team on api_keys (team_id);

-- Stored responses for Idempotency-Key replays (kept 24 h).
create table idempotency_keys (
  owner text not null,                       -- api key id, or 'admin-token'
  key text not null,
  method text not null,
  path text not null,
  body_hash text not null,
  status_code integer,                       -- null while the first request is still running
  response_body text,
  response_type text,
  created_at timestamptz not null default now(),
  primary key (owner, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
