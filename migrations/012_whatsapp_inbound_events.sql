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

-- Delivery statuses Meta sent for a message we do not know (yet): a status can overtake the
-- answer that gives us the wamid. Applied when a message with that wamid is stored.
create table whatsapp_pending_statuses (
  team_id uuid not null,
  external_id text not null,
  delivery_status text not null,
  error jsonb,
  received_at timestamptz(3) not null default now(),
  primary key (team_id, external_id, delivery_status)
);

-- The order statuses only move forward in: SENT < DELIVERED < READ, FAILED last and for good.
create function whatsapp_status_rank(status text) returns int language sql immutable as $$
  select case status when 'QUEUED' then 0 when 'SENT' then 1 when 'DELIVERED' then 2 when 'READ' then 3 when 'FAILED' then 4 else -1 end
$$;

-- A message that gets its wamid (stored with it, or settled by the send queue) takes the
-- highest status that waited for it. A trigger, so that every way a wamid arrives is covered.
create function whatsapp_apply_pending_statuses() returns trigger language plpgsql as $$
declare
  pending record;
begin
  select p.delivery_status, p.error into pending from whatsapp_pending_statuses p
   where p.team_id = new.team_id and p.external_id = new.external_id
   order by whatsapp_status_rank(p.delivery_status) desc limit 1;
  if found and whatsapp_status_rank(pending.delivery_status) > whatsapp_status_rank(new.delivery_status) then
    new.delivery_status := pending.delivery_status;
    if pending.delivery_status = 'FAILED' then new.error := pending.error; end if;
  end if;
  if found then
    delete from whatsapp_pending_statuses where team_id = new.team_id and external_id = new.external_id;
  end if;
  return new;
end
$$;
create trigger chat_messages_pending_statuses
  before insert or update of external_id on chat_messages
  for each row when (new.external_id is not null)
  execute function whatsapp_apply_pending_statuses();
