-- Meta's webhook events, stored as received (the exact bytes Meta signed) before Meta gets its
-- 200; processing marks them.
create table whatsapp_inbound_events (
  id uuid primary key,
  team_id uuid not null,
  plugin_id uuid not null,
  raw text not null,
  received_at timestamptz(3) not null default now(),
  processed_at timestamptz(3)
);
create index whatsapp_inbound_events_unprocessed on whatsapp_inbound_events (received_at) where processed_at is null;
