-- The chat store: every WhatsApp message sent or received through a plugin is a chat message,
-- in a chat per (sending phone number, customer), with the customer as a contact.
create table contacts (
  id uuid primary key,
  team_id uuid not null references teams(id),
  phone_number text not null,
  name text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  unique (team_id, phone_number)
);

create table chats (
  id uuid primary key,
  team_id uuid not null references teams(id),
  plugin_id uuid not null references whatsapp_plugins(id),
  whatsapp_phone_number_id text not null,
  contact_id uuid not null references contacts(id),
  status text not null default 'OPEN' check (status in ('OPEN', 'CLOSED')),
  last_message_at timestamptz(3),
  last_incoming_message_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  unique (whatsapp_phone_number_id, contact_id)
);
create index chats_team on chats (team_id, last_message_at desc);

create table chat_messages (
  id uuid primary key,
  team_id uuid not null references teams(id),
  chat_id uuid not null references chats(id),
  contact_id uuid not null references contacts(id),
  plugin_id uuid not null references whatsapp_plugins(id),
  procedure_id uuid,
  process_id uuid,
  -- Meta's message id (wamid), once Meta has accepted the message
  external_id text,
  direction text not null check (direction in ('OUTGOING', 'INCOMING')),
  data_type text not null,
  text text,
  -- the message as sent to (or received from) Meta
  payload jsonb not null,
  delivery_status text not null check (delivery_status in ('QUEUED', 'SENT', 'DELIVERED', 'READ', 'FAILED')),
  error jsonb,
  source_type text not null default 'API',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create unique index chat_messages_external on chat_messages (team_id, external_id) where external_id is not null;
create index chat_messages_chat on chat_messages (chat_id, created_at desc, id);
