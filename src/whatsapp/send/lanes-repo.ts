/**
 * The per-number lane row every server process shares: send slots (pacing to the plugin's
 * messages/s) and the lease of the process draining the number's queue.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../../core/db/types.ts';

export interface Slots {
  /** Wait this long before the first reserved send… */
  firstInMs: number;
  /** …and this long between the following ones. */
  spacingMs: number;
}

/**
 * Reserves `count` consecutive send slots of a number paced to `perSecond` (0: unpaced).
 * Slots never start in the past, so an idle number gets no burst above its rate. Times are
 * the database's, answered as delays, so server clocks need not agree.
 */
export async function reserveSlots(db: Queryable, phoneNumberId: string, count: number, perSecond: number): Promise<Slots> {
  if (perSecond <= 0 || count <= 0) return { firstInMs: 0, spacingMs: 0 };
  const spacingMs = 1000 / perSecond;
  const [row] = await db.query<{ ends_in_ms: number }>(
    `insert into whatsapp_send_lanes as l (phone_number_id, next_slot_at)
     values ($1, clock_timestamp() + $2 * interval '1 millisecond')
     on conflict (phone_number_id) do update
       set next_slot_at = greatest(l.next_slot_at, clock_timestamp()) + $2 * interval '1 millisecond'
     returning extract(epoch from (next_slot_at - clock_timestamp())) * 1000 as ends_in_ms`,
    [phoneNumberId, count * spacingMs],
  );
  return { firstInMs: Math.max(0, Number(row.ends_in_ms) - count * spacingMs), spacingMs };
}

/**
 * Per phone number id, what this OS process has let go lately: a token bucket (see
 * waitForSlot). One per process, not per server context: it bounds what one event loop lets go
 * at once after a stall, and every server context in the process (tests start several) shares
 * that event loop, so with a bucket each they could let go a burst each, together above Meta's.
 */
const lately = new Map<string, { tokens: number; at: number }>();

/**
 * Waits for a reserved slot (`at`, on performance.now()'s clock), then for room in this
 * process's own bucket for the number. A busy event loop fires late timers together, and sends
 * let go together would reach Meta as a burst above its limit (Meta allows about a fifth of a
 * second of sends at once): the bucket holds one send less than that and refills at the rate,
 * so late sends catch up in a small burst, then at the rate, never above what Meta takes.
 */
export async function waitForSlot(phoneNumberId: string, at: number, spacingMs: number): Promise<void> {
  if (spacingMs <= 0) return;
  const capacity = Math.max(1, Math.floor(200 / spacingMs) - 1);
  for (;;) {
    const now = performance.now();
    if (at - now >= 1) {
      await sleep(at - now);
      continue;
    }
    const bucket = lately.get(phoneNumberId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) / spacingMs);
    bucket.at = now;
    lately.set(phoneNumberId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    await sleep((1 - bucket.tokens) * spacingMs);
  }
}

/** Takes (or extends) the lease on draining a number; false while another process holds it. */
export async function holdLane(db: Queryable, phoneNumberId: string, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await db.query(
    `insert into whatsapp_send_lanes as l (phone_number_id, lease_owner, lease_until)
     values ($1, $2, now() + $3 * interval '1 millisecond')
     on conflict (phone_number_id) do update set lease_owner = $2, lease_until = excluded.lease_until
       where l.lease_owner is null or l.lease_owner = $2 or l.lease_until < now()
     returning 1`,
    [phoneNumberId, owner, leaseMs],
  );
  return rows.length === 1;
}

export async function releaseLane(db: Queryable, phoneNumberId: string, owner: string): Promise<void> {
  await db.run('update whatsapp_send_lanes set lease_owner = null, lease_until = null where phone_number_id = $1 and lease_owner = $2', [
    phoneNumberId,
    owner,
  ]);
}
