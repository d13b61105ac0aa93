/**
 * `client.events.stream` against the real server: events in order, a reconnection after the
 * connection drops resumes with Last-Event-ID (nothing missed, nothing twice), a refused key
 * ends it with ChakraApiError. And the SSE parser on its own, as the standard reads frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChakraApiError, createClient, type ProcessEvent, SseParser } from '../../sdk/src/index.ts';
import { recordChange, teamIdOf } from '../helpers/history.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let demo: string;
beforeAll(async () => {
  s = await startTestServer({ LOG_LEVEL: 'warn' }, undefined, { workers: false });
  demo = await teamIdOf(s.ctx.db, 'demo');
});
afterAll(() => s?.close());

describe('SseParser', () => {
  it('reads frames split anywhere, CR, LF or CRLF, comments, multi-line data and id-only frames', () => {
    const parser = new SseParser();
    const text = 'retry: 1500\r\nid: 1.1\r\n\r\n: keepalive\n\nid: 1.2\nevent: process\ndata: {"a":\ndata: 1}\n\nevent: reset\rdata: x\r\r';
    const messages = [];
    for (let i = 0; i < text.length; i += 3) messages.push(...parser.push(text.slice(i, i + 3)));
    expect(messages).toEqual([
      { event: 'process', data: '{"a":\n1}', id: '1.2' },
      { event: 'reset', data: 'x', id: '1.2' },
    ]);
    expect(parser.retryMs).toBe(1500);
    const idOnly = new SseParser();
    expect(idOnly.push('id: 9.9\n\n')).toEqual([]);
    expect(idOnly.lastEventId).toBe('9.9');
  });
});

describe('client.events.stream', () => {
  it('delivers changes in order and, after the connection drops, resumes where it was', async () => {
    // A fetch that cuts the first connection after its first event, as a flaky network would.
    let connections = 0;
    const lastEventIds: (string | null)[] = [];
    const cutting = async (request: Request) => {
      connections++;
      lastEventIds.push(request.headers.get('last-event-id'));
      const res = await fetch(request);
      if (connections > 1 || !res.body) return res;
      const reader = res.body.getReader();
      let sawEvent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sawEvent) {
            await reader.cancel();
            return controller.error(new TypeError('network error'));
          }
          const { value, done } = await reader.read();
          if (done) return controller.close();
          if (new TextDecoder().decode(value).includes('event: process')) sawEvent = true;
          controller.enqueue(value);
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const client = createClient({ baseUrl: s.url, apiKey: s.demoKey, fetch: cutting });
    const stop = new AbortController();
    const events: ProcessEvent[] = [];
    let opened = 0;
    const running = client.events.stream({
      signal: stop.signal,
      onEvent: (e) => events.push(e),
      onOpen: () => opened++,
    });
    await expect.poll(() => opened).toBe(1);
    const first = await recordChange(s.ctx.db, demo);
    await expect.poll(() => events.length).toBe(1);
    // Written while the client is between connections (it waits `retry: 2000` before the next).
    const missed = await recordChange(s.ctx.db, demo, 2);
    expect(opened).toBe(1); // written before the reconnection, so they can only come as a replay
    await expect.poll(() => opened, { timeout: 10_000 }).toBe(2);
    const live = await recordChange(s.ctx.db, demo);
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(4);
    stop.abort();
    await running;
    expect(events.map((e) => e.id)).toEqual([...first, ...missed, ...live].map((c) => c.eventId));
    expect(events[0]).toMatchObject({ kind: 'updated', processId: first[0].processId, actor: { type: 'key', name: 'test' } });
    expect(lastEventIds).toEqual([null, first[0].eventId]);
  }, 30_000);

  it('rejects with ChakraApiError when the key is refused', async () => {
    const client = createClient({ baseUrl: s.url, apiKey: 'chk_nope' });
    const err = await client.events.stream({ onEvent: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ChakraApiError);
    expect(err.status).toBe(401);
  });
});
