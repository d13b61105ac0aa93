/**
 * The webhook delivery worker. A queue message wakes one destination (a subscription, or a
 * plugin's pass-through or Chakra webhook); the handler claims its due deliveries in order (one
 * per order key at a time), posts them concurrently, records every attempt in one statement,
 * and goes on for up to ten seconds before giving the worker back. Failures are retried with
 * exponential backoff and jitter within the retry window; a subscription failing for the whole
 * window is disabled. A sweep every second wakes destinations with due deliveries (retries,
 * lost wake-ups, work a dead process had claimed).
 */
import { backoffMs } from '../../core/backoff.ts';
import type { AppContext } from '../../context.ts';
import { IDEMPOTENCY_TTL_MS } from '../../core/http/idempotency.ts';
import { purgeIdempotencyKeys } from '../../core/http/idempotency-repo.ts';
import { startSweep } from '../../core/queue/sweep.ts';
import type { QueueMessage } from '../../core/queue/job-queue.ts';
import * as repo from './deliveries-repo.ts';
import { onNewDeliveries, platformBody, writePlatformEvent } from './outbox.ts';
import { webhookPoster, type AttemptResult } from './post-webhook.ts';
import { toSubscriptionView } from './views.ts';

export const DELIVERY_QUEUE = 'webhook-deliveries';

const BATCH = 64;
const SLICE_MS = 10_000;
const SWEEP_MS = 1_000;
const MAX_RETRY_DELAY_MS = 60 * 60_000;
const KEEP_FINISHED_DAYS = 30;
const PURGE_EVERY_MS = 60 * 60_000;
/** A claim outlives its attempt's timeout by this much; then a dead worker's deliveries are due again. */
const CLAIM_MARGIN_MS = 5_000;
/** Destinations one worker process delivers to at once. */
const CONCURRENCY = 8;

interface WakeData {
  destination: string;
}

/** This process's delivery loops, when it runs workers: a wake-up it can serve itself needs no queue message. */
export interface DeliveryLoops {
  /** Starts delivering to a destination here; false when this process cannot (not a worker, or busy). */
  deliverHere?: (destination: string) => boolean;
}

/**
 * Asks a worker to deliver a destination's due deliveries: this process's own when it runs
 * workers and has a loop free, else any process's, through the queue (folded: one wake-up write
 * at a time).
 */
export function wakeDestination(ctx: AppContext, destination: string): void {
  if (ctx.local.deliveryLoops.deliverHere?.(destination)) return;
  ctx.queue.wakeFolded(DELIVERY_QUEUE, destination, () =>
    ctx.queue.send(ctx.db, DELIVERY_QUEUE, { destination } satisfies WakeData, {
      singletonKey: destination,
      retryLimit: 3,
      expireInSeconds: 120,
    }),
  );
}

/** Every process that writes deliveries wakes their destinations after the commit. */
export function wakeDestinationsOnCommit(ctx: AppContext): void {
  onNewDeliveries(ctx.db, (destinations) => {
    for (const d of destinations) wakeDestination(ctx, d);
  });
}

/** 2 s, 4 s, 8 s… (each ×0.75–1.25), each wait at most an hour; a Retry-After asking for more is honoured up to that hour. */
function retryDelayMs(attempt: number, baseMs: number, retryAfterMs = 0): number {
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(backoffMs(attempt, baseMs, MAX_RETRY_DELAY_MS, [0.75, 1.25]), retryAfterMs));
}

export function deliveryWorker(ctx: AppContext) {
  const { timeoutMs, retryBaseMs, retryForSeconds, blockPrivateUrls } = ctx.config.webhooks;
  const windowMs = retryForSeconds * 1000;
  const poster = webhookPoster({ timeoutMs, blockPrivateUrls });
  let stopping = false;
  let sweeper: { stop(): void } | undefined;
  let lastPurge = 0;
  let sweeps = 0;
  /**
   * Destinations this process is delivering to, and whether more work was announced meanwhile.
   * One loop per destination: several would only contend for the same rows (and connections).
   */
  const active = new Map<string, boolean>();
  /** Loops started by this process's own wake-ups (not queue messages): a graceful stop waits for them. */
  const localLoops = new Set<Promise<unknown>>();

  function attemptOf(d: repo.ClaimedDelivery, r: AttemptResult): repo.AttemptRecord {
    const record = {
      id: d.id,
      startedAt: r.startedAt,
      durationMs: r.durationMs,
      statusCode: r.statusCode,
      error: r.error,
      excerpt: r.excerpt,
    };
    if (r.outcome !== 'RETRY') return { ...record, outcome: r.outcome, retryInMs: 0 };
    const retryInMs = retryDelayMs(d.attempts + 1, retryBaseMs, r.retryAfterMs);
    if (Date.now() + retryInMs <= new Date(d.retry_from).getTime() + windowMs) return { ...record, outcome: 'RETRY', retryInMs };
    return {
      ...record,
      outcome: 'FAILED',
      retryInMs: 0,
      error: `${r.error}; gave up after ${d.attempts + 1} attempts (retry window of ${retryForSeconds} s used up)`,
    };
  }

  /** After a subscription's batch: a success ends its failing streak; a streak as long as the retry window disables it. */
  async function noteHealth(subscriptionId: string, attempts: repo.AttemptRecord[]) {
    const failing = await repo.noteSubscriptionHealth(
      ctx.db,
      subscriptionId,
      attempts.some((a) => a.outcome === 'DELIVERED'),
    );
    if (!failing || Date.now() - new Date(failing).getTime() < windowMs) return;
    const last = [...attempts].reverse().find((a) => a.outcome !== 'DELIVERED');
    const reason = `no delivery succeeded for ${retryForSeconds} s (failing since ${new Date(failing).toISOString()}; last error: ${last?.error ?? 'unknown'})`;
    // The team hears of it through its other subscriptions that listen to `webhook.disabled`.
    const disabled = await ctx.db.tx(async (tx) => {
      const row = await repo.disableSubscription(tx, subscriptionId, reason);
      if (row)
        await writePlatformEvent(tx, row.team_id, 'webhook.disabled', row.id, platformBody('webhook.disabled', toSubscriptionView(row)));
      return row;
    });
    if (disabled) {
      ctx.configCache.invalidate(disabled.team_id);
      ctx.log.warn({ subscriptionId, reason }, 'webhook subscription disabled');
    }
  }

  /** Runs the destination's loop, unless this process already does (then it goes round once more). */
  async function deliverOnce(destination: string): Promise<void> {
    if (active.has(destination)) {
      active.set(destination, true);
      return;
    }
    active.set(destination, false);
    try {
      do {
        active.set(destination, false);
        await deliver(destination);
      } while (active.get(destination) && !stopping);
    } finally {
      active.delete(destination);
    }
  }

  async function deliver(destination: string): Promise<void> {
    const target = await repo.findDestination(ctx.db, destination);
    if (!target || target.gone || !target.url) {
      await repo.failPending(ctx.db, destination, `not delivered: ${target?.gone ?? 'the destination no longer exists'}`);
      return;
    }
    const secret = target.hmac_secret_enc ? ctx.secrets.decrypt(target.hmac_secret_enc) : null;
    const deadline = Date.now() + SLICE_MS;
    let pulledForward = false;
    while (!stopping) {
      const batch = await repo.claimDue(ctx.db, destination, BATCH, timeoutMs + CLAIM_MARGIN_MS);
      if (!batch.length) return;
      const results = await Promise.all(batch.map((d) => poster.post(target.url!, d, secret)));
      const attempts = batch.map((d, i) => attemptOf(d, results[i]));
      await repo.recordAttempts(ctx.db, attempts);
      // A retry that got through means the receiver is back: its other waiting retries go now
      // rather than at the end of their backoff (after an outage that could be an hour away).
      if (!pulledForward && batch.some((d, i) => d.attempts > 0 && attempts[i].outcome === 'DELIVERED')) {
        pulledForward = true;
        await repo.retryNow(ctx.db, destination);
      }
      if (target.subscription_id) await noteHealth(target.subscription_id, attempts);
      if (Date.now() >= deadline) break;
    }
    // Time is up (or the process stops) with deliveries maybe left: another turn, here or elsewhere.
    wakeDestination(ctx, destination);
  }

  async function sweep() {
    // Due retries every second; every tenth sweep also first attempts whose wake-up was lost
    // (rare: a process died between commit and wake-up). Most of those are merely waiting behind
    // a retry of their order key, and looking for work behind it scans the backlog.
    const onlyRetries = sweeps++ % 10 !== 0;
    for (const destination of await repo.dueDestinations(ctx.db, onlyRetries)) wakeDestination(ctx, destination);
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      await repo.purgeFinished(ctx.db, KEEP_FINISHED_DAYS);
      // Not a webhook matter, but this hourly purge runs wherever workers do: stored responses
      // past the Idempotency-Key window would otherwise pile up forever.
      await purgeIdempotencyKeys(ctx.db, IDEMPOTENCY_TTL_MS);
    }
  }

  /** Starts (or extends) this process's loop for a destination; false when all its loops are busy elsewhere. */
  function deliverHere(destination: string): boolean {
    if (stopping) return false;
    if (active.has(destination)) {
      active.set(destination, true);
      return true;
    }
    if (active.size >= CONCURRENCY) return false;
    const loop = deliverOnce(destination)
      .catch((err) => ctx.log.error({ err, destination }, 'webhook delivery loop failed; the sweep will resume it'))
      .finally(() => localLoops.delete(loop));
    localLoops.add(loop);
    return true;
  }

  return {
    async start() {
      ctx.local.deliveryLoops.deliverHere = deliverHere;
      await ctx.queue.work<WakeData>(DELIVERY_QUEUE, CONCURRENCY, (message: QueueMessage<WakeData>) =>
        deliverOnce(message.data.destination),
      );
      sweeper = startSweep(SWEEP_MS, sweep, (err) => ctx.log.warn({ err: err.message }, 'webhook delivery sweep failed'));
    },
    /** Loops stop after the batch in flight (its outcomes recorded); resolves once they have. */
    async stop() {
      stopping = true;
      ctx.local.deliveryLoops.deliverHere = undefined;
      sweeper?.stop();
      await Promise.all(localLoops);
      await poster.close();
    },
  };
}
