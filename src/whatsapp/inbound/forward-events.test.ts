import { describe, expect, it } from 'vitest';
import type { ChatMessageRow } from '../chats/repo.ts';
import { deliveriesForEvent, type Fact, type PluginWebhooks } from './forward-events.ts';
import { changesOf, type Json } from './meta-changes.ts';

const PLUGIN = 'd83e1d23-50b8-4d87-8f92-842a0ac516f6';
const EVENT = '0b8f6a7e-3c1d-4e55-9d0c-5a3e2f1b7c90';
const WABA = '83784929738012';
const PNID = '106540352242922';
const CUSTOMER = '919900112233';
const metadata = { display_phone_number: '917259775805', phone_number_id: PNID };

/** A webhook body as Meta posts it, read into changes the way processing reads it. */
const changes = (field: string, value: Json) =>
  changesOf({ object: 'whatsapp_business_account', entry: [{ id: WABA, time: 1795945842, changes: [{ value, field }] }] });

const incoming = {
  from: CUSTOMER,
  id: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAEhggQTNGNzE0',
  timestamp: '1795945841',
  text: { body: 'Is it shipped?' },
  type: 'text',
};
const messageValue = {
  messaging_product: 'whatsapp',
  metadata,
  contacts: [{ profile: { name: 'Asha' }, wa_id: CUSTOMER }],
  messages: [incoming],
};
const sentStatus = {
  id: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAERgSNUQ3',
  status: 'delivered',
  timestamp: '1795945850',
  recipient_id: CUSTOMER,
  conversation: { id: 'CONVERSATION_ID', origin: { type: 'utility' } },
  pricing: { billable: true, pricing_model: 'CBP', category: 'utility' },
};
const failedStatus = {
  id: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAERgSNUQ3',
  status: 'failed',
  timestamp: '1795945860',
  recipient_id: CUSTOMER,
  errors: [
    { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } },
  ],
};
const statusValue = (st: Json) => ({ messaging_product: 'whatsapp', metadata, statuses: [st] });
const echo = {
  from: '917259775805',
  to: CUSTOMER,
  id: 'wamid.HBgMOTE5OTAwMTEyMjMzFQIAERgSRUNITw',
  timestamp: '1795945870',
  type: 'text',
  text: { body: 'typed in the app' },
};
const echoValue = { messaging_product: 'whatsapp', metadata, message_echoes: [echo] };
const templateValue = {
  event: 'APPROVED',
  message_template_id: 900000001,
  message_template_name: 'order_notice',
  message_template_language: 'en',
  reason: 'NONE',
};

/** The chat message processing stored for `incoming`. */
const stored: ChatMessageRow = {
  id: 'c0a8e1b2-0000-4000-8000-000000000001',
  team_id: 'team',
  chat_id: 'chat',
  contact_id: 'contact',
  plugin_id: PLUGIN,
  procedure_id: null,
  process_id: null,
  external_id: incoming.id,
  direction: 'INCOMING',
  data_type: 'text',
  text: 'Is it shipped?',
  payload: incoming,
  delivery_status: 'DELIVERED',
  error: null,
  source_type: 'whatsapp',
  created_at: new Date(1795945841000),
  updated_at: new Date(1795945841000),
  phone_number: CUSTOMER,
};
const messageFact = (): Fact => ({ kind: 'message', wabaId: WABA, value: messageValue, message: incoming, stored });
/** A status of a message this server sent (known, OUTGOING) that moved it forward. */
const statusFact = (st: Json, deliveryStatus: string, advanced = true): Fact => ({
  kind: 'status',
  wabaId: WABA,
  value: statusValue(st),
  status: st,
  deliveryStatus,
  outcome: { message: { id: 'c0a8e1b2-0000-4000-8000-000000000002', direction: 'OUTGOING' }, advanced },
});

const passThrough: PluginWebhooks = { passThroughWebhookUrl: 'https://example.com/meta' };
const chakra = (events: string[] = []): PluginWebhooks => ({
  enableChakraWebhook: true,
  chakraWebhookUrl: 'https://example.com/chakra',
  whichChakraWebhookEventsToSend: events,
});
const bodyOf = (d: { body: unknown }) => JSON.parse(d.body as string);

describe('the pass-through webhook', () => {
  it("gets the stored event itself (not a copy), once per event, ordered by the customer's phone", () => {
    expect(deliveriesForEvent(PLUGIN, passThrough, EVENT, changes('messages', messageValue), [])).toEqual([
      { destination: `${PLUGIN}:passthrough`, event: 'passthrough.messages', orderKey: CUSTOMER, body: { inboundEventId: EVENT } },
    ]);
    // A status about the same customer shares the order key: it cannot overtake the message.
    expect(deliveriesForEvent(PLUGIN, passThrough, EVENT, changes('messages', statusValue(sentStatus)), [])[0].orderKey).toBe(CUSTOMER);
  });

  it('is off without a URL', () => {
    for (const config of [{}, { passThroughWebhookUrl: '' }, { passThroughWebhookUrl: null }]) {
      expect(deliveriesForEvent(PLUGIN, config, EVENT, changes('messages', messageValue), [])).toEqual([]);
    }
  });

  it('gets echoes and template events only when their toggles are true', () => {
    const echoes = changes('smb_message_echoes', echoValue);
    const templates = changes('message_template_status_update', templateValue);
    expect(deliveriesForEvent(PLUGIN, passThrough, EVENT, echoes, [])).toEqual([]);
    expect(deliveriesForEvent(PLUGIN, passThrough, EVENT, templates, [])).toEqual([]);
    expect(deliveriesForEvent(PLUGIN, { ...passThrough, enableMessageEchoesForPassThroughWebhook: 'true' }, EVENT, echoes, [])).toEqual([]);

    const on = {
      ...passThrough,
      enableMessageEchoesForPassThroughWebhook: true,
      enableSendMessageTemplateEventForPassThroughWebhook: true,
    };
    expect(deliveriesForEvent(PLUGIN, on, EVENT, echoes, [])).toEqual([
      {
        destination: `${PLUGIN}:passthrough`,
        event: 'passthrough.smb_message_echoes',
        orderKey: CUSTOMER,
        body: { inboundEventId: EVENT },
      },
    ]);
    // About no customer: ordered among the plugin's other such events.
    expect(deliveriesForEvent(PLUGIN, on, EVENT, templates, [])).toEqual([
      {
        destination: `${PLUGIN}:passthrough`,
        event: 'passthrough.message_template_status_update',
        orderKey: PLUGIN,
        body: { inboundEventId: EVENT },
      },
    ]);
  });

  it('gets nothing for an event with no news (a redelivery: no change given)', () => {
    expect(deliveriesForEvent(PLUGIN, { ...passThrough, ...chakra() }, EVENT, [], [])).toEqual([]);
  });
});

describe('the Chakra webhook', () => {
  it('gets a message event with the stored chat message, the contact and Meta’s message', () => {
    const [d] = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', messageValue), [messageFact()]);
    expect(d).toMatchObject({ destination: `${PLUGIN}:chakra`, event: 'message', orderKey: CUSTOMER });
    expect(bodyOf(d)).toEqual({
      event: 'message',
      payload: {
        pluginId: PLUGIN,
        wabaId: WABA,
        whatsappPhoneNumberId: PNID,
        // The chat message as the chat API shows it.
        chatMessage: expect.objectContaining({
          id: stored.id,
          externalId: incoming.id,
          direction: 'INCOMING',
          text: 'Is it shipped?',
          deliveryStatus: 'DELIVERED',
          createdAt: 1795945841000,
        }),
        contact: { phoneNumber: CUSTOMER, name: 'Asha' },
        message: incoming,
        contacts: messageValue.contacts,
        timestamp: 1795945841000,
      },
    });
  });

  it('is off unless enabled with a URL', () => {
    const facts = [messageFact()];
    for (const config of [
      { ...chakra(), enableChakraWebhook: false },
      { ...chakra(), enableChakraWebhook: 'true' },
      { ...chakra(), chakraWebhookUrl: '' },
    ]) {
      expect(deliveriesForEvent(PLUGIN, config, EVENT, changes('messages', messageValue), facts)).toEqual([]);
    }
  });

  it('gets a status and, for a message this server sent, the legacy deliveryStatus, in that order', () => {
    const out = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(sentStatus)), [
      statusFact(sentStatus, 'DELIVERED'),
    ]);
    expect(out.map((d) => [d.event, d.orderKey])).toEqual([
      ['status', CUSTOMER],
      ['deliveryStatus', CUSTOMER],
    ]);
    const common = {
      id: 'c0a8e1b2-0000-4000-8000-000000000002',
      externalId: sentStatus.id,
      deliveryStatus: 'DELIVERED',
      timestamp: 1795945850000,
      recipientId: CUSTOMER,
    };
    expect(bodyOf(out[0])).toEqual({ event: 'status', payload: { pluginId: PLUGIN, wabaId: WABA, ...common } });
    expect(bodyOf(out[1])).toEqual({ event: 'deliveryStatus', payload: common });
  });

  it('a status that is not news (a repeat, or behind the stored one) is not sent', () => {
    expect(
      deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(sentStatus)), [
        statusFact(sentStatus, 'DELIVERED', false),
      ]),
    ).toEqual([]);
  });

  it('a status of a message this server does not know is sent the first time only, with no id and no deliveryStatus', () => {
    const unknown = (fresh: boolean): Fact => ({
      kind: 'status',
      wabaId: WABA,
      value: statusValue(sentStatus),
      status: sentStatus,
      deliveryStatus: 'DELIVERED',
      outcome: { message: null, fresh },
    });
    const out = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(sentStatus)), [unknown(true)]);
    expect(out.map((d) => d.event)).toEqual(['status']);
    expect(bodyOf(out[0]).payload).toMatchObject({ id: null, externalId: sentStatus.id });
    expect(deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(sentStatus)), [unknown(false)])).toEqual([]);
  });

  it("a failed status carries Meta's errors as code, title and message, and has no legacy deliveryStatus", () => {
    const out = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(failedStatus)), [
      statusFact(failedStatus, 'FAILED'),
    ]);
    expect(out.map((d) => d.event)).toEqual(['status']);
    expect(bodyOf(out[0]).payload.errors).toEqual([{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }]);
    // Meta's older shape has no message: the details stand in.
    const older = {
      ...failedStatus,
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          error_data: {
            details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
        },
      ],
    };
    const [d] = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('messages', statusValue(older)), [statusFact(older, 'FAILED')]);
    expect(bodyOf(d).payload.errors).toEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    ]);
  });

  it('gets echoes as smb_message_echo or message_echo, ordered by the customer they went to', () => {
    const fact = (field: string): Fact => ({ kind: 'echo', wabaId: WABA, field, value: echoValue, message: echo });
    const [smb] = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('smb_message_echoes', echoValue), [fact('smb_message_echoes')]);
    expect(smb).toMatchObject({ event: 'smb_message_echo', orderKey: CUSTOMER });
    expect(bodyOf(smb)).toEqual({
      event: 'smb_message_echo',
      payload: {
        pluginId: PLUGIN,
        wabaId: WABA,
        whatsappPhoneNumberId: PNID,
        contact: { phoneNumber: CUSTOMER },
        message: echo,
        timestamp: 1795945870000,
      },
    });
    const [api] = deliveriesForEvent(PLUGIN, chakra(), EVENT, changes('message_echoes', echoValue), [fact('message_echoes')]);
    expect(api.event).toBe('message_echo');
  });

  it('gets only the kinds whichChakraWebhookEventsToSend lists (every kind when it lists none)', () => {
    const facts = [messageFact(), statusFact(sentStatus, 'DELIVERED')];
    const kinds = (events: string[]) =>
      deliveriesForEvent(PLUGIN, chakra(events), EVENT, changes('messages', messageValue), facts).map((d) => d.event);
    expect(kinds([])).toEqual(['message', 'status', 'deliveryStatus']);
    expect(kinds(['status'])).toEqual(['status']);
    expect(kinds(['deliveryStatus', 'message'])).toEqual(['message', 'deliveryStatus']);
    expect(kinds(['smb_message_echo'])).toEqual([]);
  });
});

it('an event for both webhooks gives the pass-through delivery first, then the Chakra ones in the order of the facts', () => {
  const config = { ...passThrough, ...chakra() };
  const out = deliveriesForEvent(PLUGIN, config, EVENT, changes('messages', messageValue), [messageFact(), statusFact(sentStatus, 'READ')]);
  expect(out.map((d) => `${d.destination.split(':')[1]} ${d.event}`)).toEqual([
    'passthrough passthrough.messages',
    'chakra message',
    'chakra status',
    'chakra deliveryStatus',
  ]);
});
