/**
 * The WhatsApp Calling pass-through's shapes (docs/whatsapp.md#calling): Meta's own, as
 * ChakraHQ's chat SDK sends them. Bodies are passed to Meta verbatim, so they are checked only
 * as far as every call needs (the action and who it is for); Meta checks the rest.
 */
import { Type } from '@sinclair/typebox';
import { named } from '../../core/http/openapi-document.ts';
import { StringEnum } from '../../core/schema-types.ts';
import { GraphVersion } from '../graph/graph-client.ts';

export const CallingParams = Type.Object({
  ver: GraphVersion,
  pnid: Type.String({ pattern: '^[0-9]{1,32}$', description: "one of the team's WhatsApp phone number ids" }),
});

export const SettingsQuery = Type.Object({
  include_sip_credentials: Type.Optional(StringEnum(['true', 'false'], { description: "include the SIP servers' passwords" })),
});

export const PermissionsQuery = Type.Object({
  user_wa_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: "the customer's WhatsApp number, digits only" })),
  recipient: Type.Optional(Type.String({ maxLength: 128, description: 'or the business-scoped user id (BSUID)' })),
});

const Session = named(
  'CallSession',
  Type.Object(
    {
      sdp_type: StringEnum(['offer', 'answer']),
      sdp: Type.String({ minLength: 1, maxLength: 65_536, description: 'RFC 8866 SDP' }),
    },
    { additionalProperties: false },
  ),
);

/** Recording or transcription of a call. */
const Capture = named(
  'CallCapture',
  Type.Object(
    {
      status: StringEnum(['ENABLED', 'DISABLED']),
      purpose: Type.Optional(Type.String()),
      announcement_language: Type.Optional(Type.String()),
    },
    { additionalProperties: true },
  ),
);

export const CallAction = named(
  'CallAction',
  Type.Object(
    {
      messaging_product: Type.Literal('whatsapp'),
      action: StringEnum(['connect', 'pre_accept', 'accept', 'reject', 'terminate']),
      to: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{1,20}$', description: 'connect: the customer, digits with country code' })),
      recipient: Type.Optional(Type.String({ maxLength: 128, description: 'connect: or the business-scoped user id' })),
      call_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'the other actions: the call' })),
      session: Type.Optional(Session),
      biz_opaque_callback_data: Type.Optional(Type.String({ maxLength: 512 })),
      recording: Type.Optional(Capture),
      transcription: Type.Optional(Capture),
    },
    {
      additionalProperties: true,
      description: "Meta's `POST /{phone-number-id}/calls` body",
      examples: [
        {
          messaging_product: 'whatsapp',
          action: 'connect',
          to: '919876543210',
          session: {
            sdp_type: 'offer',
            sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n',
          },
          biz_opaque_callback_data: 'lead-LEAD-1001',
        },
      ],
    },
  ),
);

export const CallingSettingsUpdate = named(
  'CallingSettingsUpdate',
  Type.Object(
    {
      calling: Type.Object(
        {
          status: Type.Optional(StringEnum(['ENABLED', 'DISABLED'])),
          call_icon_visibility: Type.Optional(Type.String({ description: 'DEFAULT or DISABLE_ALL' })),
          callback_permission_status: Type.Optional(StringEnum(['ENABLED', 'DISABLED'])),
          call_hours: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'replaced whole when given' })),
          sip: Type.Optional(
            Type.Object({}, { additionalProperties: true, description: 'SIP servers; credentials are passed to Meta, never stored' }),
          ),
        },
        { additionalProperties: true },
      ),
    },
    {
      additionalProperties: true,
      description: "Meta's `POST /{phone-number-id}/settings` body",
      examples: [
        {
          calling: {
            status: 'ENABLED',
            call_icon_visibility: 'DEFAULT',
            callback_permission_status: 'ENABLED',
            call_hours: {
              status: 'ENABLED',
              timezone_id: 'Asia/Kolkata',
              weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1800' }],
              holiday_schedule: [{ date: '2027-01-26', start_time: '0000', end_time: '2359' }],
            },
          },
        },
      ],
    },
  ),
);

/** Meta's answer, passed back as Meta gave it. */
export const MetaAnswer = named(
  'MetaCallingAnswer',
  Type.Object(
    {
      messaging_product: Type.Optional(Type.String()),
      success: Type.Optional(Type.Boolean()),
      calls: Type.Optional(Type.Array(Type.Object({ id: Type.String() }, { additionalProperties: true }))),
    },
    {
      additionalProperties: true,
      description:
        "Meta's JSON as Meta answered it: `{messaging_product, success}`, `{messaging_product, calls: [{id}]}` for a connect, the settings or the permissions object",
    },
  ),
);
