-- Uploaded photos: metadata here, bytes in the file storage under storage_key.
create table photos (
  id uuid primary key,
  team_id uuid not null references teams(id),
  filename text,
  filetype text not null,
  mime_type text not null,
  size_bytes integer not null,
  width integer,
  height integer,
  is_public boolean not null default false,
  user_id uuid references users(id),
  storage_key text not null,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index photos_team on photos (team_id);
