/**
 * Listing processes: the documented grammar, pagination without COUNT(*), keyset cursors —
 * and the differential test that holds the SQL compiler to a plain in-memory evaluator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWorkspaceDocument } from '../src/features/workspace/service.ts';
import { listProcessesQuery } from '../src/features/processes/repo.ts';
import { resolveSort } from '../src/features/processes/sort.ts';
import { sortIndexFor } from '../src/features/processes/sort-indexes.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { isOrdered, matches, type EvalScope, type FieldKind } from './helpers/where-evaluator.ts';

/** mulberry32: a small seeded generator, so a failure can be replayed with its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.WHERE_SEED ?? Date.now() % 1_000_000);
const JOHN = 'bcc42c4f-3e9c-4eaa-8728-c1edd7c7be5c';

let s: TestServer;
let all: any[] = [];
const users = new Map<string, string>();

const DOMAINS: Record<string, unknown[]> = {
  n: [-5, -1, 0, 1, 2, 3, 5, 8],
  f: [-1.5, 0, 0.5, 2.25, 3],
  s: ['a', 'b', 'ab', 'B', 'é', 'z', ''],
  e: ['red', 'green', 'blue'],
  b: [true, false],
  t: [1_600_000_000_000, 1_650_000_000_000, 1_700_000_000_000],
  'record.city': ['Pune', 'Delhi', 'pune'],
};
const KINDS: Record<string, FieldKind> = {
  n: 'numeric',
  f: 'numeric',
  s: 'text',
  e: 'text',
  b: 'boolean',
  t: 'numeric',
  'record.city': 'text',
  status: 'status',
  state: 'state',
  assignedTo: 'user',
  createdAt: 'time',
};
const STATES = ['S1', 'S2', 'S3'];

beforeAll(async () => {
  // Hundreds of queries in a few seconds: the rate limit is not what this file tests.
  s = await startTestServer({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' });
  await applyWorkspaceDocument(
    s.ctx.db,
    {
      version: 1,
      teams: [
        {
          shortId: 'demo',
          name: 'Demo Company',
          entities: [
            {
              shortId: 'place',
              name: 'Place',
              primaryKey: 'code',
              attributes: [
                { shortId: 'code', name: 'Code', type: 'stringId' },
                { shortId: 'city', name: 'City', type: 'string' },
              ],
            },
          ],
          procedures: [
            {
              shortId: 'diff',
              name: 'Diff',
              entity: 'place',
              attributes: [
                { shortId: 'n', name: 'N', type: 'integer' },
                { shortId: 'f', name: 'F', type: 'float' },
                { shortId: 's', name: 'S', type: 'string' },
                { shortId: 'e', name: 'E', type: 'stringEnum', options: ['red', 'green', 'blue'] },
                { shortId: 'b', name: 'B', type: 'boolean' },
                { shortId: 't', name: 'T', type: 'datetime' },
              ],
              states: [
                { shortId: 'S1', name: 'One', status: 'OPEN', default: 'start' },
                { shortId: 'S2', name: 'Two', status: 'COMPLETED' },
                { shortId: 'S3', name: 'Three', status: 'CANCELLED' },
              ],
            },
          ],
        },
      ],
    },
    { secrets: s.ctx.secrets },
  );
  s.ctx.configCache.invalidate();
  users.set('john@paisapay.com', JOHN).set(JOHN, JOHN);
  const [alex] = await s.ctx.db.query("select id from users where username = 'alex@paisapay.com'");
  users.set('alex@paisapay.com', alex.id);

  const random = rng(SEED);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  for (let i = 0; i < 90; i++) {
    const data: Record<string, unknown> = {};
    for (const key of ['n', 'f', 's', 'e', 'b', 't']) if (random() < 0.8) data[key] = pick(DOMAINS[key]);
    const body: any = { data, state: pick(STATES) };
    if (random() < 0.7) body.assignedTo = pick(['john@paisapay.com', 'alex@paisapay.com']);
    if (random() < 0.5) body.nextActionAt = pick(DOMAINS.t);
    if (random() < 0.8) body.record = { data: { code: `P${i}`, ...(random() < 0.8 ? { city: pick(DOMAINS['record.city']) } : {}) } };
    const res = await call(s.url, 'POST', '/v1/ext/procedure/diff/process', { key: s.demoKey, body });
    expect(res.status, res.text).toBe(200);
    all.push(res.json._data);
  }
  all = all.sort((a, b) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : 1));
});
afterAll(() => s?.close());

const list = (body: unknown, ps = 'diff') => call(s.url, 'POST', `/v1/ext/procedure/${ps}/process/list`, { key: s.demoKey, body });

function randomWhere(random: () => number, depth = 0): Record<string, unknown> {
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const doc: Record<string, unknown> = {};
  const keys = 1 + Math.floor(random() * 2);
  for (let k = 0; k < keys; k++) {
    if (depth < 2 && random() < 0.2) {
      doc[pick(['and', 'or'])] = Array.from({ length: Math.floor(random() * 3) }, () => randomWhere(random, depth + 1));
      continue;
    }
    const key = pick(Object.keys(KINDS));
    const kind = KINDS[key];
    const value = () => {
      if (kind === 'status') return pick(['OPEN', 'COMPLETED', 'CANCELLED']);
      if (kind === 'state') return pick(STATES);
      if (kind === 'user') return pick(['john@paisapay.com', 'alex@paisapay.com', JOHN, 'nobody@x']);
      if (kind === 'time') {
        const t = pick(all).createdAt + pick([-1, 0, 1]);
        return random() < 0.5 ? t : new Date(t).toISOString();
      }
      return pick(DOMAINS[key]);
    };
    const shape = random();
    if (shape < 0.5) doc[key] = value();
    else if (shape < 0.7) doc[key] = Array.from({ length: Math.floor(random() * 3) }, value);
    else {
      const ops = isOrdered(kind) ? ['=', '!=', '>', '>=', '<', '<='] : ['=', '!='];
      const rhs: Record<string, unknown> = {};
      for (let o = 0; o < 1 + Math.floor(random() * 2); o++) rhs[pick(ops)] = value();
      doc[key] = rhs;
    }
  }
  return doc;
}

describe('the where grammar', () => {
  it('the documented example shapes work', async () => {
    const res = await list({ where: { state: 'S2', or: [{ n: { '>=': 2 } }, { s: ['a', 'b'] }] }, limit: 100 });
    expect(res.status, res.text).toBe(200);
    const scope: EvalScope = { fields: KINDS, users };
    const expected = all.filter((p) => matches(p, { state: 'S2', or: [{ n: { '>=': 2 } }, { s: ['a', 'b'] }] }, scope)).map((p) => p.id);
    expect(res.json._data.map((p: any) => p.id)).toEqual(expected);
    expect(res.json._meta.hasMore).toBe(false);
  });

  it(`agrees with the reference evaluator on 300 random documents (seed ${SEED}; WHERE_SEED=${SEED} replays)`, async () => {
    const random = rng(SEED * 7 + 1);
    const scope: EvalScope = { fields: KINDS, users };
    const sizes: number[] = [];
    for (let i = 0; i < 300; i++) {
      const where = randomWhere(random);
      const res = await list({ where, limit: 100 });
      expect(res.status, `${JSON.stringify(where)}: ${res.text}`).toBe(200);
      const expected = all.filter((p) => matches(p, where, scope)).map((p) => p.id);
      expect(
        res.json._data.map((p: any) => p.id),
        JSON.stringify(where),
      ).toEqual(expected);
      sizes.push(expected.length);
    }
    // Agreeing on empty answers proves little: the queries must select. Over seeds 1–6 about
    // two thirds matched something (194–210 of 300), 131–153 at least ten of the 90 processes,
    // and 190–202 some but not all. Bounds well below that fail only if the generator degenerates.
    const count = (test: (n: number) => boolean) => sizes.filter(test).length;
    const spread = `result sizes: ${JSON.stringify(sizes)}`;
    expect(
      count((n) => n > 0),
      spread,
    ).toBeGreaterThanOrEqual(150);
    expect(
      count((n) => n >= 10),
      spread,
    ).toBeGreaterThanOrEqual(75);
    expect(
      count((n) => n > 0 && n < all.length),
      spread,
    ).toBeGreaterThanOrEqual(150);
  });

  it('refuses unknown keys, operators and values, naming them', async () => {
    const cases: [unknown, string][] = [
      [{ colour: 'red' }, 'where.colour: is not a field or attribute of diff'],
      [{ n: { '~': 1 } }, 'where.n.~: unknown operator (operators: = != > >= < <=)'],
      [{ n: 'many' }, 'where.n: must be a number'],
      [{ state: 'S9' }, 'where.state: unknown state S9 (states of diff: S1, S2, S3)'],
      [{ state: { '>': 'S1' } }, 'where.state.>: only = and != apply to this field'],
      [{ or: { n: 1 } }, 'where.or: must be an array of conditions'],
      [{ createdAt: { '>=': 'yesterday' } }, 'where.createdAt.>=: must be epoch milliseconds or an ISO-8601 time'],
      [{ 'record.zip': '1' }, 'where.record.zip: is not an attribute of the place record'],
    ];
    for (const [where, message] of cases) {
      const res = await list({ where });
      expect(res.status, JSON.stringify(where)).toBe(400);
      expect(res.json._errors, JSON.stringify(where)).toEqual([message]);
    }
  });
});

describe('pagination', () => {
  it('skip/limit page through in createdAt desc order with hasMore, without COUNT', async () => {
    const seen: string[] = [];
    for (let skip = 0; ; skip += 25) {
      const res = await list({ skip, limit: 25 });
      seen.push(...res.json._data.map((p: any) => p.id));
      if (!res.json._meta.hasMore) break;
    }
    expect(seen).toEqual(all.map((p) => p.id));
    expect((await list({ limit: 101 })).status).toBe(400);
  });

  it('cursor walks every row once, even while new rows are inserted, and sorts ascending on request', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const res = await list({ limit: 20, ...(cursor ? { cursor } : {}) });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json._data.map((p: any) => p.id));
      cursor = res.json._meta.nextCursor ?? undefined;
      // New rows arrive mid-walk; they sort before the walk's position and must not disturb it.
      await call(s.url, 'POST', '/v1/ext/procedure/diff/process', { key: s.demoKey, body: { data: {} } });
      inserted++;
    } while (cursor);
    expect(seen).toEqual(all.map((p) => p.id));
    expect(new Set(seen).size).toBe(seen.length);

    const asc = await list({ limit: 5, sort: [{ field: 'createdAt', order: 'asc' }] });
    expect(asc.json._data.map((p: any) => p.id)).toEqual(
      [...all]
        .reverse()
        .slice(0, 5)
        .map((p) => p.id),
    );
    const next = await list({ limit: 5, sort: [{ field: 'createdAt', order: 'asc' }], cursor: asc.json._meta.nextCursor });
    expect(next.json._data.map((p: any) => p.id)).toEqual(
      [...all]
        .reverse()
        .slice(5, 10)
        .map((p) => p.id),
    );
    expect(inserted).toBeGreaterThan(3);
  });

  it('refuses a forged cursor, unknown and unsortable sort fields, and a cursor for another sort', async () => {
    const errors = async (body: unknown) => {
      const res = await list(body);
      expect(res.status).toBe(400);
      return res.json._errors;
    };
    expect(await errors({ cursor: 'bm9wZQ' })).toEqual([
      'cursor: is not a cursor this server issued (use _meta.nextCursor of the previous page)',
    ]);
    // Names that are properties of every JavaScript object are just unknown fields.
    for (const field of ['nope', 'constructor', 'toString', '__proto__', 'record.city']) {
      expect(await errors({ sort: [{ field }] })).toEqual([
        `sort[0].field: ${field} is not a sortable field of diff (createdAt, updatedAt, nextActionAt or an attribute of a sortable type)`,
      ]);
    }
    expect(await errors({ sort: [{ field: 'n' }, { field: 'n', order: 'desc' }] })).toEqual(['sort[1].field: n is given twice']);
    expect(await errors({ sort: [] })).toEqual(['sort: needs at least one field, or leave it out']);
    const byN = await list({ limit: 2, sort: [{ field: 'n' }] });
    expect(await errors({ limit: 2, sort: [{ field: 's' }], cursor: byN.json._meta.nextCursor })).toEqual([
      'cursor: was issued for another sort order',
    ]);
    // An edited cursor (a value that does not fit its key) is refused before it reaches SQL.
    const c = JSON.parse(Buffer.from(byN.json._meta.nextCursor, 'base64url').toString());
    c.k[1] = '1; drop table processes';
    expect(await errors({ cursor: Buffer.from(JSON.stringify(c)).toString('base64url') })).toEqual([
      'cursor: is not a cursor this server issued (use _meta.nextCursor of the previous page)',
    ]);
  });
});

describe('sort', () => {
  const SORTABLE = ['n', 'f', 's', 'e', 'b', 't', 'createdAt', 'updatedAt', 'nextActionAt'];
  const COLUMNS = ['createdAt', 'updatedAt', 'nextActionAt'];
  /** Every process of the procedure as it is now (the cursor test above added some). */
  let now: any[] = [];
  beforeAll(async () => {
    now = [];
    let cursor: string | undefined;
    do {
      const res = await list({ limit: 100, ...(cursor ? { cursor } : {}) });
      now.push(...res.json._data);
      cursor = res.json._meta.nextCursor ?? undefined;
    } while (cursor);
  });

  /** The documented order: a missing value is greater than every value; ties by id in the last field's direction. */
  function reference(sort: { field: string; order: 'asc' | 'desc' }[]) {
    const value = (p: any, field: string) => (COLUMNS.includes(field) ? p[field] : p.data[field]) ?? null;
    const cmp = (a: unknown, b: unknown) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : (a as any) < (b as any) ? -1 : 1);
    return [...now].sort((x, y) => {
      for (const s of sort) {
        const c = cmp(value(x, s.field), value(y, s.field));
        if (c !== 0) return s.order === 'desc' ? -c : c;
      }
      const c = x.id < y.id ? -1 : 1;
      return sort[sort.length - 1].order === 'desc' ? -c : c;
    });
  }

  it(`orders by any sortable field, several in precedence, and cursors walk every order exactly (seed ${SEED})`, async () => {
    const random = rng(SEED + 1);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    expect(now.length).toBeGreaterThan(all.length);
    for (let round = 0; round < 12; round++) {
      const fields = [...SORTABLE].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * 3));
      const sort = fields.map((field) => ({ field, order: pick(['asc', 'desc'] as const) }));
      const expected = reference(sort).map((p) => p.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      const limit = pick([7, 20, 50]);
      do {
        const res = await list({ limit, ...(cursor ? { cursor } : { sort }) });
        expect(res.status, res.text).toBe(200);
        seen.push(...res.json._data.map((p: any) => p.id));
        cursor = res.json._meta.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, JSON.stringify(sort)).toEqual(expected);
      const skipPage = await list({ sort, skip: 10, limit: 10 });
      expect(skipPage.json._data.map((p: any) => p.id)).toEqual(expected.slice(10, 20));
    }
  });

  it('combines a sort with a filter, and `order` defaults to asc', async () => {
    const res = await list({ where: { n: { '>=': 0 } }, sort: [{ field: 'n' }, { field: 's', order: 'desc' }], limit: 100 });
    const expected = reference([
      { field: 'n', order: 'asc' },
      { field: 's', order: 'desc' },
    ]).filter((p) => typeof p.data.n === 'number' && p.data.n >= 0);
    expect(res.json._data.map((p: any) => p.id)).toEqual(expected.map((p) => p.id));
  });
});

describe('sort indexes', () => {
  const diff = async () => {
    const config = await s.ctx.configCache.get((await s.ctx.db.query("select id from teams where short_id = 'demo'"))[0].id);
    return { teamId: config.team.id, procedure: config.procedureByKey.get('diff')! };
  };
  const present = async (name: string) => (await s.ctx.db.query('select 1 from pg_indexes where indexname = $1', [name])).length === 1;
  const applyDiff = (procedure: Record<string, unknown>) =>
    call(s.url, 'POST', '/v1/admin/workspace', {
      key: s.demoKey,
      body: {
        version: 1,
        teams: [
          {
            shortId: 'demo',
            name: 'Demo Company',
            procedures: [
              { shortId: 'diff', name: 'Diff', states: [{ shortId: 'S1', name: 'One', status: 'OPEN', default: 'start' }], ...procedure },
            ],
          },
        ],
      },
    });

  /** The plan of a list's first page and of a page after a cursor, with the alternatives to an index forbidden (a 100-row table is read faster without one). */
  async function plansFor(sort: { field: string; order: 'asc' | 'desc' }[], cursorKey: string[]) {
    const { teamId, procedure } = await diff();
    const parts = resolveSort(procedure, sort);
    const plans: string[] = [];
    for (const after of [undefined, [...cursorKey, '00000000-0000-4000-8000-000000000000']]) {
      const q = listProcessesQuery({
        teamId,
        procedureId: procedure.id,
        where: { sql: 'true', params: [] },
        order: parts,
        after,
        limit: 10,
        offset: 0,
      });
      plans.push(
        await s.ctx.db.tx(async (tx) => {
          await tx.query('set local enable_seqscan = off');
          await tx.query('set local enable_sort = off');
          await tx.query('set local enable_incremental_sort = off');
          return JSON.stringify(await tx.query(`explain (format json) ${q.sql}`, q.params));
        }),
      );
    }
    return plans;
  }

  it('an attribute marked indexed gets an index that the planner uses for its sort, both ways and by cursor', async () => {
    const index = sortIndexFor((await diff()).procedure.attributesByShortId.get('n')!)!;
    expect(await present(index.name)).toBe(false);

    const res = await applyDiff({ attributes: [{ shortId: 'n', name: 'N', type: 'integer', indexed: true }] });
    expect(res.status, res.text).toBe(200);
    expect(await present(index.name)).toBe(true);

    for (const order of ['asc', 'desc'] as const) {
      const plans = await plansFor([{ field: 'n', order }], ['false', '3']);
      for (const plan of plans) expect(plan, `${order}`).toContain(index.name);
    }
  });

  it("a procedure's sortIndexes get an index over several fields, used for that sort and its reverse, by cursor too", async () => {
    const sort = [
      { field: 'b', order: 'desc' as const },
      { field: 's', order: 'asc' as const },
    ];
    const before = await s.ctx.db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'processes'");
    const res = await applyDiff({
      attributes: [
        { shortId: 'b', name: 'B', type: 'boolean' },
        { shortId: 's', name: 'S', type: 'string' },
      ],
      sortIndexes: [sort],
    });
    expect(res.status, res.text).toBe(200);
    const added = (await s.ctx.db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'processes'"))
      .map((r) => r.indexname)
      .filter((n) => !before.some((b) => b.indexname === n));
    expect(added).toHaveLength(1);

    const reverse = sort.map((f) => ({ field: f.field, order: f.order === 'asc' ? ('desc' as const) : ('asc' as const) }));
    for (const [label, s2] of [
      ['as declared', sort],
      ['reversed', reverse],
    ] as const) {
      for (const plan of await plansFor([...s2], ['false', 'true', 'false', 'x'])) expect(plan, label).toContain(added[0]);
    }
  });

  it('refuses a declared sort that names no sortable field of the procedure, naming where', async () => {
    const res = await applyDiff({
      attributes: [
        { shortId: 'n', name: 'N', type: 'integer' },
        { shortId: 'e', name: 'E', type: 'stringEnum', options: ['red', 'green', 'blue'] },
        { shortId: 'loc', name: 'Loc', type: 'geolocation' },
      ],
      sortIndexes: [
        [{ field: 'n' }, { field: 'nope' }],
        [{ field: 'loc' }],
        [{ field: 'n' }, { field: 'n', order: 'desc' }],
        [{ field: 'constructor' }],
      ],
    });
    expect(res.status).toBe(400);
    const details = res.json._meta.details.map((d: any) => `${d.path}: ${d.message}`);
    expect(details).toEqual([
      expect.stringMatching(/^teams\[0\]\.procedures\[0\]\.sortIndexes\[0\]\[1\]\.field: nope is not a sortable field of diff/),
      'teams[0].procedures[0].sortIndexes[1][0].field: attributes of type geolocation cannot be sorted on',
      'teams[0].procedures[0].sortIndexes[2][1].field: n is given twice',
      expect.stringMatching(/^teams\[0\]\.procedures\[0\]\.sortIndexes\[3\]\[0\]\.field: constructor is not a sortable field/),
    ]);
  });
});
