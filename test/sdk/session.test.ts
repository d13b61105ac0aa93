/**
 * The client in a browser signed in with a session (the web console): no API key, cookies sent
 * (`credentials`), and the session's CSRF token on every state-changing call, read when the call
 * is sent (it changes at sign-in), never on reads. Against a tiny local server that records what it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../sdk/src/index.ts';

let server: Server;
let base: string;
const seen: { method: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method!, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ _data: [], _meta: {}, _errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('sends no Authorization without a key, and the CSRF token on mutating calls only', async () => {
  let token: string | undefined;
  const seenCredentials: (string | undefined)[] = [];
  const client = createClient({
    baseUrl: base,
    credentials: 'include',
    csrfToken: () => token,
    fetch: (request, init) => {
      seenCredentials.push(request.credentials);
      return fetch(request, init);
    },
  });
  await client.config.get();
  await client.processes.list('lead', { limit: 1 }); // a POST, before sign-in: no token to send
  token = 'csrf-1';
  await client.config.get();
  await client.processes.list('lead', { limit: 1 });
  expect(seen.map((s) => [s.method, s.headers.authorization, s.headers['x-csrf-token']])).toEqual([
    ['GET', undefined, undefined],
    ['POST', undefined, undefined],
    ['GET', undefined, undefined],
    ['POST', undefined, 'csrf-1'],
  ]);
  expect(seenCredentials).toEqual(['include', 'include', 'include', 'include']);
});

it('keeps the bearer key when one is given', async () => {
  seen.length = 0;
  await createClient({ baseUrl: base, apiKey: 'chk_x' }).config.get();
  expect(seen[0].headers.authorization).toBe('Bearer chk_x');
});
