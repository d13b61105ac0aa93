/** WHATSAPP_GRAPH_URL=sandbox sends every plugin's Graph calls to the bundled sandbox, whatever its own graphApiUrl. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.ts';
import { PLUGIN, WABA } from './helpers/demo-whatsapp.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

let s: TestServer;
/** The same server without WHATSAPP_GRAPH_URL, on the same database. */
let direct: FastifyInstance;
const templates = `/v1/ext/plugin/whatsapp/api/v22.0/${WABA}/message_templates`;

beforeAll(async () => {
  s = await startTestServer({ WHATSAPP_GRAPH_URL: 'sandbox', KEY_CACHE_TTL_MS: '0' });
  // The demo plugin now points at a port nobody listens on: only the override can reach a Graph API.
  await s.ctx.db.run('update whatsapp_plugins set graph_api_url = $1 where id = $2', ['http://127.0.0.1:9', PLUGIN]);
  direct = (await buildServer({ ...s.ctx, config: { ...s.ctx.config, whatsappGraphUrl: undefined } })).app;
  await direct.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await direct?.close();
  await s?.close();
});

describe('WHATSAPP_GRAPH_URL=sandbox', () => {
  it("answers a plugin that points elsewhere from the sandbox's templates", async () => {
    const res = await call(s.url, 'GET', templates, { key: s.demoKey });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.map((t: { name: string }) => t.name)).toContain('hello_world');
  });

  it('without it, the same plugin goes to its own (unreachable) URL', async () => {
    const port = (direct.server.address() as { port: number }).port;
    const res = await call(`http://127.0.0.1:${port}`, 'GET', templates, { key: s.demoKey });
    expect(res.status).toBe(502);
    expect(res.json._meta.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
