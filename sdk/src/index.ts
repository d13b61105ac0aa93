/**
 * @chakra-server/sdk: a typed client for chakra-server and the ChakraHQ external API
 * (docs/sdk.md). Types come from the server's OpenAPI document; the runtime is openapi-fetch.
 */
export { type ChakraClient, type ClientOptions, createClient } from './client.ts';
export { ChakraApiError, type ChakraErrorDetail, type MetaError } from './errors.ts';
export type { RawClient, UploadableFile } from './call.ts';
export type { RetryOptions, FetchLike } from './retry.ts';
export type { ListPage, OperationId, QueryParams, RequestBody, RequestOptions, ResponseData, ResponseMeta } from './types.ts';
export type { BackgroundJob, WaitForOptions } from './resources/jobs.ts';
export type {
  Process,
  ProcessHistoryEntry,
  ProcessHistoryQuery,
  ProcessIterateQuery,
  ProcessListQuery,
} from './resources/processes.ts';
export type { PhotoUpload } from './resources/photos.ts';
export type { SavedView } from './resources/views.ts';
export type { EventStreamOptions, ProcessEvent, StreamReset } from './resources/events.ts';
export { SseParser, type SseMessage } from './sse.ts';
export type { TemplateSendBody, TemplateSendOptions } from './whatsapp/template-messages.ts';
export type { SessionMessageParams } from './whatsapp/session-messages.ts';
export type { ReceivedMediaParams, UploadPublicMediaParams } from './whatsapp/media.ts';
/** The generated types, for operations the facade does not wrap (use them with `client.raw`). */
export type { operations, paths } from './generated/openapi.ts';
export type { WabaParams } from './whatsapp/templates.ts';
export type { CallActionAnswer, CallIdParams, CallingBaseParams, ConnectCallParams, SessionCallParams } from './whatsapp/calling.ts';
