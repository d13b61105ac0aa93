/**
 * Processing of stored Meta events, from the queue: incoming messages become chat messages
 * (contact and chat found or created; a wamid already stored is not stored again), delivery
 * statuses move messages forward, call events move the call log, template status updates
 * reach the template cache. Each
 * batch of a plugin's events is one transaction with the mark that they are processed, so a
 * crash redoes a batch, never half of one.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../core/db/types.ts';
import { startSweep } from '../../core/queue/sweep.ts';
import type { QueueMessage } from '../../core/queue/job-queue.ts';
import { existingWamids, insertIncomingMessages, type ChatMessageRow } from '../chats/repo.ts';
import { textOf } from '../chats/view.ts';
import { setTemplateStatus } from '../templates/template-cache.ts';
import { writeDeliveries, type NewDelivery } from '../../features/webhooks/outbox.ts';
import { findPluginById } from '../plugins/repo.ts';
import { storableJson } from '../../core/storable-text.ts';
import { deliveriesForEvent, type Fact } from './forward-events.ts';
import { echoItem, itemsOf, NewItems, statusItem } from './duplicates.ts';
import { callFacts } from './call-events.ts';
import { changesOf, type Change, type Json } from './meta-changes.ts';
import * as repo from './repo.ts';

export const INBOUND_QUEUE = 'whatsapp-inbound';
const BATCH = 100;
const SWEEP_MS = 5_000;
const STATUS = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', failed: 'FAILED' } as const;

interface InboundData {
  pluginId: string;
}

/** Asks a worker to process a plugin's stored events (folded: one wake-up write at a time). */
export function wakeInbound(ctx: AppContext, pluginId: string): void {
  ctx.queue.wakeFolded(INBOUND_QUEUE, pluginId, () =>
    ctx.queue.send(ctx.db, INBOUND_QUEUE, { pluginId } satisfies InboundData, {
      singletonKey: pluginId,
      retryLimit: 3,
      expireInSeconds: 120,
    }),
  );
}

/** Meta's first error on a failed status, as a FAILED message keeps it. */
function failureOf(status: Json): object | null {
  const e = Array.isArray(status.errors) ? status.errors[0] : undefined;
  if (!e || typeof e !== 'object') return null;
  return {
    code: typeof e.code === 'number' ? e.code : null,
    title: e.title ?? e.message ?? 'failed',
    details: e.error_data?.details ?? e.message ?? null,
  };
}

/** Customers' messages of a change that this plugin may store (its own numbers only). */
function messagesOf(change: Change, numbers: Set<string>): Json[] {
  if (change.field !== 'messages' || !numbers.has(change.value.metadata?.phone_number_id)) return [];
  return (Array.isArray(change.value.messages) ? change.value.messages : []).filter(
    (m: Json) => typeof m?.id === 'string' && typeof m.from === 'string',
  );
}

/**
 * Stores every customer message of a batch in one statement (each wamid once, also across
 * Meta's redeliveries); returns the rows stored now, by wamid.
 */
async function storeMessages(
  tx: Queryable,
  teamId: string,
  pluginId: string,
  changes: Change[],
  numbers: Set<string>,
): Promise<Map<string, ChatMessageRow>> {
  const candidates = changes.flatMap((c) => messagesOf(c, numbers).map((m) => ({ m, pnid: c.value.metadata.phone_number_id as string })));
  const seen = await existingWamids(
    tx,
    teamId,
    candidates.map((c) => c.m.id),
  );
  const fresh = candidates.filter(({ m }) => !seen.has(m.id) && Boolean(seen.add(m.id)));
  const stored = await insertIncomingMessages(
    tx,
    teamId,
    pluginId,
    fresh.map(({ m, pnid }) => ({
      id: randomUUID(),
      phone_number: m.from.replace(/\D/g, ''),
      whatsapp_phone_number_id: pnid,
      external_id: m.id,
      data_type: typeof m.type === 'string' ? m.type : 'unknown',
      text: textOf(m),
      payload: m,
    })),
  );
  return new Map(stored.map((row) => [row.external_id!, row]));
}

/**
 * Applies one event's template updates and statuses (its messages are stored already); returns
 * what it found that is news (`fresh`: its items not seen before), for the plugin's webhooks.
 */
async function applyEvent(
  tx: Queryable,
  teamId: string,
  pluginId: string,
  changes: Change[],
  numbers: Set<string>,
  storedNow: Map<string, ChatMessageRow>,
  fresh: Set<string>,
): Promise<Fact[]> {
  const facts: Fact[] = [];
  for (const change of changes) {
    const { wabaId, value } = change;
    if (change.field === 'message_template_status_update') {
      // entry.id is the WABA; only the plugin's own WABAs' templates are cached for its team.
      const templateId = value.message_template_id;
      if (wabaId && (typeof templateId === 'number' || typeof templateId === 'string') && typeof value.event === 'string') {
        await setTemplateStatus(tx, teamId, wabaId, String(templateId), value.event);
      }
      continue;
    }
    if (change.field === 'calls') {
      if (numbers.has(value.metadata?.phone_number_id)) {
        const news = itemsOf(change).some((item) => fresh.has(item));
        facts.push(...(await callFacts(tx, teamId, pluginId, change, news)));
      }
      continue;
    }
    if (change.field === 'message_echoes' || change.field === 'smb_message_echoes') {
      for (const m of Array.isArray(value.message_echoes) ? value.message_echoes : []) {
        if (typeof m?.to === 'string' && typeof m.id === 'string' && fresh.has(echoItem(m.id)))
          facts.push({ kind: 'echo', wabaId, field: change.field, value, message: m });
      }
      continue;
    }
    for (const m of messagesOf(change, numbers)) {
      const stored = storedNow.get(m.id);
      if (!stored) continue;
      storedNow.delete(m.id); // one fact per wamid, even if Meta sent it twice in this batch
      facts.push({ kind: 'message', wabaId, value, message: m, stored });
    }
    if (change.field !== 'messages' || !numbers.has(value.metadata?.phone_number_id)) continue;
    for (const st of Array.isArray(value.statuses) ? value.statuses : []) {
      const status = STATUS[st?.status as keyof typeof STATUS];
      if (!status || typeof st.id !== 'string') continue;
      const outcome = await repo.applyStatus(tx, teamId, st.id, status, status === 'FAILED' ? failureOf(st) : null);
      if (fresh.has(statusItem(st.id, st.status)))
        facts.push({ kind: 'status', wabaId, value, status: st, deliveryStatus: status, outcome });
    }
  }
  return facts;
}

/**
 * The worker side: drains a plugin's events when woken; every few seconds wakes plugins whose
 * events wait, and applies statuses that were left waiting for a message stored meanwhile.
 */
export function inboundWorker(ctx: AppContext) {
  let stopping = false;
  let sweeper: { stop(): void } | undefined;

  /**
   * One batch, one transaction: the chat store, the marks and the deliveries to the plugin's
   * webhooks together. Returns true when the plugin has no more events waiting.
   */
  async function processBatch(pluginId: string, numbers: Set<string>, size: number): Promise<boolean> {
    const webhooks = (await findPluginById(ctx.db, pluginId))?.webhook_config ?? {};
    return ctx.db.tx(async (tx) => {
      await repo.lockPluginEvents(tx, pluginId);
      const events = await repo.claimUnprocessed(tx, pluginId, size);
      if (!events.length) return true;
      const teamId = events[0].team_id;
      const parsed = events.flatMap((event) => {
        try {
          // Text PostgreSQL cannot store (`\u0000`, a lone surrogate) is replaced, not refused.
          return [{ event, changes: changesOf(storableJson(JSON.parse(event.raw)) as Json) }];
        } catch {
          return []; // stored only when it parsed; nothing else can be done with it
        }
      });
      const newItems = new NewItems(
        await repo.claimNewItems(
          tx,
          pluginId,
          parsed.flatMap((p) => p.changes.flatMap(itemsOf)),
        ),
      );
      const storedNow = await storeMessages(
        tx,
        teamId,
        pluginId,
        parsed.flatMap((p) => p.changes),
        numbers,
      );
      const deliveries: NewDelivery[] = [];
      for (const { event, changes } of parsed) {
        const { items: fresh, news } = newItems.take(changes);
        const facts = await applyEvent(tx, teamId, pluginId, changes, numbers, storedNow, fresh);
        deliveries.push(...deliveriesForEvent(pluginId, webhooks, event.id, news, facts));
      }
      await writeDeliveries(tx, teamId, deliveries);
      await repo.markProcessed(
        tx,
        events.map((e) => e.id),
      );
      return events.length < size;
    });
  }

  /**
   * Processes a plugin's events in batches. A batch that fails is redone one event at a time,
   * and an event that fails alone is set aside with the reason, so that it never holds up the
   * events behind it.
   */
  async function drain(pluginId: string): Promise<void> {
    const numbers = await repo.numbersOfPlugin(ctx.db, pluginId);
    let alone = 0;
    while (!stopping) {
      const size = alone > 0 ? 1 : BATCH;
      try {
        if (await processBatch(pluginId, numbers, size)) return;
        alone = Math.max(0, alone - 1);
      } catch (err) {
        if (size > 1) {
          ctx.log.warn({ pluginId, err: (err as Error).message }, 'a batch of WhatsApp events failed; processing them one at a time');
          alone = BATCH;
          continue;
        }
        const id = await setOldestAside(pluginId, (err as Error).message);
        ctx.log.error(
          { pluginId, eventId: id, err: (err as Error).message },
          'a WhatsApp event could not be processed; set aside (docs/whatsapp.md)',
        );
        alone -= 1;
      }
    }
  }

  async function setOldestAside(pluginId: string, reason: string): Promise<string | undefined> {
    return ctx.db.tx(async (tx) => {
      await repo.lockPluginEvents(tx, pluginId);
      const [oldest] = await repo.claimUnprocessed(tx, pluginId, 1);
      if (oldest) await repo.setAside(tx, oldest.id, reason);
      return oldest?.id;
    });
  }

  return {
    async start() {
      await ctx.queue.work<InboundData>(INBOUND_QUEUE, 1, (message: QueueMessage<InboundData>) => drain(message.data.pluginId));
      sweeper = startSweep(
        SWEEP_MS,
        async () => {
          for (const id of await repo.pluginsWithUnprocessed(ctx.db)) wakeInbound(ctx, id);
          await repo.applyLeftoverStatuses(ctx.db);
          await repo.forgetOldItems(ctx.db);
        },
        (err) => ctx.log.warn({ err: err.message }, 'inbound WhatsApp event sweep failed'),
      );
    },
    stop() {
      stopping = true;
      sweeper?.stop();
    },
  };
}
