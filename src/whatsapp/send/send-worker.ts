/**
 * The durable send queue's worker. One "lane" per sending number: a process holding the lane's
 * lease claims the number's due sends oldest first, sends each in its reserved slot (pacing is
 * shared through the lane row, so every process together keeps the plugin's messages/s),
 * and settles them in batches. Retryable failures come back later with exponential backoff;
 * the rest are FAILED with Meta's code, title and details.
 *
 * Wake-ups are queue messages (at most one waiting per number); a sweep every few seconds
 * re-wakes any number with due sends, so a lost wake-up or a dead process delays, never loses.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '../../core/backoff.ts';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { startSweep } from '../../core/queue/sweep.ts';
import type { JobQueue, QueueMessage } from '../../core/queue/job-queue.ts';
import { graphFor, type GraphClient } from '../graph/graph-client.ts';
import { findPluginOfNumber } from '../plugins/repo.ts';
import { GRAPH_VERSION } from '../graph/graph-client.ts';
import { holdLane, releaseLane, reserveSlots, waitForSlot } from './lanes-repo.ts';
import { resultOfAnswer, resultOfUnreachable, type SendResult } from './meta-outcome.ts';
import { claimDueSends, numbersWithSends, releaseSends, settleSends, type QueuedSend, type SendOutcome } from './send-queue-repo.ts';

export const SEND_LANE_QUEUE = 'whatsapp-send-lanes';

const LANE_LEASE_MS = 30_000;
/** A claimed send whose process died is due again after this. */
const CLAIM_LEASE_MS = 60_000;
/** A lane gives its worker back after this, so more numbers than workers all make progress. */
const SLICE_MS = 10_000;
const MAX_CLAIM = 500;
const MAX_IN_FLIGHT = 64;
const SETTLE_EVERY = 200;
const SWEEP_MS = 5_000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;
const NUMBER_GONE = { code: null, title: "the sending phone number is no longer in this plugin's configuration", details: null };

interface LaneData {
  phoneNumberId: string;
}

/** Asks a worker to drain a number now (or in `inMs`); a wake-up already waiting absorbs this one. */
async function wakeLane(tx: Queryable, queue: JobQueue, phoneNumberId: string, inMs = 0): Promise<void> {
  const later = inMs > 50;
  await queue.send(tx, SEND_LANE_QUEUE, { phoneNumberId } satisfies LaneData, {
    // Delayed wake-ups get their own key: an early one waiting must not swallow an urgent one.
    singletonKey: later ? `${phoneNumberId}@${Math.ceil((Date.now() + inMs) / 1000)}` : phoneNumberId,
    startAfterSeconds: later ? inMs / 1000 : undefined,
    retryLimit: 3,
    expireInSeconds: 120,
  });
}

/** Wakes a number's lane after a queued send committed (folded: one wake-up write at a time). */
export function wakeAfterCommit(ctx: AppContext, phoneNumberId: string): void {
  ctx.queue.wakeFolded(SEND_LANE_QUEUE, phoneNumberId, () => wakeLane(ctx.db, ctx.queue, phoneNumberId));
}

export function sendWorker(ctx: AppContext) {
  const { attempts: maxAttempts, retryBaseMs, lanes } = ctx.config.whatsappSends;
  let stopping = false;
  let sweeper: { stop(): void } | undefined;

  function outcomeOf(send: QueuedSend, result: SendResult): SendOutcome {
    if (result.kind === 'sent') return { messageId: send.message_id, status: 'SENT', wamid: result.wamid };
    if (result.kind === 'retry' && send.attempts < maxAttempts) {
      return {
        messageId: send.message_id,
        status: 'RETRY',
        error: result.failure,
        retryInMs: backoffMs(send.attempts, retryBaseMs, MAX_RETRY_DELAY_MS, [0.5, 1]),
      };
    }
    return { messageId: send.message_id, status: 'FAILED', error: result.failure };
  }

  async function sendOne(graph: GraphClient, phoneNumberId: string, send: QueuedSend): Promise<SendOutcome> {
    let result: SendResult;
    try {
      result = resultOfAnswer(await graph.call('POST', `${GRAPH_VERSION}/${phoneNumberId}/messages`, { body: send.payload }));
    } catch (err) {
      result = resultOfUnreachable(err);
    }
    return outcomeOf(send, result);
  }

  /**
   * Settles outcomes in batches, one batch at a time. A batch the database refuses is tried
   * again: until it lands, Meta's accepted sends would look unsent and go out twice.
   */
  function settler() {
    let pending: SendOutcome[] = [];
    let chain = Promise.resolve();
    const settle = async (batch: SendOutcome[]) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await settleSends(ctx.db, batch);
        } catch (err) {
          ctx.log.error({ err: (err as Error).message, sends: batch.length, attempt }, 'WhatsApp send outcomes not recorded');
          if (attempt >= 5) return;
          await sleep(500 * attempt);
        }
      }
    };
    const flush = () => {
      const batch = pending;
      pending = [];
      chain = chain.then(() => settle(batch));
      return chain;
    };
    return {
      add(outcome: SendOutcome) {
        pending.push(outcome);
        if (pending.length >= SETTLE_EVERY) void flush();
      },
      flush,
    };
  }

  async function drain(phoneNumberId: string): Promise<void> {
    const owner = randomUUID();
    if (!(await holdLane(ctx.db, phoneNumberId, owner, LANE_LEASE_MS))) return; // another process drains it
    const settled = settler();
    const inFlight = new Set<Promise<void>>();
    try {
      const plugin = await findPluginOfNumber(ctx.db, phoneNumberId);
      const graph = plugin ? graphFor(ctx, plugin) : undefined;
      const perSecond = plugin?.messages_per_second ?? 0;
      const started = Date.now();
      while (!stopping && Date.now() - started < SLICE_MS) {
        if (!(await holdLane(ctx.db, phoneNumberId, owner, LANE_LEASE_MS))) break;
        const limit = perSecond > 0 ? Math.min(MAX_CLAIM, Math.max(1, Math.ceil(perSecond))) : MAX_CLAIM;
        const sends = await claimDueSends(ctx.db, phoneNumberId, limit, CLAIM_LEASE_MS);
        if (!sends.length) break;
        // A number that left the workspace (or moved to another plugin) cannot send these any more.
        const sendable = sends.filter((s) => s.plugin_id === plugin?.id);
        for (const s of sends)
          if (s.plugin_id !== plugin?.id) settled.add({ messageId: s.message_id, status: 'FAILED', error: NUMBER_GONE });
        if (!graph || !sendable.length) continue;
        const slots = await reserveSlots(ctx.db, phoneNumberId, sendable.length, perSecond);
        const t0 = performance.now();
        for (let i = 0; i < sendable.length; i++) {
          if (stopping) {
            await releaseSends(
              ctx.db,
              sendable.slice(i).map((s) => s.message_id),
            );
            break;
          }
          await waitForSlot(phoneNumberId, t0 + slots.firstInMs + i * slots.spacingMs, slots.spacingMs);
          while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
          const send = sendable[i];
          const task: Promise<void> = sendOne(graph, phoneNumberId, send)
            .then((outcome) => settled.add(outcome))
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
      }
    } finally {
      // Even when the loop failed: sends already made must be recorded before the lane is let go.
      await Promise.allSettled(inFlight);
      await settled.flush();
      await releaseLane(ctx.db, phoneNumberId, owner).catch(() => {});
    }
    // What is left (more than a slice, or retries due later) gets its own wake-up.
    const [left] = await numbersWithSends(ctx.db, phoneNumberId);
    if (left) await wakeLane(ctx.db, ctx.queue, phoneNumberId, left.due_in_ms);
  }

  /** Wakes every number with sends, for whatever a crash or a lost wake-up left behind. */
  async function sweep(): Promise<void> {
    for (const n of await numbersWithSends(ctx.db)) await wakeLane(ctx.db, ctx.queue, n.phone_number_id, Math.max(0, n.due_in_ms));
  }

  return {
    async start() {
      await ctx.queue.work<LaneData>(SEND_LANE_QUEUE, lanes, (message: QueueMessage<LaneData>) => drain(message.data.phoneNumberId));
      sweeper = startSweep(SWEEP_MS, sweep, (err) => ctx.log.warn({ err: err.message }, 'WhatsApp send sweep failed'));
    },
    stop() {
      stopping = true;
      sweeper?.stop();
    },
  };
}
