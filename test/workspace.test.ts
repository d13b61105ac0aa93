import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORKSPACE_FILE } from '../src/app.ts';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { demoWorkspaceBody } from './helpers/demo-workspace.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const DEMO_YAML = readFileSync(DEMO_WORKSPACE_FILE, 'utf8');
const ADMIN_TOKEN = 'operator-token-for-tests-0123456789';
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ CHAKRA_ADMIN_TOKEN: ADMIN_TOKEN });
});
afterAll(() => s?.close());

/** The demo as a team's admin would send it: without the operator's references to the server's environment. */
const demo = demoWorkspaceBody;
const apply = (body: unknown, key = s.demoKey) => call(s.url, 'POST', '/v1/admin/workspace', { key, body });
const applyYaml = (text: string) =>
  call(s.url, 'POST', '/v1/admin/workspace', { key: ADMIN_TOKEN, raw: text, headers: { 'content-type': 'application/yaml' } });

async function rowCounts() {
  const tables = ['teams', 'roles', 'pods', 'users', 'entities', 'procedures', 'states', 'attributes', 'state_tasks', 'whatsapp_plugins'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = (await s.ctx.db.query(`select count(*)::int as n from ${t}`))[0].n;
  return out;
}

describe('applying a workspace', () => {
  it('applying the demo again (YAML over HTTP) changes nothing', async () => {
    const before = await s.ctx.db.query('select id, updated_at from procedures order by id');
    const res = await applyYaml(DEMO_YAML);
    expect(res.status, res.text).toBe(200);
    expect(res.json._data).toMatchObject({ created: 0, updated: 0, generatedSecrets: [] });
    expect(res.json._data.unchanged).toBeGreaterThan(30);
    expect(res.json._data.teams).toEqual([{ id: expect.any(String), shortId: 'demo' }]);
    expect(await s.ctx.db.query('select id, updated_at from procedures order by id')).toEqual(before);
  });

  it('updates what changed, creates what is new, and the config API shows it at once', async () => {
    const ws = demo();
    ws.teams[0].procedures[0].name = 'Sales lead';
    ws.teams[0].procedures[0].attributes.push({ shortId: 'channel', name: 'Channel', type: 'string' });
    const res = await apply(ws);
    expect(res.status, res.text).toBe(200);
    expect(res.json._data).toMatchObject({ created: 1, updated: 1 });
    const config = await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey });
    const lead = config.json._data.procedures.find((p: any) => p.shortId === 'lead');
    expect(lead.name).toBe('Sales lead');
    const channel = config.json._data.attributes.find((a: any) => a.shortId === 'channel');
    expect(channel).toBeDefined();
    expect(lead.attributes).toContain(channel.id);
  });

  it('never deletes: objects missing from the file stay', async () => {
    const ws = demo();
    ws.teams[0].roles = ws.teams[0].roles.filter((r: any) => r.shortId === 'admin');
    ws.teams[0].procedures = ws.teams[0].procedures.filter((p: any) => p.shortId !== 'fieldvisit');
    const before = await rowCounts();
    expect((await apply(ws)).status).toBe(200);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a document with errors whole, naming each path, and writes nothing', async () => {
    const ws = demo();
    ws.teams.push({ shortId: 'newteam', name: 'New team' }); // valid on its own: must not be created either
    ws.teams[0].procedures[1].states.push({ shortId: 'OPEN', name: 'Again', status: 'OPEN' });
    ws.teams[0].procedures[0].attributes[3].type = 'strng';
    const before = await rowCounts();
    const res = await call(s.url, 'POST', '/v1/admin/workspace', { body: ws, headers: { authorization: `Bearer ${s.demoKey}` } });
    expect(res.status).toBe(400);
    expect(res.json._meta.code).toBe('WORKSPACE_INVALID');
    expect(res.json._errors).toEqual(
      expect.arrayContaining([
        'teams[0].procedures[1].states: duplicate shortId OPEN',
        'teams[0].procedures[0].attributes[3].type: unknown type "strng"',
      ]),
    );
    expect(res.json._meta.details.map((d: any) => d.path)).toContain('teams[0].procedures[0].attributes[3].type');
    expect(await rowCounts()).toEqual(before);
  });

  it('reports rule violations a schema cannot express', async () => {
    const ws = demo();
    const lead = ws.teams[0].procedures[0];
    lead.states[1].default = 'start';
    lead.primaryKey = 'nope';
    lead.stateTasks[1].states = ['CONTACTED', 'GONE'];
    ws.teams[0].procedures[1].attributes[2].options = undefined;
    ws.teams[0].users[0].pods = ['south'];
    const res = await apply(ws);
    expect(res.status).toBe(400);
    expect(res.json._errors).toEqual(
      expect.arrayContaining([
        'teams[0].procedures[0].states: exactly one state must have default: start (found 2)',
        'teams[0].procedures[0].primaryKey: nope is not an attribute of procedure lead',
        expect.stringMatching(/^teams\[0\]\.procedures\[0\]\.stateTasks\[1\]\.states\[1\]: unknown state GONE \(states: NEW, /),
        'teams[0].procedures[1].attributes[2].options: is required for type integerEnum',
        'teams[0].users[0].pods[0]: unknown pod south',
      ]),
    );
  });

  it('reports shape errors with their paths, as WORKSPACE_INVALID for JSON bodies too', async () => {
    const res = await apply({ version: 2, teams: [{ shortId: '9bad', name: '' }] });
    expect(res.status).toBe(400);
    expect(res.json._meta.code).toBe('WORKSPACE_INVALID');
    const paths = res.json._meta.details.map((d: any) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'teams[0].shortId', 'teams[0].name']));
  });

  it('names every allowed value when a privilege is unknown', async () => {
    const ws = demo();
    ws.teams[0].roles[1].privileges = ['process:read', 'process:fly'];
    const res = await apply(ws);
    expect(res.status).toBe(400);
    expect(res.json._errors).toEqual([
      expect.stringMatching(/^teams\[0\]\.roles\[1\]\.privileges\[1\]: must be one of "process:read", "process:write", .*"admin"$/),
    ]);
  });

  it('refuses a secret given more than one way', async () => {
    const res = await apply(
      { version: 1, teams: [{ shortId: 'demo', name: 'Demo Company', hmacSecretEnv: 'X', hmacSecretFile: '/tmp/x' }] },
      ADMIN_TOKEN,
    );
    expect(res.status).toBe(400);
    expect(res.json._errors).toEqual(['teams[0].hmacSecretFile: give one of hmacSecretEnv, hmacSecretFile']);
    const byValue = await apply({ version: 1, teams: [{ shortId: 'demo', name: 'Demo Company', hmacSecret: 'v', hmacSecretEnv: 'X' }] });
    expect(byValue.json._errors).toEqual(['teams[0].hmacSecretEnv: give one of hmacSecret, hmacSecretEnv']);
  });

  it('reports a YAML syntax error with its line', async () => {
    const res = await applyYaml('version: 1\nteams:\n  - shortId: demo\n    name: [unclosed\n');
    expect(res.status).toBe(400);
    expect(res.json._meta.code).toBe('WORKSPACE_INVALID');
    expect(res.json._errors[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('refuses a role reference to an unknown role, naming the user', async () => {
    const ws = demo();
    ws.teams[0].users[1].role = 'ghost';
    const res = await apply(ws);
    expect(res.status).toBe(400);
    expect(res.json._errors.join('\n')).toMatch(/^teams\[0\]\.users\[1\]\.role: .*ghost/m);
  });

  it('gives a state a colour the config API returns, and refuses anything but a #rrggbb hex, naming the field', async () => {
    const leadStates = async () => {
      const config = await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey });
      return config.json._data.procedures.find((p: any) => p.shortId === 'lead').states;
    };
    expect((await leadStates()).every((st: any) => st.color === null)).toBe(true);

    const ws = demo();
    ws.teams[0].procedures[0].states[1].color = '#1C7ED6';
    expect((await apply(ws)).status).toBe(200);
    const states = await leadStates();
    expect(states.find((st: any) => st.shortId === 'CONTACTED').color).toBe('#1C7ED6');
    expect(states.find((st: any) => st.shortId === 'NEW').color).toBeNull();

    ws.teams[0].procedures[0].states[1].color = 'red;background:url(x)';
    const bad = await apply(ws);
    expect(bad.status).toBe(400);
    expect(bad.json._meta.code).toBe('WORKSPACE_INVALID');
    expect(bad.json._meta.details.map((d: any) => d.path)).toContain('teams[0].procedures[0].states[1].color');
    expect((await leadStates()).find((st: any) => st.shortId === 'CONTACTED').color).toBe('#1C7ED6');

    // Leaving the colour out of the file clears it, like every other optional field.
    expect((await apply(demo())).status).toBe(200);
    expect((await leadStates()).every((st: any) => st.color === null)).toBe(true);
  });
});

describe('secrets in the workspace', () => {
  const plugin = (over: Record<string, unknown>) => ({
    version: 1,
    teams: [
      {
        shortId: 'demo',
        name: 'Demo Company',
        whatsappPlugins: [{ name: 'Real', accessTokenEnv: 'T_TOKEN', appSecretEnv: 'T_SECRET', verifyTokenEnv: 'T_VERIFY', ...over }],
      },
    ],
  });

  it('refuses a plugin that points at Meta when a secret variable is unset, naming the variable', async () => {
    const err = await applyWorkspaceDocument(s.ctx.db, plugin({}), { secrets: s.ctx.secrets, env: { T_TOKEN: 'tok' } }).catch((e) => e);
    expect(err.code).toBe('WORKSPACE_INVALID');
    expect(err.messages).toEqual([
      'teams[0].whatsappPlugins[0].appSecretEnv: environment variable T_SECRET is not set (required for a plugin that points at https://graph.facebook.com)',
      'teams[0].whatsappPlugins[0].verifyTokenEnv: environment variable T_VERIFY is not set (required for a plugin that points at https://graph.facebook.com)',
    ]);
    expect(await s.ctx.db.query("select 1 from whatsapp_plugins where name = 'Real'")).toHaveLength(0);
  });

  it('stores secrets from the environment encrypted, and never returns them', async () => {
    const env = { T_TOKEN: 'EAAG-plain-token', T_SECRET: 'app-secret-value', T_VERIFY: 'verify-me' };
    const summary = await applyWorkspaceDocument(s.ctx.db, plugin({}), { secrets: s.ctx.secrets, env });
    expect(summary.generatedSecrets).toEqual([]);
    const [row] = await s.ctx.db.query("select * from whatsapp_plugins where name = 'Real'");
    expect(JSON.stringify(row)).not.toMatch(/EAAG-plain-token|app-secret-value|verify-me/);
    expect(s.ctx.secrets.decrypt(row.access_token_enc)).toBe('EAAG-plain-token');
    expect(s.ctx.secrets.decrypt(row.app_secret_enc)).toBe('app-secret-value');
    // Re-applying with the same values leaves the ciphertext (and the row) alone.
    const again = await applyWorkspaceDocument(s.ctx.db, plugin({}), { secrets: s.ctx.secrets, env });
    expect(again.updated).toBe(0);
    const config = await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey });
    expect(config.text).not.toMatch(/EAAG-plain-token|app-secret-value/);
  });

  it("a team's own key gives secrets by value: it may not make the server read its environment or files, nor call another Graph host", async () => {
    const before = await rowCounts();
    const attempts: [Record<string, unknown>, string, string][] = [
      [{ accessTokenEnv: 'CHAKRA_ADMIN_TOKEN' }, 'SECRET_REFERENCE_FORBIDDEN', 'teams[0].whatsappPlugins[0].accessTokenEnv'],
      [
        { accessTokenEnv: undefined, accessTokenFile: '/etc/passwd' },
        'SECRET_REFERENCE_FORBIDDEN',
        'teams[0].whatsappPlugins[0].accessTokenFile',
      ],
      [
        {
          graphApiUrl: 'http://127.0.0.1:9/',
          accessToken: 'a',
          appSecret: 'b',
          verifyToken: 'c',
          accessTokenEnv: undefined,
          appSecretEnv: undefined,
          verifyTokenEnv: undefined,
        },
        'GRAPH_URL_FORBIDDEN',
        'teams[0].whatsappPlugins[0].graphApiUrl',
      ],
    ];
    for (const [over, code, path] of attempts) {
      const res = await apply(plugin({ name: 'Stolen', ...over }));
      expect(res.status, res.text).toBe(403);
      expect(res.json._meta.code).toBe(code);
      expect(res.json._errors[0]).toMatch(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: only the server's operator`));
    }
    const hmac = await apply({ version: 1, teams: [{ shortId: 'demo', name: 'Demo Company', hmacSecretFile: '/etc/hostname' }] });
    expect(hmac.json._meta.code).toBe('SECRET_REFERENCE_FORBIDDEN');
    expect(await rowCounts()).toEqual(before);

    // By value: stored encrypted, like any other secret.
    const byValue = await apply(
      plugin({
        name: 'Own values',
        accessToken: 'EAAG-by-value',
        appSecret: 'own-app-secret',
        verifyToken: 'own-verify',
        accessTokenEnv: undefined,
        appSecretEnv: undefined,
        verifyTokenEnv: undefined,
      }),
    );
    expect(byValue.status, byValue.text).toBe(200);
    const [row] = await s.ctx.db.query("select * from whatsapp_plugins where name = 'Own values'");
    expect(row.graph_api_url).toBe('https://graph.facebook.com');
    expect(s.ctx.secrets.decrypt(row.access_token_enc)).toBe('EAAG-by-value');
    expect(byValue.text).not.toContain('EAAG-by-value');
  });

  it('the operator (CHAKRA_ADMIN_TOKEN) may name variables and files and choose any Graph URL', async () => {
    const res = await apply(
      plugin({
        name: 'Operator',
        graphApiUrl: 'http://127.0.0.1:9/',
        accessTokenEnv: 'T_OP_TOKEN',
        appSecretEnv: undefined,
        appSecretFile: '/etc/hostname',
        verifyToken: 'v',
        verifyTokenEnv: undefined,
      }),
      ADMIN_TOKEN,
    );
    expect(res.status, res.text).toBe(400);
    // It got as far as reading the environment: the variable is not set in this server.
    expect(res.json._errors).toEqual([
      'teams[0].whatsappPlugins[0].accessTokenEnv: environment variable T_OP_TOKEN is not set (required for a plugin that points at http://127.0.0.1:9/)',
    ]);
  });

  it('generated sandbox secrets for the demo plugin at the first apply', async () => {
    const [row] = await s.ctx.db.query("select * from whatsapp_plugins where name = 'Demo WhatsApp'");
    expect(row.graph_api_url).toBe('sandbox');
    for (const column of ['access_token_enc', 'app_secret_enc', 'verify_token_enc']) {
      expect(s.ctx.secrets.decrypt(row[column])).toMatch(/^[0-9a-f]{48}$/);
    }
  });
});
