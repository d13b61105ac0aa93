/** The Graph client against real local servers: a silent one, a closed port, a slow one. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../core/secrets.ts';
import type { PluginRow } from '../plugins/repo.ts';
import { graphClient } from './graph-client.ts';

const secrets = createSecretBox(Buffer.alloc(32, 7));
const plugin = (url: string): PluginRow => ({
  id: 'p',
  team_id: 't',
  name: 'p',
  graph_api_url: url,
  access_token_enc: secrets.encrypt('token-1'),
  app_secret_enc: null,
  verify_token_enc: null,
  messages_per_second: 80,
  webhook_config: {},
});

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('graph client', () => {
  it("sends the plugin's token and answers Meta's status and JSON", async () => {
    let auth: string | undefined;
    const url = await listen((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":100}}');
    });
    const answer = await graphClient(plugin(url), { secrets, graphUrlOverride: undefined }).call('POST', 'v22.0/1/messages', { body: {} });
    expect(answer).toEqual({ status: 400, body: { error: { code: 100 } } });
    expect(auth).toBe('Bearer token-1');
  });

  it('a Graph API that does not answer in time is UPSTREAM_TIMEOUT (504)', async () => {
    const url = await listen(() => {});
    const call = graphClient(plugin(url), { secrets, graphUrlOverride: undefined, timeoutMs: 200 }).call('GET', 'v22.0/1');
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', status: 504 });
  });

  it('a Graph API that cannot be reached is UPSTREAM_UNAVAILABLE (502)', async () => {
    const url = await listen(() => {});
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const call = graphClient(plugin(url), { secrets, graphUrlOverride: undefined }).call('GET', 'v22.0/1');
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 502 });
  });
});
