-- Each WABA's message templates as Meta last listed them: template sends are checked and built
-- from here. Refreshed from Meta when a send names a template this list does not have.
create table whatsapp_templates (
  waba_id text not null,
  template_id text not null,
  team_id uuid not null references teams(id),
  name text not null,
  language text not null,
  status text not null,
  category text not null,
  parameter_format text,
  components jsonb not null default '[]',
  refreshed_at timestamptz(3) not null default now(),
  primary key (waba_id, template_id)
);
create index whatsapp_templates_name on whatsapp_templates (waba_id, name);
