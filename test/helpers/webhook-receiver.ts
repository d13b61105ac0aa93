/**
 * A customer's webhook endpoint on a real port: records every request (headers and exact
 * bytes), answers as the test says (a status, a delay, a dropped connection), and can go
 * down (connection refused) and come back up on the same port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  json: any;
  at: number;
}

type Answer = number | { status: number; delayMs?: number; headers?: Record<string, string>; body?: string };

export interface Receiver {
  url: string;
  received: Received[];
  /** How to answer the next requests (default 200). */
  answer: (req: Received) => Answer;
  /** Resolves once `n` requests came in (or rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  /** Stops listening: attempts meet "connection refused". */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<import('node:net').Socket>();
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: () => 200,
    async waitFor(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (receiver.received.length < n) {
        if (Date.now() > until) throw new Error(`receiver: ${receiver.received.length} of ${n} requests after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return receiver.received;
    },
    async down() {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    async up() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(raw);
          } catch {
            json = undefined;
          }
          const got: Received = { headers: req.headers, raw, json, at: Date.now() };
          receiver.received.push(got);
          const a = receiver.answer(got);
          const { status, delayMs = 0, headers = {}, body = '' } = typeof a === 'number' ? { status: a } : a;
          if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
          res.writeHead(status, headers).end(body);
        });
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      receiver.url = `http://127.0.0.1:${port}${path}`;
    },
    close: () => receiver.down(),
  };
  await receiver.up();
  return receiver;
}
