/**
 * Meta's `calls` webhook changes (docs/whatsapp.md#calls-in-the-chat-store): `calls[]` with
 * `event` connect or terminate, and `statuses[]` of `type: call` (RINGING, ACCEPTED, REJECTED)
 * for the business's own calls. Each moves the call's log in the chat store; a change not seen
 * before also becomes a `call` fact for the plugin's Chakra webhook.
 */
import type { Queryable } from '../../core/db/types.ts';
import { logCallStep, type CallDirection, type CallStep } from '../calling/call-log.ts';
import type { Fact } from './forward-events.ts';
import type { Change, Json } from './meta-changes.ts';

const list = (value: Json, key: string): Json[] =>
  Array.isArray(value[key]) ? value[key].filter((x: unknown) => x && typeof x === 'object') : [];
const digits = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).replace(/\D/g, '') : '');
const seconds = (v: unknown) => (v === undefined || v === null || v === '' || !Number.isFinite(Number(v)) ? null : Number(v) * 1000);

function stepOf(call: Json): CallStep | undefined {
  if (call.event === 'connect') return { kind: 'connect' };
  if (call.event === 'terminate') {
    const duration = Number(call.duration);
    return {
      kind: 'terminate',
      durationSeconds: Number.isFinite(duration) && duration > 0 ? Math.round(duration) : 0,
      startTime: seconds(call.start_time),
      endTime: seconds(call.end_time),
      completed: String(call.status ?? '').toUpperCase() === 'COMPLETED',
    };
  }
  return undefined;
}

export async function callFacts(tx: Queryable, teamId: string, pluginId: string, change: Change, news: boolean): Promise<Fact[]> {
  const { value, wabaId } = change;
  const phoneNumberId = String(value.metadata.phone_number_id);
  const facts: Fact[] = [];
  for (const call of list(value, 'calls')) {
    const step = stepOf(call);
    if (!step || typeof call.id !== 'string') continue;
    const direction: CallDirection = call.direction === 'BUSINESS_INITIATED' ? 'BUSINESS_INITIATED' : 'USER_INITIATED';
    // The customer is the caller of their own call and the callee of ours.
    const customer = digits(direction === 'USER_INITIATED' ? call.from : call.to);
    if (!customer) continue;
    const stored = await logCallStep(
      tx,
      {
        teamId,
        pluginId,
        phoneNumberId,
        customer,
        callId: call.id,
        direction,
        bizOpaqueCallbackData: call.biz_opaque_callback_data ?? null,
      },
      step,
    );
    if (news) facts.push({ kind: 'call', wabaId, value, event: String(call.event), call, customer, stored });
  }
  for (const status of list(value, 'statuses')) {
    if (status.type !== 'call' || typeof status.id !== 'string' || typeof status.status !== 'string') continue;
    const customer = digits(status.recipient_id);
    if (!customer) continue;
    const stored = await logCallStep(
      tx,
      { teamId, pluginId, phoneNumberId, customer, callId: status.id, direction: 'BUSINESS_INITIATED' },
      { kind: 'status', status: status.status },
    );
    if (news) facts.push({ kind: 'call', wabaId, value, event: 'status', call: status, customer, stored });
  }
  return facts;
}
