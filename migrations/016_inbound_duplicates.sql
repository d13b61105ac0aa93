-- Meta redelivers an event it did not see our 200 for. Each message, status (wamid + status),
-- echo and other change is remembered per plugin when first processed, so a redelivery is
-- forwarded to nobody (docs/webhooks.md, "Duplicate deliveries from Meta"). Forgotten after 8
-- days: Meta stops redelivering after 7.
create table whatsapp_inbound_seen (
  plugin_id uuid not null,
  item text not null,
  seen_at timestamptz(3) not null default now(),
  primary key (plugin_id, item)
);
create index whatsapp_inbound_seen_age on whatsapp_inbound_seen (seen_at);

-- An event that cannot be processed even alone is set aside with the reason, never retried
-- forever in front of the events behind it (docs/whatsapp.md, "Events set aside").
alter table whatsapp_inbound_events add column error text;
