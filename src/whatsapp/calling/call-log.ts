/**
 * The call log in the chat store (docs/whatsapp.md#calls-in-the-chat-store): each call is one
 * chat message of data type `call`, keyed by Meta's call id, created by the first thing heard of
 * it (our `connect` answer or a webhook event) and moved on by each later event, so a
 * conversation reads "Call, 3 min 12 s, answered" or "Missed call" between its messages. Events
 * may arrive out of order or twice: a call never leaves the ended state, and the answered
 * duration comes from the terminate event alone.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../core/db/types.ts';
import { insertChatMessage, lockCallRow, updateCallRow, type ChatMessageRow } from '../chats/repo.ts';

export type CallDirection = 'BUSINESS_INITIATED' | 'USER_INITIATED';
type CallState = 'CALLING' | 'RINGING' | 'ACCEPTED' | 'REJECTED' | 'ENDED';
type CallOutcome = 'ANSWERED' | 'MISSED' | 'DECLINED' | 'NOT_ANSWERED';

export interface CallRecord {
  id: string;
  direction: CallDirection;
  state: CallState;
  outcome: CallOutcome | null;
  durationSeconds: number | null;
  startTime: number | null;
  endTime: number | null;
  bizOpaqueCallbackData: string | null;
}

/** What was heard of a call, from our `connect` answer or one of Meta's `calls` events. */
export type CallStep =
  | { kind: 'placed' }
  | { kind: 'connect' }
  | { kind: 'status'; status: string }
  | { kind: 'terminate'; durationSeconds: number; startTime: number | null; endTime: number | null; completed?: boolean };

export interface CallParties {
  teamId: string;
  pluginId: string;
  phoneNumberId: string;
  /** The customer, digits only. */
  customer: string;
  callId: string;
  direction: CallDirection;
  bizOpaqueCallbackData?: string | null;
}

const ORDER: Record<CallState, number> = { CALLING: 0, RINGING: 1, ACCEPTED: 2, REJECTED: 2, ENDED: 3 };

/** The call after one more step; a step behind what is known changes nothing. */
export function advance(call: CallRecord, step: CallStep): CallRecord {
  if (call.state === 'ENDED') return call;
  const to = (state: CallState): CallRecord => (ORDER[state] > ORDER[call.state] ? { ...call, state } : call);
  switch (step.kind) {
    case 'placed':
      return call;
    case 'connect':
      // A customer's call rings; the answer to ours means it was picked up.
      return call.direction === 'USER_INITIATED' ? to('RINGING') : to('ACCEPTED');
    case 'status': {
      const status = step.status.toUpperCase();
      return status === 'RINGING' || status === 'ACCEPTED' || status === 'REJECTED' ? to(status) : call;
    }
    case 'terminate': {
      // Meta's COMPLETED, or a call picked up (a short one can last "0" seconds), or time on the line.
      const answered = step.completed === true || call.state === 'ACCEPTED' || step.durationSeconds > 0;
      const outcome: CallOutcome = answered
        ? 'ANSWERED'
        : call.state === 'REJECTED'
          ? 'DECLINED'
          : call.direction === 'USER_INITIATED'
            ? 'MISSED'
            : 'NOT_ANSWERED';
      return {
        ...call,
        state: 'ENDED',
        outcome,
        durationSeconds: step.durationSeconds,
        startTime: step.startTime,
        endTime: step.endTime,
      };
    }
  }
}

/** "3 min 12 s", "45 s", "1 h 2 min 5 s". */
export function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h} h` : '', h || m ? `${m} min` : '', `${s % 60} s`].filter(Boolean);
  return parts.join(' ');
}

/** What the conversation shows for the call. */
export function callText(call: CallRecord): string {
  const incoming = call.direction === 'USER_INITIATED';
  switch (call.state) {
    case 'CALLING':
      return 'Call, calling';
    case 'RINGING':
      return incoming ? 'Incoming call, ringing' : 'Call, ringing';
    case 'ACCEPTED':
      return 'Call, in progress';
    case 'REJECTED':
      return 'Call declined';
    case 'ENDED':
      if (call.outcome === 'ANSWERED') return `Call, ${spokenDuration(call.durationSeconds ?? 0)}, answered`;
      if (call.outcome === 'MISSED') return 'Missed call';
      if (call.outcome === 'DECLINED') return 'Call declined';
      return 'Call, not answered';
  }
}

/** Logs one step of a call inside the caller's transaction; returns the call's row as it now stands. */
export async function logCallStep(tx: Queryable, parties: CallParties, step: CallStep): Promise<ChatMessageRow> {
  const existing = await lockCallRow(tx, parties.teamId, parties.callId);
  if (existing) {
    const before = (existing.payload as { call: CallRecord }).call;
    const call = advance({ ...before, bizOpaqueCallbackData: before.bizOpaqueCallbackData ?? parties.bizOpaqueCallbackData ?? null }, step);
    return updateCallRow(tx, existing, callText(call), { call });
  }
  const call = advance(
    {
      id: parties.callId,
      direction: parties.direction,
      state: parties.direction === 'USER_INITIATED' ? 'RINGING' : 'CALLING',
      outcome: null,
      durationSeconds: null,
      startTime: null,
      endTime: null,
      bizOpaqueCallbackData: parties.bizOpaqueCallbackData ?? null,
    },
    step,
  );
  return insertChatMessage(tx, {
    id: randomUUID(),
    team_id: parties.teamId,
    plugin_id: parties.pluginId,
    whatsapp_phone_number_id: parties.phoneNumberId,
    phone_number: parties.customer,
    procedure_id: null,
    process_id: null,
    external_id: parties.callId,
    direction: parties.direction === 'USER_INITIATED' ? 'INCOMING' : 'OUTGOING',
    data_type: 'call',
    text: callText(call),
    payload: { call },
    delivery_status: parties.direction === 'USER_INITIATED' ? 'DELIVERED' : 'SENT',
    error: null,
  });
}

/** Logs a call this server just placed (`connect` answered by Meta). */
export async function recordOutgoingCall(
  db: Db,
  placed: { teamId: string; pluginId: string; phoneNumberId: string; to: string; callId: string; bizOpaqueCallbackData?: string },
): Promise<void> {
  await db.tx((tx) =>
    logCallStep(
      tx,
      {
        teamId: placed.teamId,
        pluginId: placed.pluginId,
        phoneNumberId: placed.phoneNumberId,
        customer: placed.to,
        callId: placed.callId,
        direction: 'BUSINESS_INITIATED',
        bizOpaqueCallbackData: placed.bizOpaqueCallbackData ?? null,
      },
      { kind: 'placed' },
    ),
  );
}
