/** The plugin's webhook settings, as `GET …/config` answers and `POST …/update-config` takes them. */
import { Type, type Static } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';

export const CHAKRA_WEBHOOK_EVENTS = ['message', 'status', 'message_echo', 'smb_message_echo', 'deliveryStatus', 'call'] as const;

const Url = Type.Union([Type.String({ description: 'http(s) URL; an empty string clears it' }), Type.Null()]);

export const PluginConfigOut = named(
  'WhatsappPluginConfig',
  Type.Object({
    passThroughWebhookUrl: Type.Union([Type.String(), Type.Null()]),
    enableMessageEchoesForPassThroughWebhook: Type.Boolean(),
    enableSendMessageTemplateEventForPassThroughWebhook: Type.Boolean(),
    enableChakraWebhook: Type.Boolean(),
    chakraWebhookUrl: Type.Union([Type.String(), Type.Null()]),
    whichChakraWebhookEventsToSend: Type.Array(Type.String()),
  }),
);
export type PluginConfig = Static<typeof PluginConfigOut>;

export const PluginConfigUpdate = named(
  'WhatsappPluginConfigUpdate',
  Type.Object(
    {
      passThroughWebhookUrl: Type.Optional(Url),
      enableMessageEchoesForPassThroughWebhook: Type.Optional(Type.Boolean()),
      enableSendMessageTemplateEventForPassThroughWebhook: Type.Optional(Type.Boolean()),
      enableChakraWebhook: Type.Optional(Type.Boolean()),
      chakraWebhookUrl: Type.Optional(Url),
      whichChakraWebhookEventsToSend: Type.Optional(
        Type.Array(Type.Unsafe<(typeof CHAKRA_WEBHOOK_EVENTS)[number]>({ type: 'string', enum: [...CHAKRA_WEBHOOK_EVENTS] }), {
          uniqueItems: true,
        }),
      ),
    },
    { additionalProperties: false },
  ),
  {
    examples: [
      {
        enableChakraWebhook: true,
        chakraWebhookUrl: 'https://hooks.example.com/whatsapp',
        whichChakraWebhookEventsToSend: ['message', 'deliveryStatus'],
      },
    ],
  },
);
export type PluginConfigChanges = Static<typeof PluginConfigUpdate>;

export const PluginParams = Type.Object({ pluginId: Type.String({ description: 'the WhatsApp plugin id' }) });
