/** SQL for Meta's webhook events as received. */
import type { Queryable } from '../../core/db/types.ts';

export interface NewInboundEvent {
  id: string;
  teamId: string;
  pluginId: string;
  raw: string;
}

/** Stores events as received, in one statement. */
export async function storeInboundEvents(db: Queryable, events: NewInboundEvent[]): Promise<void> {
  await db.run(
    `insert into whatsapp_inbound_events (id, team_id, plugin_id, raw)
     select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])`,
    [events.map((e) => e.id), events.map((e) => e.teamId), events.map((e) => e.pluginId), events.map((e) => e.raw)],
  );
}

export interface InboundEventRow {
  id: string;
  team_id: string;
  plugin_id: string;
  raw: string;
}

/**
 * Makes the caller's transaction the plugin's only event processor until it ends: with several
 * workers, batches of one plugin are processed one after another, so deliveries keep Meta's order.
 */
export async function lockPluginEvents(tx: Queryable, pluginId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('whatsapp-inbound'), hashtext($1))", [pluginId]);
}

/** Up to `limit` unprocessed events of a plugin, oldest first (the caller holds the plugin's lock). */
export async function claimUnprocessed(tx: Queryable, pluginId: string, limit: number): Promise<InboundEventRow[]> {
  return tx.query<InboundEventRow>(
    `select id, team_id, plugin_id, raw from whatsapp_inbound_events
      where plugin_id = $1 and processed_at is null order by seq limit $2`,
    [pluginId, limit],
  );
}

export async function markProcessed(tx: Queryable, ids: string[]): Promise<void> {
  await tx.run('update whatsapp_inbound_events set processed_at = now() where id = any($1::uuid[])', [ids]);
}

/** Sets an event aside: processed as far as the queue is concerned, with the reason it could not be. */
export async function setAside(db: Queryable, id: string, reason: string): Promise<void> {
  await db.run('update whatsapp_inbound_events set processed_at = now(), error = $2 where id = $1', [id, reason.slice(0, 2000)]);
}

/** Remembers items (duplicates.ts) for the plugin; returns those it had not seen before. */
export async function claimNewItems(tx: Queryable, pluginId: string, items: string[]): Promise<Set<string>> {
  if (!items.length) return new Set();
  const rows = await tx.query<{ item: string }>(
    'insert into whatsapp_inbound_seen (plugin_id, item) select $1, unnest($2::text[]) on conflict do nothing returning item',
    [pluginId, [...new Set(items)]],
  );
  return new Set(rows.map((r) => r.item));
}

/** Forgets items older than Meta's redelivery window, a slice at a time. */
export async function forgetOldItems(db: Queryable): Promise<void> {
  await db.run(
    `delete from whatsapp_inbound_seen where ctid = any(array(
       select ctid from whatsapp_inbound_seen where seen_at < now() - interval '8 days' limit 10000))`,
  );
}

/** Plugins with events waiting, for the sweep. */
export async function pluginsWithUnprocessed(db: Queryable): Promise<string[]> {
  return (await db.query<{ plugin_id: string }>('select distinct plugin_id from whatsapp_inbound_events where processed_at is null')).map(
    (r) => r.plugin_id,
  );
}

/** Phone number ids of a plugin (events for any other number are not this plugin's to store). */
export async function numbersOfPlugin(db: Queryable, pluginId: string): Promise<Set<string>> {
  return new Set(
    (
      await db.query<{ phone_number_id: string }>('select phone_number_id from whatsapp_phone_numbers where plugin_id = $1', [pluginId])
    ).map((r) => r.phone_number_id),
  );
}

/**
 * What a status did: for a stored message, whether it is above every status Meta reported for it
 * before (`advanced`); for one not stored yet, whether this status is waiting for the first time.
 */
export type StatusOutcome = { message: { id: string; direction: string }; advanced: boolean } | { message: null; fresh: boolean };

/**
 * Moves a message's status forward (never back; FAILED last and for good). A status for a
 * message not stored yet waits in whatsapp_pending_statuses for its wamid to arrive.
 */
export async function applyStatus(
  tx: Queryable,
  teamId: string,
  wamid: string,
  status: string,
  error: object | null,
): Promise<StatusOutcome> {
  // Every part of one statement sees the rows as they were before it: `before` is the old status.
  const [row] = await tx.query<{ id: string | null; direction: string | null; advanced: boolean; fresh: boolean }>(
    `with before as (
       select id, direction, reported_status from chat_messages where team_id = $1 and external_id = $2),
     known as (
       update chat_messages set
         delivery_status = case when whatsapp_status_rank($3) > whatsapp_status_rank(delivery_status) then $3 else delivery_status end,
         reported_status = case when whatsapp_status_rank($3) > whatsapp_status_rank(reported_status) then $3 else reported_status end,
         error = case when $3 = 'FAILED' and delivery_status <> 'FAILED' then $4::jsonb else error end,
         updated_at = case when whatsapp_status_rank($3) > whatsapp_status_rank(delivery_status) then now() else updated_at end
       where team_id = $1 and external_id = $2),
     pending as (
       insert into whatsapp_pending_statuses (team_id, external_id, delivery_status, error)
       select $1, $2, $3, $4::jsonb where not exists (select 1 from before)
       on conflict do nothing
       returning 1)
     select b.id, b.direction, whatsapp_status_rank($3) > whatsapp_status_rank(b.reported_status) as advanced, false as fresh from before b
     union all
     select null, null, false, exists (select 1 from pending) where not exists (select 1 from before)`,
    [teamId, wamid, status, error === null ? null : JSON.stringify(error)],
  );
  return row.id ? { message: { id: row.id, direction: row.direction! }, advanced: row.advanced } : { message: null, fresh: row.fresh };
}

/**
 * Applies statuses left waiting for a message that is stored after all (a status processed in
 * the instant a send's wamid was being recorded misses the trigger), and forgets statuses that
 * waited a week for a message that never came (sent from outside this server).
 */
export async function applyLeftoverStatuses(db: Queryable): Promise<void> {
  await db.exec(
    `with found as (
       delete from whatsapp_pending_statuses p using chat_messages m
        where m.team_id = p.team_id and m.external_id = p.external_id
       returning p.*),
     best as (
       select distinct on (team_id, external_id) * from found
        order by team_id, external_id, whatsapp_status_rank(delivery_status) desc)
     update chat_messages m
        set delivery_status = best.delivery_status, reported_status = best.delivery_status, updated_at = now(),
            error = case when best.delivery_status = 'FAILED' then best.error else m.error end
       from best
      where m.team_id = best.team_id and m.external_id = best.external_id
        and whatsapp_status_rank(best.delivery_status) > whatsapp_status_rank(m.delivery_status);
     delete from whatsapp_pending_statuses where received_at < now() - interval '7 days';`,
  );
}
