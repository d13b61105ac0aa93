/** `client.whatsapp.chats`: the chat store — conversations and their messages, newest first. */
import { init, page, type RawClient } from '../call.ts';
import type { ListPage, RequestBody, RequestOptions } from '../types.ts';

export function chatsResource(raw: RawClient) {
  return {
    /** The team's chats (`orderField`, `orderDirection`, `search`, `page`, `limit`). */
    list: (query: RequestBody<'listChats'> = {}, options?: RequestOptions): Promise<ListPage<'listChats'>> =>
      page(raw.POST('/v1/ext/chat', { body: query, ...init(options) })),

    /** One chat's messages. */
    messages: (
      chatId: string,
      query: RequestBody<'listChatMessages'> = {},
      options?: RequestOptions,
    ): Promise<ListPage<'listChatMessages'>> =>
      page(raw.POST('/v1/ext/chat/{chatId}/message', { params: { path: { chatId } }, body: query, ...init(options) })),

    /** The messages exchanged with one customer's phone number. */
    messagesForPhoneNumber: (
      query: RequestBody<'listChatMessagesForPhoneNumber'>,
      options?: RequestOptions,
    ): Promise<ListPage<'listChatMessagesForPhoneNumber'>> =>
      page(raw.POST('/v1/ext/plugin/whatsapp/list-chat-messages-for-phone-number', { body: query, ...init(options) })),
  };
}
