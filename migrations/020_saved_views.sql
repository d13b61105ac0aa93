-- Saved views of a procedure's processes (docs/console.md#views): a table or board setup —
-- columns, sort, filter — kept under a name, for its owner or for the whole team.
create table saved_views (
  id uuid primary key,
  team_id uuid not null references teams(id),
  procedure_id uuid not null references procedures(id),
  owner_id text,                              -- principal owner id (`user:<id>` or a key id); null: the team's
  name text not null,
  layout text not null check (layout in ('table', 'board')),
  columns jsonb not null default '[]',
  sort jsonb,
  "where" jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index saved_views_name on saved_views (team_id, procedure_id, coalesce(owner_id, ''), lower(name));
