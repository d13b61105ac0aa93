/**
 * `npm run bench -- processes`, on the machine's PostgreSQL, in one run:
 * 1. fetch by id, 50 connections, 10 s: API req/s ÷ a raw `pg` loop running the same SELECT
 *    (process joined with its record) with 50 concurrent queries. Target ≥ 0.5.
 * 2. create with record linking, 50 connections: API ÷ raw `pg` doing the same writes
 *    (upsert the record, insert the process, one transaction). Target ≥ 0.4.
 *    Both on the demo `ticket` procedure, so that the lead lists below see only seeded leads.
 * 3. 1,000,000 leads seeded in SQL: four list queries at concurrency 1 (p50 ≤ 10 ms,
 *    p99 ≤ 50 ms each), and a keyset page 5,000 pages deep against page 1 (≤ 1.5×).
 * 4. On the same leads, sorted lists: by `score` and `firstname` (attributes marked `indexed`,
 *    both directions), by nextActionAt and updatedAt, by two fields (declared in the lead's
 *    `sortIndexes`); first page p50 ≤ 20 ms
 *    each, and a cursor page 1,000 pages deep in the score order.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { parse } from 'yaml';
import { jsonApi, load, percentile, PROJECT_DIR, rawLoop, seedLeads, startServer, withDatabase } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DEEP_PAGE = Number(process.env.BENCH_DEEP_PAGE ?? 5000);
const round2 = (x: number) => Math.round(x * 100) / 100;

const FETCH_SQL = `select p.*, case when r.id is null then null else json_build_object(
  'id', r.id, 'entity_id', r.entity_id, 'data', r.data, 'created_at', r.created_at, 'updated_at', r.updated_at) end as record
  from processes p left join records r on r.id = p.record_id
  where p.id = $1 and p.team_id = $2 and p.procedure_id = $3 and not p.is_deleted`;

let phone = 910_000_000_000;
const nextPhone = () => String(++phone);

export async function run(): Promise<Record<string, unknown>> {
  return withDatabase(async (databaseUrl) => {
    const { server, key } = await startServer(databaseUrl);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 50 });
    try {
      const auth = { authorization: `Bearer ${key}` };
      const api = jsonApi(server.url, key);
      const [ids] = (
        await pool.query(`select t.id as team, p.id as procedure, p.entity_id as entity,
          array_agg(s.id order by s.position) as states, array_agg(s.status order by s.position) as statuses
        from teams t join procedures p on p.team_id = t.id and p.short_id = 'lead' join states s on s.procedure_id = p.id
        where t.short_id = 'demo' group by t.id, p.id`)
      ).rows;
      const [ticket] = (
        await pool.query(`select p.id as procedure, p.entity_id as entity, s.id as state
        from procedures p join states s on s.procedure_id = p.id and s.is_default_start where p.short_id = 'ticket'`)
      ).rows;

      // 1. Fetch by id.
      const one = (
        await api('POST', '/v1/ext/procedure/ticket/process', {
          data: { subject: 'Card blocked', priority: 2 },
          record: { data: { phone_number: nextPhone() } },
        })
      )._data;
      const fetchUrl = `${server.url}/v1/ext/procedure/ticket/process/${one.id}`;
      await load(fetchUrl, { headers: auth, seconds: 3 });
      const fetchApi = await load(fetchUrl, { headers: auth, seconds: SECONDS });
      const fetchOp = () => pool.query(FETCH_SQL, [one.id, ids.team, ticket.procedure]);
      await rawLoop(fetchOp, 3);
      const fetchRaw = await rawLoop(fetchOp, SECONDS);
      console.log(`fetch by id      API ${Math.round(fetchApi.rps)} req/s (p99 ${fetchApi.p99ms} ms)   raw pg ${fetchRaw} q/s`);

      // 2. Create with record linking (a new customer each time, found by its primary key).
      const createBody = () => ({
        data: { subject: 'Card blocked', priority: 2 },
        record: { data: { phone_number: nextPhone(), city: 'Pune' } },
        assignedTo: 'john@paisapay.com',
      });
      const createUrl = `${server.url}/v1/ext/procedure/ticket/process`;
      await load(createUrl, { headers: auth, seconds: 3, method: 'POST', body: createBody });
      const createApi = await load(createUrl, { headers: auth, seconds: SECONDS, method: 'POST', body: createBody });
      if (createApi.non2xx) throw new Error(`create: ${createApi.non2xx} responses were not 2xx`);
      const [{ id: john }] = (await pool.query("select id from users where username = 'john@paisapay.com'")).rows;
      const createOp = async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const rec = await client.query(
            `insert into records (id, team_id, entity_id, pk_value, data) values ($1, $2, $3, $4, $5::jsonb)
             on conflict (entity_id, pk_value) where pk_value is not null do update set data = records.data || excluded.data, updated_at = now()
             returning id, entity_id, data, created_at, updated_at`,
            [randomUUID(), ids.team, ticket.entity, nextPhone(), JSON.stringify({ city: 'Pune' })],
          );
          await client.query(
            `insert into processes (id, team_id, procedure_id, entity_id, record_id, assigned_to, status, state_id, data)
             values ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $8::jsonb) returning *`,
            [
              randomUUID(),
              ids.team,
              ticket.procedure,
              ticket.entity,
              rec.rows[0].id,
              john,
              ticket.state,
              JSON.stringify({ subject: 'Card blocked', priority: 2 }),
            ],
          );
          await client.query('commit');
        } finally {
          client.release();
        }
      };
      await rawLoop(createOp, 3);
      const createRaw = await rawLoop(createOp, SECONDS);
      console.log(`create           API ${Math.round(createApi.rps)} req/s (p99 ${createApi.p99ms} ms)   raw pg ${createRaw} tx/s`);

      // 3. A million leads, then lists at concurrency 1. The attributes the sorts below use are
      // marked `indexed`, and the two-field sort declared in `sortIndexes`, first, as a team
      // that sorts by them would (docs/workspace.md).
      const workspace = parse(readFileSync(`${PROJECT_DIR}examples/demo-workspace.yaml`, 'utf8'));
      const lead = workspace.teams[0].procedures.find((p: { shortId: string }) => p.shortId === 'lead');
      for (const a of lead.attributes) if (a.shortId === 'score' || a.shortId === 'firstname') a.indexed = true;
      lead.sortIndexes = [
        [
          { field: 'score', order: 'desc' },
          { field: 'firstname', order: 'desc' },
        ],
      ];
      // Sent with the team's own key: the operator's references to the server's environment go.
      for (const holder of [workspace.teams[0], ...workspace.teams[0].whatsappPlugins]) {
        for (const field of Object.keys(holder)) if (/(Env|File)$/.test(field)) delete holder[field];
      }
      await api('POST', '/v1/admin/workspace', workspace);
      const seedStart = Date.now();
      await seedLeads(pool, ids, ROWS);
      console.log(`seeded ${ROWS} leads in ${Math.round((Date.now() - seedStart) / 1000)} s`);

      const lists: Record<string, unknown> = {
        status_state: { where: { status: 'OPEN', state: 'QUALIFIED' } },
        attribute_equality: { where: { source: 'walk_in' } },
        score_range: { where: { score: { '>=': 6, '<': 9 } } },
        created_range_sorted: {
          where: {
            createdAt: {
              '>=': new Date(Date.now() - 200 * 86_400_000).toISOString(),
              '<': new Date(Date.now() - 100 * 86_400_000).toISOString(),
            },
          },
          sort: [{ field: 'createdAt', order: 'asc' }],
        },
        rare_attribute: { where: { firstname: 'n999', score: 10 } },
        sort_score_asc: { sort: [{ field: 'score', order: 'asc' }] },
        sort_score_desc: { sort: [{ field: 'score', order: 'desc' }] },
        sort_firstname_asc: { sort: [{ field: 'firstname', order: 'asc' }] },
        sort_next_action_asc: { sort: [{ field: 'nextActionAt', order: 'asc' }] },
        sort_updated_desc: { sort: [{ field: 'updatedAt', order: 'desc' }] },
        sort_score_then_firstname: {
          sort: [
            { field: 'score', order: 'desc' },
            { field: 'firstname', order: 'desc' },
          ],
        },
      };
      const figures: Record<string, number> = {};
      for (const [name, body] of Object.entries(lists)) {
        const times: number[] = [];
        for (let i = 0; i < 220; i++) {
          const t = performance.now();
          await api('POST', '/v1/ext/procedure/lead/process/list', { ...(body as object), limit: 10 });
          if (i >= 20) times.push(performance.now() - t);
        }
        figures[`list_${name}_p50_ms`] = round2(percentile(times, 50));
        figures[`list_${name}_p99_ms`] = round2(percentile(times, 99));
        console.log(`list ${name.padEnd(22)} p50 ${figures[`list_${name}_p50_ms`]} ms   p99 ${figures[`list_${name}_p99_ms`]} ms`);
      }

      // Keyset: walk DEEP_PAGE pages of 10, then time the deep page against page 1.
      let cursor: string | undefined;
      for (let page = 1; page < DEEP_PAGE; page++) {
        cursor = (await api('POST', '/v1/ext/procedure/lead/process/list', { limit: 10, ...(cursor ? { cursor } : {}) }))._meta.nextCursor;
      }
      const timePage = async (c?: string) => {
        const times: number[] = [];
        for (let i = 0; i < 120; i++) {
          const t = performance.now();
          await api('POST', '/v1/ext/procedure/lead/process/list', { limit: 10, ...(c ? { cursor: c } : {}) });
          if (i >= 20) times.push(performance.now() - t);
        }
        return percentile(times, 50);
      };
      const first = await timePage();
      const deep = await timePage(cursor);
      console.log(`keyset page ${DEEP_PAGE}: p50 ${round2(deep)} ms vs page 1 ${round2(first)} ms`);

      // 4. A cursor deep into an attribute sort stays an index range.
      const scoreSort = { sort: [{ field: 'score', order: 'desc' }] };
      let scoreCursor: string | undefined;
      for (let page = 1; page < 1000; page++) {
        scoreCursor = (
          await api('POST', '/v1/ext/procedure/lead/process/list', { limit: 10, ...(scoreCursor ? { cursor: scoreCursor } : scoreSort) })
        )._meta.nextCursor;
      }
      const timeSorted = async (body: object) => {
        const times: number[] = [];
        for (let i = 0; i < 120; i++) {
          const t = performance.now();
          await api('POST', '/v1/ext/procedure/lead/process/list', { limit: 10, ...body });
          if (i >= 20) times.push(performance.now() - t);
        }
        return percentile(times, 50);
      };
      const scoreDeep = await timeSorted({ cursor: scoreCursor });
      console.log(`score sort, page 1000 by cursor: p50 ${round2(scoreDeep)} ms vs page 1 ${figures.list_sort_score_desc_p50_ms} ms`);

      return {
        bench: 'processes',
        fetch_api_rps: Math.round(fetchApi.rps),
        fetch_raw_qps: fetchRaw,
        fetch_ratio: round2(fetchApi.rps / fetchRaw),
        create_api_rps: Math.round(createApi.rps),
        create_raw_tps: createRaw,
        create_ratio: round2(createApi.rps / createRaw),
        rows: ROWS,
        ...figures,
        keyset_page1_p50_ms: round2(first),
        keyset_deep_p50_ms: round2(deep),
        keyset_deep_ratio: round2(deep / first),
        sort_score_deep_p50_ms: round2(scoreDeep),
      };
    } finally {
      await pool.end();
      await server.stop();
    }
  });
}
