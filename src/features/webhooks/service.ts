/** A team's webhook subscriptions, their delivery log and replays. */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { isUuid } from '../../core/uuid.ts';
import { wakeDestination } from './delivery-worker.ts';
import { checkDestinationUrl } from './destination-url.ts';
import * as repo from './subscriptions-repo.ts';
import { toDeliveryView, toSubscriptionView } from './views.ts';

/** Most subscriptions one team may hold. */
const MAX_SUBSCRIPTIONS = 100;

async function subscriptionOf(db: Queryable, teamId: string, id: string, lock = false): Promise<repo.SubscriptionRow> {
  const row = isUuid(id) ? await repo.findSubscription(db, teamId, id.toLowerCase(), lock) : undefined;
  if (!row) throw notFound('webhook subscription', id);
  return row;
}

export async function createSubscription(ctx: AppContext, teamId: string, input: { url: string; events: string[]; description?: string }) {
  const url = await checkDestinationUrl('url', input.url, ctx.config.webhooks.blockPrivateUrls);
  const row = await ctx.db.tx(async (tx) => {
    // Serialises creations of one team, so the limit holds under concurrent requests.
    await tx.query('select 1 from teams where id = $1 for update', [teamId]);
    if ((await repo.countSubscriptions(tx, teamId)) >= MAX_SUBSCRIPTIONS) {
      throw new AppError('CONFLICT', { path: 'url', reason: `a team may hold at most ${MAX_SUBSCRIPTIONS} webhook subscriptions` });
    }
    return repo.insertSubscription(tx, {
      id: randomUUID(),
      team_id: teamId,
      url,
      events: input.events,
      description: input.description ?? null,
    });
  });
  ctx.configCache.invalidate(teamId);
  return toSubscriptionView(row);
}

export async function listSubscriptions(db: Queryable, teamId: string) {
  return (await repo.listSubscriptions(db, teamId)).map(toSubscriptionView);
}

export async function getSubscription(db: Queryable, teamId: string, id: string) {
  return toSubscriptionView(await subscriptionOf(db, teamId, id));
}

export async function updateSubscription(
  ctx: AppContext,
  teamId: string,
  id: string,
  changes: { url?: string; events?: string[]; description?: string | null; enabled?: boolean },
) {
  const url = changes.url === undefined ? undefined : await checkDestinationUrl('url', changes.url, ctx.config.webhooks.blockPrivateUrls);
  const row = await ctx.db.tx(async (tx) => {
    const current = await subscriptionOf(tx, teamId, id, true);
    return repo.updateSubscription(tx, current.id, {
      url,
      events: changes.events,
      description: changes.description,
      enable: changes.enabled === true,
      disable: changes.enabled === false,
    });
  });
  ctx.configCache.invalidate(teamId);
  return toSubscriptionView(row);
}

export async function deleteSubscription(ctx: AppContext, teamId: string, id: string) {
  const row = await ctx.db.tx(async (tx) => {
    const current = await subscriptionOf(tx, teamId, id, true);
    await repo.deleteSubscription(tx, current.id);
    return current;
  });
  ctx.configCache.invalidate(teamId);
  return toSubscriptionView(row);
}

export async function listDeliveries(db: Queryable, teamId: string, id: string, query: { skip: number; limit: number; state?: string }) {
  const subscription = await subscriptionOf(db, teamId, id);
  const rows = await repo.listDeliveries(db, subscription.id, { ...query, limit: query.limit + 1 });
  return { page: rows.slice(0, query.limit).map(toDeliveryView), meta: { hasMore: rows.length > query.limit } };
}

/**
 * Sends a delivery again, with the same id (receivers deduplicate on X-Chakra-Delivery-Id) and a
 * fresh retry window. A delivery whose subscription is disabled cannot be replayed until the
 * subscription is enabled again.
 */
export async function replayDelivery(ctx: AppContext, teamId: string, id: string) {
  const delivery = await ctx.db.tx(async (tx) => {
    const found = isUuid(id) ? await repo.findDelivery(tx, teamId, id.toLowerCase()) : undefined;
    if (!found) throw notFound('webhook delivery', id);
    if (found.subscription_id) {
      const subscription = await repo.findSubscription(tx, teamId, found.subscription_id);
      if (subscription && !subscription.enabled) {
        throw new AppError('CONFLICT', {
          path: 'id',
          reason: `webhook subscription ${subscription.id} is disabled; enable it first (PATCH /v1/ext/webhooks/${subscription.id})`,
        });
      }
    }
    await repo.replayDelivery(tx, found.id);
    return (await repo.findDelivery(tx, teamId, found.id))!;
  });
  wakeDestination(ctx, delivery.destination);
  return toDeliveryView(delivery);
}
