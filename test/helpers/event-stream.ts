/** An event stream opened over real HTTP, read with the typed client's own SSE parser. */
import http from 'node:http';
import { type SseMessage, SseParser } from '../../sdk/src/sse.ts';

export interface OpenStream {
  status: number;
  headers: Headers;
  /** Every message so far (process and reset events). */
  messages: SseMessage[];
  /** The raw text received so far. */
  text(): string;
  /** The first `count` messages, once that many arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/**
 * node:http with a connection of its own (no agent): closing the stream closes its socket, and
 * nothing is left behind that a server's close would wait for (fetch's pool may open a spare
 * connection, which the server then holds until its headers timeout).
 */
export async function openEventStream(
  base: string,
  key: string,
  options: { lastEventId?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<OpenStream> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.get(`${base}/v1/ext/events${options.query ?? ''}`, { headers, agent: false }, resolve);
    req.on('error', reject);
  });
  const messages: SseMessage[] = [];
  let raw = '';
  const parser = new SseParser();
  const waiting = new Set<() => void>();
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    raw += chunk;
    if (res.statusCode !== 200) return;
    messages.push(...parser.push(chunk));
    for (const wake of waiting) wake();
  });
  const ended = new Promise<void>((resolve) => {
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  });
  if (res.statusCode !== 200) await ended;
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
  return {
    status: res.statusCode ?? 0,
    headers: responseHeaders,
    messages,
    text: () => raw,
    ended,
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length >= count) {
            waiting.delete(check);
            clearTimeout(timer);
            resolve(messages.slice(0, count));
          }
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`${messages.length} of ${count} events after ${timeoutMs} ms:\n${raw.slice(-2000)}`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    close: () => res.destroy(),
  };
}
