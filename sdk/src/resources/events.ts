/**
 * `client.events.stream`: the live stream of changes to processes (`GET /v1/ext/events`,
 * Server-Sent Events) over `fetch`, reconnecting with `Last-Event-ID` after a dropped
 * connection so that no event is missed or seen twice (docs/sdk.md#live-events).
 */
import { ChakraApiError } from '../errors.ts';
import type { FetchLike } from '../retry.ts';
import { sleep } from '../sleep.ts';
import { SseParser } from '../sse.ts';

/** One change to a process, as the stream's `process` event carries it. */
export interface ProcessEvent {
  /** `<txid>.<id>`: the event's place in the stream (what `lastEventId` takes). */
  id: string;
  kind: 'created' | 'updated' | 'deleted' | 'task_created' | 'task_completed' | 'task_cancelled' | (string & {});
  /** The procedure's shortId. */
  procedure: string | null;
  procedureId: string;
  processId: string;
  /** For `updated`: `[{field, old, new}]`; for tasks: the task; otherwise null or a summary. */
  changes: unknown;
  actor: { type: 'key' | 'user' | 'system'; id: string | null; name: string };
  /** When the change was made (ISO 8601). */
  at: string;
}

/** Events were dropped (resumed from too far back, or the client did not keep up): refetch what is shown. */
export interface StreamReset {
  id: string;
  reason: 'behind' | 'slow' | (string & {});
}

export interface EventStreamOptions {
  /** Resume after this event (a `ProcessEvent.id`); without it the stream starts now. */
  lastEventId?: string;
  /** Stops the stream: `stream()` then resolves. */
  signal?: AbortSignal;
  onEvent: (event: ProcessEvent) => void;
  /** Refetch the views: events were dropped. Without it, resets are ignored. */
  onReset?: (reset: StreamReset) => void;
  /** The connection was (re)opened; `lastEventId` is where it resumes. */
  onOpen?: (info: { lastEventId: string | undefined }) => void;
  /** The connection dropped (or was refused for a while); it is reopened after `retryMs`. */
  onDisconnect?: (error: unknown, retryMs: number) => void;
}

/** Statuses after which reconnecting may work; any other refusal (401, 403, 400) ends the stream with a ChakraApiError. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
const DEFAULT_RETRY_MS = 2000;
const MAX_RETRY_MS = 30_000;

export function eventsResource(options: {
  baseUrl: string;
  /** Absent in a browser signed in with a session: the cookie goes instead (`credentials`). */
  apiKey?: string;
  credentials?: RequestCredentials;
  headers?: Record<string, string>;
  fetch: FetchLike;
}) {
  return {
    /**
     * Listens until `signal` aborts, calling `onEvent` for each change, in order, once each.
     * Rejects only when the server refuses the stream for good (a `ChakraApiError`: a revoked
     * key, a missing privilege); network failures and 5xx are retried.
     *
     * @example
     * const stop = new AbortController();
     * void client.events.stream({ signal: stop.signal, onEvent: (e) => refresh(e.processId), onReset: refetchAll });
     */
    async stream({ lastEventId, signal, onEvent, onReset, onOpen, onDisconnect }: EventStreamOptions): Promise<void> {
      let last = lastEventId;
      let retryMs = DEFAULT_RETRY_MS;
      let failures = 0;
      while (!signal?.aborted) {
        try {
          const headers: Record<string, string> = { ...options.headers, Accept: 'text/event-stream' };
          if (options.apiKey !== undefined) headers.Authorization = `Bearer ${options.apiKey}`;
          if (last) headers['Last-Event-ID'] = last;
          const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/ext/events`;
          const res = await options.fetch(
            new Request(url, { headers, signal, ...(options.credentials ? { credentials: options.credentials } : {}) }),
          );
          if (!res.ok || !res.body) {
            const text = await res.text();
            let body: unknown = text;
            try {
              body = JSON.parse(text);
            } catch {}
            const error = new ChakraApiError({ status: res.status, body, headers: res.headers, url });
            if (!TRANSIENT.has(res.status)) throw error;
            throw Object.assign(error, { transient: true });
          }
          failures = 0;
          onOpen?.({ lastEventId: last });
          const parser = new SseParser(last ?? '');
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const message of parser.push(value)) {
              if (message.event === 'process') onEvent(JSON.parse(message.data) as ProcessEvent);
              else if (message.event === 'reset') onReset?.(JSON.parse(message.data) as StreamReset);
              // Event by event: if a handler throws, the reconnection replays from that event on,
              // not the ones of this chunk already handled.
              last = message.id || last;
            }
            // An id-only frame (the stream's start) moves the position too.
            last = parser.lastEventId || last;
            if (parser.retryMs !== undefined) retryMs = parser.retryMs;
          }
          throw new Error('the event stream ended');
        } catch (err) {
          if (signal?.aborted) return;
          if (err instanceof ChakraApiError && !(err as { transient?: boolean }).transient) throw err;
          failures++;
          const retryAfter = err instanceof ChakraApiError ? err.retryAfterMs : undefined;
          const wait = Math.min(MAX_RETRY_MS, retryAfter ?? retryMs * 2 ** Math.max(0, failures - 1));
          onDisconnect?.(err, wait);
          try {
            await sleep(wait, signal);
          } catch {
            return;
          }
        }
      }
    },
  };
}
