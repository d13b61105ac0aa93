import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { ChatMessageOut, ChatOut, ChatPageMeta } from './schemas.ts';
import { invalid } from '../../core/errors.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses } from '../../core/http/route-schema.ts';
import { phoneDigits } from '../../features/attributes/check-value.ts';
import { listChats, messagesForPhone, messagesOfChat } from './service.ts';
import { MAX_PAGE } from '../../core/http/paging.ts';
import { named } from '../../core/http/openapi-document.ts';

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, default: 1, description: 'from 1 (0 counts as 1)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
const ChatsBody = named(
  'ChatListQuery',
  Type.Object(
    {
      orderField: Type.Optional(
        Type.Unsafe<'createdAt' | 'updatedAt' | 'lastMessageAt'>({
          type: 'string',
          enum: ['createdAt', 'updatedAt', 'lastMessageAt'],
          default: 'createdAt',
        }),
      ),
      orderDirection: Type.Optional(Type.Unsafe<'asc' | 'desc'>({ type: 'string', enum: ['asc', 'desc'], default: 'desc' })),
      search: Type.Optional(Type.String({ description: "part of the customer's phone number or name" })),
      ...Page,
    },
    { additionalProperties: false },
  ),
  { examples: [{ page: 1, limit: 20 }] },
);
const ChatMessagesBody = named('ChatMessageListQuery', Type.Object(Page, { additionalProperties: false }), {
  examples: [{ page: 1, limit: 50 }],
});
const PhoneBody = named(
  'PhoneChatMessagesQuery',
  Type.Object(
    {
      customerPhoneNumber: Type.Union([Type.String(), Type.Integer()], { description: 'digits with country code' }),
      ...Page,
    },
    { additionalProperties: false },
  ),
  { examples: [{ customerPhoneNumber: '919876543210', limit: 20 }] },
);

const ChatParams = Type.Object({ chatId: Type.String() });
const chatsResponse = { 200: Envelope(Type.Array(ChatOut), ChatPageMeta), ...errorResponses };
const messagesResponse = { 200: Envelope(Type.Array(ChatMessageOut), ChatPageMeta), ...errorResponses };
const paging = (b: { page?: number; limit?: number }) => ({ page: Math.max(1, b.page ?? 1), limit: b.limit ?? 20 });

export function chatRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: Static<typeof ChatsBody> }>(
      '/v1/ext/chat',
      {
        config: { auth: 'key', privilege: 'whatsapp:send' },
        schema: {
          tags: ['whatsapp'],
          summary: "List the team's chats",
          operationId: 'listChats',
          body: ChatsBody,
          response: chatsResponse,
        },
      },
      async (request) => {
        const b = request.body ?? {};
        const search = b.search?.trim() ? b.search.trim() : undefined;
        const { page, meta } = await listChats(ctx.db, teamIdOf(request), {
          ...paging(b),
          orderField: b.orderField ?? 'createdAt',
          descending: (b.orderDirection ?? 'desc') === 'desc',
          search,
        });
        return ok(page, meta);
      },
    );
    app.post<{ Params: Static<typeof ChatParams>; Body: Static<typeof ChatMessagesBody> }>(
      '/v1/ext/chat/:chatId/message',
      {
        config: { auth: 'key', privilege: 'whatsapp:send' },
        schema: {
          tags: ['whatsapp'],
          summary: 'Messages of one chat, newest first',
          operationId: 'listChatMessages',
          params: ChatParams,
          body: ChatMessagesBody,
          response: messagesResponse,
        },
      },
      async (request) => {
        const { page, meta } = await messagesOfChat(ctx.db, teamIdOf(request), request.params.chatId, paging(request.body ?? {}));
        return ok(page, meta);
      },
    );
    app.post<{ Body: Static<typeof PhoneBody> }>(
      '/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number',
      {
        config: { auth: 'key', privilege: 'whatsapp:send' },
        schema: {
          tags: ['whatsapp'],
          summary: 'Chat messages exchanged with a customer phone number, newest first',
          operationId: 'listChatMessagesForPhoneNumber',
          body: PhoneBody,
          response: messagesResponse,
        },
      },
      async (request) => {
        const phone = phoneDigits(request.body.customerPhoneNumber);
        if (!phone.ok) throw invalid('customerPhoneNumber', phone.message);
        const { page, meta } = await messagesForPhone(ctx.db, teamIdOf(request), phone.value as string, paging(request.body));
        return ok(page, meta);
      },
    );
  };
}
