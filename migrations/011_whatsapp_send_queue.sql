-- Durable template sends (docs/whatsapp.md#pacing-queued-sends-and-retries). A queued send is a
-- QUEUED chat message plus a row here; the row goes when the message is SENT or FAILED.
create table whatsapp_send_queue (
  message_id uuid primary key,
  -- submission order: sends of one number go out first come, first served
  seq bigint generated always as identity,
  team_id uuid not null,
  plugin_id uuid not null,
  phone_number_id text not null,
  attempts integer not null default 0,
  -- due time; a sender that claims the row pushes it into the future as its lease
  next_attempt_at timestamptz(3) not null default now(),
  last_error jsonb
);
create index whatsapp_send_queue_due on whatsapp_send_queue (phone_number_id, next_attempt_at, seq);

-- One row per sending number, shared by every server process: the next free send slot (pacing)
-- and which process is draining the number's queue right now (lease). Written for every send,
-- and worth nothing after a crash, so unlogged: no WAL, no flush to disk per send.
create unlogged table whatsapp_send_lanes (
  phone_number_id text primary key,
  next_slot_at timestamptz not null default now(),
  lease_owner uuid,
  lease_until timestamptz
);
