import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO_WORKSPACE_FILE } from '../src/app.ts';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';

const DOCUMENTED_KEYS = [
  'team',
  'entities',
  'procedures',
  'attributeTypes',
  'attributes',
  'derivedAttributes',
  'attributeGroups',
  'roles',
  'pods',
  'taskTypes',
  'forms',
  'formFields',
  'formActionButtons',
  'stateTasks',
  'userProfiles',
  'attributeConfig',
  'skillTypes',
];
const demo = parseYaml(readFileSync(DEMO_WORKSPACE_FILE, 'utf8')).teams[0];

let s: TestServer;
let config: any;
beforeAll(async () => {
  s = await startTestServer();
  const res = await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey });
  expect(res.status).toBe(200);
  config = res.json._data;
});
afterAll(() => s?.close());

const byShortId = (list: any[], shortId: string) => list.find((x) => x.shortId === shortId);

describe('GET /v1/ext/config', () => {
  it('answers all 17 documented keys, in the envelope', async () => {
    expect(Object.keys(config).sort()).toEqual([...DOCUMENTED_KEYS].sort());
    for (const key of [
      'derivedAttributes',
      'attributeGroups',
      'forms',
      'formFields',
      'formActionButtons',
      'userProfiles',
      'attributeConfig',
      'skillTypes',
    ]) {
      expect(config[key]).toEqual([]);
    }
  });

  it('the alias /v1/config answers the same', async () => {
    const alias = await call(s.url, 'GET', '/v1/config', { key: s.demoKey });
    expect(alias.json._data).toEqual(config);
  });

  it('shows the demo team, roles and pods', () => {
    expect(config.team).toMatchObject({ shortId: 'demo', name: demo.name, timezone: demo.timezone });
    for (const role of demo.roles)
      expect(byShortId(config.roles, role.shortId)).toMatchObject({ name: role.name, privileges: role.privileges });
    for (const pod of demo.pods) expect(byShortId(config.pods, pod.shortId)).toMatchObject({ name: pod.name });
  });

  it('shows every entity and procedure with their attributes, states and keys, linked by id', () => {
    const attrById = new Map(config.attributes.map((a: any) => [a.id, a]));
    for (const entity of demo.entities) {
      const got = byShortId(config.entities, entity.shortId);
      expect(got.name).toBe(entity.name);
      expect(got.attributes.map((id: string) => (attrById.get(id) as any).shortId)).toEqual(entity.attributes.map((a: any) => a.shortId));
      if (entity.primaryKey) expect((attrById.get(got.primaryKey) as any).shortId).toBe(entity.primaryKey);
    }
    for (const proc of demo.procedures) {
      const got = byShortId(config.procedures, proc.shortId);
      expect(got.name).toBe(proc.name);
      if (proc.id) expect(got.id).toBe(proc.id);
      expect(got.entity).toBe(byShortId(config.entities, proc.entity).id);
      const attrs = got.attributes.map((id: string) => attrById.get(id) as any);
      expect(attrs.map((a: any) => a.shortId)).toEqual(proc.attributes.map((a: any) => a.shortId));
      for (const [i, spec] of proc.attributes.entries()) {
        expect(attrs[i]).toMatchObject({ name: spec.name, type: spec.type, isRequired: spec.required ?? false, procedure: got.id });
        if (spec.options) expect(attrs[i].options.map((o: any) => o.value)).toEqual(spec.options);
        if (spec.schema) expect(attrs[i].schema).toEqual(spec.schema);
      }
      expect(got.states.map((st: any) => [st.shortId, st.name, st.status])).toEqual(
        proc.states.map((st: any) => [st.shortId, st.name, st.status]),
      );
      expect(got.states.map((st: any) => st.order)).toEqual(proc.states.map((_: any, i: number) => i));
      const stateId = (short: string) => got.states.find((st: any) => st.shortId === short).id;
      expect(got.defaultStartState).toBe(stateId(proc.states.find((st: any) => st.default === 'start').shortId));
      const completed = proc.states.find((st: any) => st.default === 'completed');
      expect(got.defaultCompletedState).toBe(completed ? stateId(completed.shortId) : null);
      for (const field of ['primaryKey', 'primaryIdentifier'] as const) {
        expect(got[field] === null ? null : (attrById.get(got[field]) as any).shortId).toBe(proc[field] ?? null);
      }
      const tasks = got.stateTasks.map((id: string) => config.stateTasks.find((t: any) => t.id === id));
      expect(tasks.map((t: any) => t.shortId)).toEqual((proc.stateTasks ?? []).map((t: any) => t.shortId));
      for (const [i, spec] of (proc.stateTasks ?? []).entries()) {
        expect(tasks[i].procedure).toBe(got.id);
        expect(tasks[i].states).toEqual((spec.states ?? []).map(stateId));
        expect(config.taskTypes.find((tt: any) => tt.id === tasks[i].taskType).shortId).toBe(spec.taskType);
        expect(tasks[i].attributes.map((id: string) => (attrById.get(id) as any).shortId)).toEqual(
          spec.attributes.map((a: any) => a.shortId),
        );
      }
    }
  });

  it('lists every attribute type of docs/workspace.md with its datatype', () => {
    const types = new Map(config.attributeTypes.map((t: any) => [t.shortId, t.datatype]));
    for (const t of [
      'string',
      'text',
      'integer',
      'float',
      'boolean',
      'date',
      'datetime',
      'stringEnum',
      'multiStringEnum',
      'integerEnum',
      'phone',
      'email',
      'photo',
      'multiPhotos',
      'geolocation',
      'externalObject',
      'stringId',
      'user',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
    for (const a of config.attributes) expect(types.has(a.type), a.type).toBe(true);
  });

  it('is scoped to the caller team', async () => {
    await applyWorkspaceDocument(
      s.ctx.db,
      {
        version: 1,
        teams: [
          {
            shortId: 'acme',
            name: 'Acme',
            roles: [{ shortId: 'acme_role', name: 'Acme role', privileges: ['admin'] }],
            procedures: [{ shortId: 'acme_proc', name: 'P', states: [{ shortId: 'S', name: 'S', status: 'OPEN', default: 'start' }] }],
          },
        ],
      },
      { secrets: s.ctx.secrets },
    );
    s.ctx.configCache.invalidate();
    const res = await call(s.url, 'GET', '/v1/ext/config', { key: s.demoKey });
    expect(res.json._data.team.shortId).toBe('demo');
    expect(res.text).not.toMatch(/acme/);
  });
});
