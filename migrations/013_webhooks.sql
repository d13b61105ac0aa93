-- Outbound webhooks. A delivery row is the outbox: it is written in the transaction of the change
-- it reports (a process write, a bulk chunk, a processed Meta event) and delivered from here.

-- A team's platform event subscriptions (POST /v1/ext/webhooks).
create table webhook_subscriptions (
  id uuid primary key,
  team_id uuid not null references teams(id),
  url text not null,
  events text[] not null,
  description text,
  enabled boolean not null default true,
  -- First failed attempt since the last success; 24 h of failures disables the subscription.
  failing_since timestamptz(3),
  disabled_at timestamptz(3),
  disabled_reason text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index webhook_subscriptions_team on webhook_subscriptions (team_id, created_at, id);

-- One event for one destination. `destination` is a subscription id, or `<pluginId>:passthrough`
-- / `<pluginId>:chakra` for a WhatsApp plugin's webhooks. Deliveries of one destination that
-- share an `order_key` (a process, a customer's phone) go out one at a time in `seq` order.
create table webhook_deliveries (
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  team_id uuid not null,
  destination text not null,
  subscription_id uuid,
  event text not null,
  order_key text not null,
  -- The body to send; for a pass-through delivery, null: it is the stored Meta event's raw bytes.
  body text,
  inbound_event_id uuid,
  state text not null default 'PENDING',        -- PENDING | DELIVERED | FAILED
  attempts int not null default 0,
  next_attempt_at timestamptz(3) not null default now(),
  claimed_until timestamptz(3),
  -- The retry window (WEBHOOK_RETRY_FOR_SECONDS) counts from here: the event, or its last replay.
  retry_from timestamptz(3) not null default now(),
  -- Why it is where it is (the last attempt's error, or why it was given up).
  last_error text,
  -- The latest attempt; earlier ones are moved to webhook_attempts when a new one is made, so a
  -- delivery that succeeds at once writes no attempt row.
  last_attempt_at timestamptz(3),
  last_attempt_ms int,
  last_attempt_status int,
  last_attempt_error text,
  last_attempt_excerpt text,
  created_at timestamptz(3) not null default now(),
  finished_at timestamptz(3)
) with (fillfactor = 80);  -- room on each page, so that claiming a delivery is a HOT update (no index writes)
-- The claim walks a destination's pending deliveries by key to find the first of each.
create index webhook_deliveries_waiting on webhook_deliveries (destination, order_key, seq) where state = 'PENDING';
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'PENDING';
create index webhook_deliveries_of_subscription on webhook_deliveries (subscription_id, seq) where subscription_id is not null;

-- Every attempt but a delivery's latest (that one is on the delivery): when, how long, what came back.
create table webhook_attempts (
  delivery_id uuid not null,
  attempt int not null,
  started_at timestamptz(3) not null,
  duration_ms int not null,
  status_code int,
  error text,
  response_excerpt text,
  primary key (delivery_id, attempt)
);

-- Replaced by webhook_deliveries (nothing read it).
drop table outbox_events;

-- The highest status Meta has reported for a message. Its delivery_status can be SENT before
-- Meta says so (Meta accepted our send); a status event is news for the webhooks only when it
-- goes above what Meta reported before, so each status reached is forwarded once.
alter table chat_messages add column reported_status text;

create or replace function whatsapp_apply_pending_statuses() returns trigger language plpgsql as $$
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
    if whatsapp_status_rank(pending.delivery_status) > whatsapp_status_rank(new.reported_status) then
      new.reported_status := pending.delivery_status;
    end if;
    delete from whatsapp_pending_statuses where team_id = new.team_id and external_id = new.external_id;
  end if;
  return new;
end
$$;

-- Meta's events are processed (and forwarded) in the order they were stored; several stored by
-- one statement share a received_at, so the order is a sequence.
alter table whatsapp_inbound_events add column seq bigint generated always as identity;
create index whatsapp_inbound_events_queue on whatsapp_inbound_events (plugin_id, seq) where processed_at is null;
