/**
 * What a processed Meta event sends to the plugin's own webhooks
 * (docs/webhooks.md#a-whatsapp-plugins-webhooks): the **pass-through** webhook gets Meta's body
 * exactly as received (echoes and template events only when their toggles are on); the
 * **Chakra** webhook gets `{"event", "payload"}` for
 * the kinds `whichChakraWebhookEventsToSend` lists (all of them when it lists none), including
 * the legacy `deliveryStatus` for messages sent through this server's APIs. Deliveries to one
 * webhook keep the order of events per customer phone, so a status never overtakes its message.
 */
import type { ChatMessageRow } from '../chats/repo.ts';
import { toChatMessageView } from '../chats/view.ts';
import type { NewDelivery } from '../../features/webhooks/outbox.ts';
import type { StatusOutcome } from './repo.ts';

import type { Change, Json } from './meta-changes.ts';

/** What processing found in an event, for the Chakra webhook. */
export type Fact =
  | { kind: 'message'; wabaId: string | null; value: Json; message: Json; stored: ChatMessageRow }
  | { kind: 'status'; wabaId: string | null; value: Json; status: Json; deliveryStatus: string; outcome: StatusOutcome }
  | { kind: 'echo'; wabaId: string | null; field: string; value: Json; message: Json }
  | { kind: 'call'; wabaId: string | null; value: Json; event: string; call: Json; customer: string; stored: ChatMessageRow };

const ECHO_FIELDS = new Set(['message_echoes', 'smb_message_echoes']);
const TEMPLATE_FIELDS = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'message_template_components_update',
  'template_category_update',
]);
const LEGACY_STATUSES = new Set(['SENT', 'DELIVERED', 'READ']);

export interface PluginWebhooks {
  passThroughWebhookUrl?: unknown;
  enableMessageEchoesForPassThroughWebhook?: unknown;
  enableSendMessageTemplateEventForPassThroughWebhook?: unknown;
  enableChakraWebhook?: unknown;
  chakraWebhookUrl?: unknown;
  whichChakraWebhookEventsToSend?: unknown;
}

const set = (v: unknown) => typeof v === 'string' && v !== '';
const ms = (seconds: unknown) => (Number.isFinite(Number(seconds)) ? Number(seconds) * 1000 : Date.now());

/** The customer a change is about (its first message, status, echo or call), to order deliveries by. */
function customerOf(value: Json): string | undefined {
  const first = (k: string) => (Array.isArray(value[k]) ? value[k][0] : undefined);
  const call = first('calls');
  const caller = call ? (call.direction === 'BUSINESS_INITIATED' ? call.to : call.from) : undefined;
  return first('messages')?.from ?? first('statuses')?.recipient_id ?? first('message_echoes')?.to ?? caller ?? undefined;
}

function passThrough(pluginId: string, config: PluginWebhooks, inboundEventId: string, changes: Change[]): NewDelivery[] {
  if (!set(config.passThroughWebhookUrl)) return [];
  const allowed = changes.filter(({ field }) => {
    if (typeof field !== 'string') return false;
    if (ECHO_FIELDS.has(field)) return config.enableMessageEchoesForPassThroughWebhook === true;
    if (TEMPLATE_FIELDS.has(field)) return config.enableSendMessageTemplateEventForPassThroughWebhook === true;
    return true;
  });
  if (!allowed.length) return [];
  const customer = allowed.map((c) => customerOf(c.value)).find(Boolean);
  // The stored event is the body: its exact bytes, not copied again.
  return [
    {
      destination: `${pluginId}:passthrough`,
      event: `passthrough.${allowed[0].field}`,
      orderKey: customer ?? pluginId,
      body: { inboundEventId },
    },
  ];
}

function chakra(pluginId: string, config: PluginWebhooks, facts: Fact[]): NewDelivery[] {
  if (config.enableChakraWebhook !== true || !set(config.chakraWebhookUrl)) return [];
  const listed = Array.isArray(config.whichChakraWebhookEventsToSend) ? (config.whichChakraWebhookEventsToSend as string[]) : [];
  const wants = (event: string) => listed.length === 0 || listed.includes(event);
  // Newer than the plugin settings' "every kind when none is listed": a consumer gets calls only by asking.
  const optedIn = (event: string) => listed.includes(event);
  const out: NewDelivery[] = [];
  const add = (event: string, customer: string, payload: unknown) =>
    out.push({ destination: `${pluginId}:chakra`, event, orderKey: customer, body: JSON.stringify({ event, payload }) });

  for (const f of facts) {
    const whatsappPhoneNumberId = f.value.metadata?.phone_number_id ?? null;
    if (f.kind === 'message' && wants('message')) {
      add('message', f.message.from, {
        pluginId,
        wabaId: f.wabaId,
        whatsappPhoneNumberId,
        chatMessage: toChatMessageView(f.stored),
        contact: { phoneNumber: f.stored.phone_number, name: f.value.contacts?.[0]?.profile?.name ?? null },
        message: f.message,
        contacts: f.value.contacts ?? [],
        timestamp: ms(f.message.timestamp),
      });
    } else if (f.kind === 'echo') {
      const event = f.field === 'smb_message_echoes' ? 'smb_message_echo' : 'message_echo';
      if (wants(event)) {
        add(event, f.message.to, {
          pluginId,
          wabaId: f.wabaId,
          whatsappPhoneNumberId,
          contact: { phoneNumber: f.message.to },
          message: f.message,
          timestamp: ms(f.message.timestamp),
        });
      }
    } else if (f.kind === 'call') {
      if (optedIn('call')) {
        add('call', f.customer, {
          pluginId,
          wabaId: f.wabaId,
          whatsappPhoneNumberId,
          event: f.event,
          call: f.call,
          chatMessage: toChatMessageView(f.stored),
          contact: { phoneNumber: f.customer, name: f.value.contacts?.[0]?.profile?.name ?? null },
          timestamp: ms(f.call.timestamp),
        });
      }
    } else if (f.kind === 'status') {
      // Once per status reached: a duplicate or a status behind the stored one is not news.
      const news = f.outcome.message ? f.outcome.advanced : f.outcome.fresh;
      if (!news) continue;
      const common = {
        id: f.outcome.message?.id ?? null,
        externalId: f.status.id,
        deliveryStatus: f.deliveryStatus,
        timestamp: ms(f.status.timestamp),
        recipientId: f.status.recipient_id ?? null,
      };
      if (wants('status')) {
        const errors = Array.isArray(f.status.errors)
          ? f.status.errors.map((e: Json) => ({
              code: e.code ?? null,
              title: e.title ?? null,
              message: e.message ?? e.error_data?.details ?? null,
            }))
          : undefined;
        add('status', common.recipientId ?? pluginId, { pluginId, wabaId: f.wabaId, ...common, ...(errors ? { errors } : {}) });
      }
      // The older event, only for messages this server sent
      // (docs/webhooks.md#a-whatsapp-plugins-webhooks).
      if (wants('deliveryStatus') && f.outcome.message?.direction === 'OUTGOING' && LEGACY_STATUSES.has(f.deliveryStatus)) {
        add('deliveryStatus', common.recipientId ?? pluginId, common);
      }
    }
  }
  return out;
}

/** Every delivery one processed Meta event gives the plugin's webhooks, in order. */
export function deliveriesForEvent(
  pluginId: string,
  config: PluginWebhooks,
  inboundEventId: string,
  changes: Change[],
  facts: Fact[],
): NewDelivery[] {
  return [...passThrough(pluginId, config, inboundEventId, changes), ...chakra(pluginId, config, facts)];
}
