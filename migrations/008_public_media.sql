-- Files uploaded for WhatsApp messages (image, video, audio, document links that Meta fetches):
-- served without a key at /public-media/<team>/<date>/<uuid>.<ext>.
create table public_media (
  id uuid primary key,
  team_id uuid not null references teams(id),
  plugin_id uuid not null references whatsapp_plugins(id),
  -- the path under /public-media/, also the storage key's tail
  path text not null unique,
  mime text not null,
  size integer not null,
  filename text,
  created_at timestamptz(3) not null default now()
);
create index public_media_team on public_media (team_id);
