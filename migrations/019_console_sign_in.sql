-- Console sign-in (docs/console.md#sign-in): users may hold a password (scrypt, never the
-- password itself), sessions are server-side rows (revocable), setup links are single-use,
-- the CSRF token is derived from the session token with a server key (never stored),
-- and failed sign-ins are counted per account and per address to slow guessing.
alter table users add column password_hash text;
alter table users add column password_changed_at timestamptz;

create table user_sessions (
  id uuid primary key,
  token_hash text not null unique,           -- SHA-256 of the cookie's token
  user_id uuid not null references users(id),
  team_id uuid not null references teams(id),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,           -- absolute expiry; the idle one is last_seen_at + SESSION_IDLE_MINUTES
  revoked_at timestamptz,
  address text,
  user_agent text
);
create index user_sessions_user on user_sessions (user_id) where revoked_at is null;

create table user_setup_links (
  token_hash text primary key,               -- SHA-256 of the link's token
  user_id uuid not null references users(id),
  team_id uuid not null references teams(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index user_setup_links_user on user_setup_links (user_id);

-- 'account:<login>' and 'address:<ip>'; a success clears the account's row.
create table sign_in_failures (
  key text primary key,
  failures integer not null,
  last_failure_at timestamptz not null
);
