/** The template-send body, as the official SDK and n8n node send it (docs/whatsapp.md#template-sends). */
import { Type, type Static } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';

const Mapping = Type.Array(
  Type.Object(
    { schemaPropertyName: Type.String(), schemaPropertyValue: Type.Union([Type.String(), Type.Number()]) },
    { additionalProperties: true, title: 'Mapping', description: 'a placeholder\'s name (`"1"` for `{{1}}`) and its value' },
  ),
);
const OptionalText = Type.Optional(Type.Union([Type.String(), Type.Null()]));
const OptionalNumber = Type.Optional(Type.Union([Type.Number(), Type.String(), Type.Null()]));

export const TemplateSendBody = named(
  'TemplateMessageSend',
  Type.Object(
    {
      whatsappPhoneNumberId: Type.Union([Type.String({ minLength: 1 }), Type.Integer()], { description: 'the sending number' }),
      templateName: Type.String({ minLength: 1 }),
      language: OptionalText,
      languageCode: OptionalText,
      mapping: Type.Optional(Mapping),
      headerMapping: Type.Optional(Mapping),
      buttonMapping: Type.Optional(Mapping),
      imageUrl: OptionalText,
      videoUrl: OptionalText,
      documentUrl: OptionalText,
      filename: OptionalText,
      locationLatitude: OptionalNumber,
      locationLongitude: OptionalNumber,
      locationName: OptionalText,
      locationAddress: OptionalText,
      otpCode: OptionalText,
    },
    // Clients add fields of their own; unknown ones are ignored rather than refused.
    { additionalProperties: true },
  ),
  {
    examples: [
      {
        whatsappPhoneNumberId: '775966265503012',
        templateName: 'order_update',
        language: 'en',
        mapping: [
          { schemaPropertyName: '1', schemaPropertyValue: 'Asha' },
          { schemaPropertyName: '2', schemaPropertyValue: '#4521' },
        ],
      },
    ],
  },
);
export type TemplateSend = Static<typeof TemplateSendBody>;
