/** SQL of the delivery worker: claiming due deliveries in order, recording attempts. */
import type { Queryable } from '../../core/db/types.ts';
import type { SubscriptionRow } from './subscriptions-repo.ts';

export interface ClaimedDelivery {
  id: string;
  event: string;
  body: string;
  attempts: number;
  retry_from: Date;
}

/**
 * Claims up to `limit` due deliveries of a destination, oldest first, each the oldest waiting
 * one of its order key: a delivery waits while an earlier one with its key is pending (being
 * retried included), so a status never overtakes its message. The claim is a lease: a worker
 * that dies leaves them due again when it runs out.
 *
 * The first of each key comes from one ordered walk of the destination's pending deliveries
 * (the waiting index), whatever the backlog: an anti-join here was at the planner's mercy and
 * went quadratic on a large backlog. Two processes claiming at once may pick the same rows; the
 * second waits for the first's update and then skips them (the lease is checked again).
 */
export async function claimDue(db: Queryable, destination: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return db.query<ClaimedDelivery>(
    `update webhook_deliveries d set claimed_until = now() + $3 * interval '1 millisecond'
      where d.seq in (
        select seq from (
          select distinct on (order_key) seq, next_attempt_at, claimed_until
            from webhook_deliveries
           where destination = $1 and state = 'PENDING'
           order by order_key, seq) first_of_key
         where next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
         order by seq limit $2)
        and d.state = 'PENDING' and (d.claimed_until is null or d.claimed_until < now())
      returning d.id, d.event, coalesce(d.body, (select raw from whatsapp_inbound_events e where e.id = d.inbound_event_id)) as body,
                d.attempts, d.retry_from`,
    [destination, limit, leaseMs],
  );
}

export interface AttemptRecord {
  id: string;
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED';
  retryInMs: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
}

/**
 * Records the attempts and moves each delivery on: delivered, due again later, or failed. The
 * new attempt becomes the delivery's latest; the one it replaces (if any) moves to the log.
 * One statement.
 */
export async function recordAttempts(db: Queryable, attempts: AttemptRecord[]): Promise<void> {
  if (!attempts.length) return;
  await db.run(
    `with r as (
       select * from jsonb_to_recordset($1::jsonb) as r(id uuid, outcome text, retry_in_ms bigint, started_at timestamptz,
                                                       duration_ms int, status_code int, error text, excerpt text)),
     earlier as (
       insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
       select d.id, d.attempts, d.last_attempt_at, d.last_attempt_ms, d.last_attempt_status, d.last_attempt_error, d.last_attempt_excerpt
         from r join webhook_deliveries d on d.id = r.id where d.last_attempt_at is not null)
     update webhook_deliveries d set
        attempts = d.attempts + 1,
        claimed_until = null,
        state = case r.outcome when 'RETRY' then 'PENDING' else r.outcome end,
        next_attempt_at = case when r.outcome = 'RETRY' then now() + r.retry_in_ms * interval '1 millisecond' else d.next_attempt_at end,
        finished_at = case when r.outcome = 'RETRY' then null else now() end,
        last_error = r.error,
        last_attempt_at = r.started_at,
        last_attempt_ms = r.duration_ms,
        last_attempt_status = r.status_code,
        last_attempt_error = r.error,
        last_attempt_excerpt = r.excerpt
       from r where d.id = r.id`,
    [
      JSON.stringify(
        attempts.map((a) => ({
          id: a.id,
          outcome: a.outcome,
          retry_in_ms: a.retryInMs,
          started_at: a.startedAt.toISOString(),
          duration_ms: a.durationMs,
          status_code: a.statusCode,
          error: a.error,
          excerpt: a.excerpt,
        })),
      ),
    ],
  );
}

/** Makes a destination's deliveries waiting for a retry due now. */
export async function retryNow(db: Queryable, destination: string): Promise<void> {
  await db.run(
    `update webhook_deliveries set next_attempt_at = now()
      where destination = $1 and state = 'PENDING' and attempts > 0 and next_attempt_at > now()`,
    [destination],
  );
}

/** Ends every pending delivery of a destination that can no longer be delivered to. */
export async function failPending(db: Queryable, destination: string, reason: string): Promise<number> {
  return db.run(
    `update webhook_deliveries set state = 'FAILED', last_error = $2, finished_at = now(), claimed_until = null
      where destination = $1 and state = 'PENDING'`,
    [destination, reason],
  );
}

/** Destinations with a delivery due now and not claimed (only retries: `onlyRetries`), for the sweep. */
export async function dueDestinations(db: Queryable, onlyRetries: boolean): Promise<string[]> {
  const rows = await db.query<{ destination: string }>(
    `select distinct destination from webhook_deliveries
      where state = 'PENDING' and next_attempt_at <= now() and (claimed_until is null or claimed_until < now())
        and (attempts > 0 or not $1)`,
    [onlyRetries],
  );
  return rows.map((r) => r.destination);
}

/** Pending deliveries by kind of destination (`subscription`, `passthrough`, `chakra`), for /metrics. */
export async function pendingDeliveryCounts(db: Queryable): Promise<{ kind: string; count: number }[]> {
  return db.query<{ kind: string; count: number }>(
    `select case when subscription_id is not null then 'subscription' else split_part(destination, ':', 2) end as kind, count(*)::int as count
       from webhook_deliveries where state = 'PENDING' group by 1`,
  );
}

/** Forgets finished deliveries (and their attempts) older than `days`. */
export async function purgeFinished(db: Queryable, days: number): Promise<void> {
  await db.exec(
    // Hourly, so without an index of its own (one more index write per delivery costs more).
    `with old as (delete from webhook_deliveries where state <> 'PENDING' and finished_at < now() - interval '${Math.floor(days)} days' returning id)
     delete from webhook_attempts a using old where a.delivery_id = old.id`,
  );
}

export interface DestinationRow {
  team_id: string;
  url: string | null;
  hmac_secret_enc: string | null;
  /** Why nothing can be delivered there any more, if so. */
  gone: string | null;
  subscription_id: string | null;
}

/** Where a destination's deliveries go now (its URL may have changed since they were written). */
export async function findDestination(db: Queryable, destination: string): Promise<DestinationRow | undefined> {
  const [pluginId, kind] = destination.split(':');
  if (kind === undefined) {
    const [row] = await db.query<DestinationRow>(
      `select s.team_id, s.url, t.hmac_secret_enc, s.id as subscription_id,
              case when not s.enabled then 'the subscription is disabled' end as gone
         from webhook_subscriptions s join teams t on t.id = s.team_id where s.id = $1`,
      [pluginId],
    );
    return row;
  }
  const [row] = await db.query<{ team_id: string; webhook_config: Record<string, unknown>; hmac_secret_enc: string | null }>(
    'select p.team_id, p.webhook_config, t.hmac_secret_enc from whatsapp_plugins p join teams t on t.id = p.team_id where p.id = $1',
    [pluginId],
  );
  if (!row) return undefined;
  const config = row.webhook_config;
  const url = kind === 'passthrough' ? config.passThroughWebhookUrl : config.enableChakraWebhook === true ? config.chakraWebhookUrl : null;
  const has = typeof url === 'string' && url !== '';
  return {
    team_id: row.team_id,
    url: has ? url : null,
    hmac_secret_enc: row.hmac_secret_enc,
    subscription_id: null,
    gone: has
      ? null
      : kind === 'passthrough'
        ? "the plugin's pass-through webhook URL was removed"
        : "the plugin's Chakra webhook was turned off",
  };
}

/**
 * Notes a subscription's latest attempts: any success clears its failing streak, a failure
 * starts one. Returns when the streak began (null when healthy).
 */
export async function noteSubscriptionHealth(db: Queryable, subscriptionId: string, succeeded: boolean): Promise<Date | null> {
  const [row] = await db.query<{ failing_since: Date | null }>(
    `update webhook_subscriptions set failing_since = case when $2 then null else coalesce(failing_since, now()) end
      where id = $1 returning failing_since`,
    [subscriptionId, succeeded],
  );
  return row?.failing_since ?? null;
}

/** Disables a subscription that kept failing, and ends its pending deliveries; one transaction (the caller's). */
export async function disableSubscription(tx: Queryable, subscriptionId: string, reason: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx.query<SubscriptionRow>(
    `update webhook_subscriptions set enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now()
      where id = $1 and enabled returning *`,
    [subscriptionId, reason],
  );
  if (row) await failPending(tx, subscriptionId, `not delivered: the subscription was disabled (${reason})`);
  return row;
}
