/** SQL for a team's webhook subscriptions and their delivery log. */
import type { Queryable } from '../../core/db/types.ts';

export interface SubscriptionRow {
  id: string;
  team_id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertSubscription(
  db: Queryable,
  s: Pick<SubscriptionRow, 'id' | 'team_id' | 'url' | 'events' | 'description'>,
): Promise<SubscriptionRow> {
  const [row] = await db.query<SubscriptionRow>(
    'insert into webhook_subscriptions (id, team_id, url, events, description) values ($1, $2, $3, $4, $5) returning *',
    [s.id, s.team_id, s.url, s.events, s.description],
  );
  return row;
}

export async function countSubscriptions(db: Queryable, teamId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('select count(*)::int as n from webhook_subscriptions where team_id = $1', [teamId]);
  return row.n;
}

export async function listSubscriptions(db: Queryable, teamId: string): Promise<SubscriptionRow[]> {
  return db.query<SubscriptionRow>('select * from webhook_subscriptions where team_id = $1 order by created_at, id', [teamId]);
}

export async function findSubscription(db: Queryable, teamId: string, id: string, lock = false): Promise<SubscriptionRow | undefined> {
  const [row] = await db.query<SubscriptionRow>(
    `select * from webhook_subscriptions where team_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [teamId, id],
  );
  return row;
}

export async function updateSubscription(
  db: Queryable,
  id: string,
  changes: { url?: string; events?: string[]; description?: string | null; enable?: boolean; disable?: boolean },
): Promise<SubscriptionRow> {
  const [row] = await db.query<SubscriptionRow>(
    `update webhook_subscriptions set
        url = coalesce($2, url),
        events = coalesce($3, events),
        description = case when $4 then $5 else description end,
        enabled = case when $6 then true when $7 then false else enabled end,
        failing_since = case when $6 and not enabled then null else failing_since end,
        disabled_at = case when $6 then null when $7 and enabled then now() else disabled_at end,
        disabled_reason = case when $6 then null when $7 and enabled then 'disabled through the API' else disabled_reason end,
        updated_at = now()
      where id = $1 returning *`,
    [
      id,
      changes.url ?? null,
      changes.events ?? null,
      changes.description !== undefined,
      changes.description ?? null,
      changes.enable === true,
      changes.disable === true,
    ],
  );
  return row;
}

/** Removes a subscription with its deliveries and their attempts. */
export async function deleteSubscription(tx: Queryable, id: string): Promise<void> {
  await tx.run(
    `with gone as (delete from webhook_deliveries where destination = $1 returning id)
     delete from webhook_attempts a using gone where a.delivery_id = gone.id`,
    [id],
  );
  await tx.run('delete from webhook_subscriptions where id = $1', [id]);
}

export interface DeliveryRow {
  id: string;
  subscription_id: string | null;
  destination: string;
  event: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  finished_at: Date | null;
  last_attempt_status: number | null;
  last_error: string | null;
  body: string;
  attempt_log: {
    attempt: number;
    started_at: string;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
    response_excerpt: string | null;
  }[];
}

const DELIVERY_COLUMNS = `d.id, d.subscription_id, d.destination, d.event, d.state, d.attempts, d.created_at, d.next_attempt_at, d.finished_at,
  d.last_attempt_status, d.last_error,
  coalesce(d.body, (select raw from whatsapp_inbound_events e where e.id = d.inbound_event_id)) as body,
  coalesce((select json_agg(a order by a.attempt) from webhook_attempts a where a.delivery_id = d.id), '[]')::jsonb
    || case when d.last_attempt_at is null then '[]'::jsonb
            else jsonb_build_array(jsonb_build_object('attempt', d.attempts, 'started_at', d.last_attempt_at, 'duration_ms', d.last_attempt_ms,
                   'status_code', d.last_attempt_status, 'error', d.last_attempt_error, 'response_excerpt', d.last_attempt_excerpt)) end as attempt_log`;

/** A subscription's deliveries, newest first. */
export async function listDeliveries(
  db: Queryable,
  subscriptionId: string,
  q: { skip: number; limit: number; state?: string },
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from webhook_deliveries d
      where d.subscription_id = $1 and ($2::text is null or d.state = $2)
      order by d.seq desc offset $3 limit $4`,
    [subscriptionId, q.state ?? null, q.skip, q.limit],
  );
}

export async function findDelivery(db: Queryable, teamId: string, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.query<DeliveryRow>(`select ${DELIVERY_COLUMNS} from webhook_deliveries d where d.team_id = $1 and d.id = $2`, [
    teamId,
    id,
  ]);
  return row;
}

/** Sends a delivery again: due now, with a fresh retry window; same id, so receivers can deduplicate. */
export async function replayDelivery(db: Queryable, id: string): Promise<void> {
  await db.run(
    `update webhook_deliveries set state = 'PENDING', next_attempt_at = now(), retry_from = now(), finished_at = null
      where id = $1`,
    [id],
  );
}
