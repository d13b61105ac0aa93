import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../core/context.ts';
import { ok } from '../../core/envelope.ts';
import { invalid } from '../../core/errors.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { phoneDigits } from '../../features/attributes/check-value.ts';
import { messagesForPhone } from './service.ts';

const PhoneBody = Type.Object(
  {
    customerPhoneNumber: Type.Union([Type.String(), Type.Integer()], { description: 'digits with country code' }),
    page: Type.Optional(Type.Integer({ minimum: 0, default: 1, description: 'from 1 (0 counts as 1)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export function chatRoutes(ctx: AppContext) {
  return async function (app: FastifyInstance) {
    app.post<{ Body: Static<typeof PhoneBody> }>(
      '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number',
      {
        config: { auth: 'key', privilege: 'whatsapp:send' },
        schema: {
          tags: ['whatsapp'],
          summary: 'Chat messages exchanged with a customer phone number, newest first',
          body: PhoneBody,
          response: { 200: Type.Object({ _data: Type.Array(Type.Unknown()), _meta: Type.Object({}, { additionalProperties: true }), _errors: Type.Array(Type.String()) }), ...errorResponses },
        },
      },
      async (request) => {
        const phone = phoneDigits(request.body.customerPhoneNumber);
        if (!phone.ok) throw invalid('customerPhoneNumber', phone.message);
        const { page, meta } = await messagesForPhone(ctx.db, teamIdOf(request), phone.value as string, Math.max(1, request.body.page ?? 1), request.body.limit ?? 20);
        return ok(page, meta);
      },
    );
  };
}
