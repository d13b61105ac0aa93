/**
 * `npm run bench -- bulk`, on the machine's PostgreSQL, in one run of BENCH_ROUNDS rounds:
 * 1. bulk-create 10,000 leads with record linking (a customer per lead, found or created by
 *    phone), timed from the POST to the job reading COMPLETED;
 * 2. bulk-update the same 10,000 by primary key (state + an attribute), timed the same way;
 * 3. the physical reference: COPY of the same 10,000 process rows into a scratch table.
 * Targets: ≥ 10,000 processes/s end to end for both; the ratio to COPY is reported.
 * Then 100,000 items in ten submits at once, with the server's peak RSS growth (< 300 MB).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { jsonApi, startServer, withDatabase } from './support.ts';

const ITEMS = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BIG_SUBMITS = 10;
const round = (x: number) => Math.round(x);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Resident set size of a process, in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

export async function run(): Promise<Record<string, unknown>> {
  return withDatabase(async (databaseUrl) => {
    const { server, key } = await startServer(databaseUrl);
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    try {
      const api = jsonApi(server.url, key);
      /** Submits, then polls until the job ends; returns elapsed ms and the final counts. */
      const runJob = async (method: string, path: string, body: unknown) => {
        const t = performance.now();
        const id = (await api(method, path, body))._data.id;
        for (;;) {
          const job = await api('GET', `/v1/ext/background-job/${id}`);
          if (job._data.completionStatus !== 'IN_PROGRESS') return { ms: performance.now() - t, job };
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      const expectAll = (job: any, what: string) => {
        const c = job._meta.bjEntryCompletionStatusVsCount;
        if (job._data.completionStatus !== 'COMPLETED' || c.SUCCESS !== job._data.total) throw new Error(`${what}: ${JSON.stringify(job)}`);
      };

      const [ids] = (
        await pool.query(`select t.id as team, p.id as procedure, p.entity_id as entity, s.id as state
        from teams t join procedures p on p.team_id = t.id and p.short_id = 'lead' join states s on s.procedure_id = p.id and s.is_default_start
        where t.short_id = 'demo'`)
      ).rows;
      await pool.query('create table scratch_processes (like processes including defaults)');

      const rounds: { create: number; update: number; copy: number }[] = [];
      for (let r = 1; r <= ROUNDS; r++) {
        const leads = Array.from({ length: ITEMS }, (_, i) => ({
          data: { lead_id: `R${r}-${i}`, firstname: `Lead ${i}`, score: i % 10, source: 'web' },
          record: { data: { phone_number: `91${r}${String(i).padStart(9, '0')}`, city: 'Pune' } },
          assignedTo: 'john@paisapay.com',
        }));
        const created = await runJob('POST', '/v1/ext/procedure/lead/process/bulk-create', leads);
        expectAll(created.job, 'bulk create');
        const updates = leads.map((l, i) => ({ lead_id: l.data.lead_id, update: { state: 'CONTACTED', data: { score: (i % 10) + 1 } } }));
        const updated = await runJob('PATCH', '/v1/ext/procedure/lead/process', { processes: updates });
        expectAll(updated.job, 'bulk update');

        // The same 10,000 rows, as COPY text, into a table shaped like processes.
        const client = await pool.connect();
        const t = performance.now();
        try {
          await client.query('truncate scratch_processes');
          const rows = leads.map(
            (l) =>
              `${[
                randomUUID(),
                ids.team,
                ids.procedure,
                ids.entity,
                randomUUID(),
                'OPEN',
                ids.state,
                JSON.stringify(l.data),
                l.data.lead_id,
              ].join('\t')}\n`,
          );
          await pipeline(
            Readable.from(rows),
            client.query(
              copyFrom(
                'copy scratch_processes (id, team_id, procedure_id, entity_id, record_id, status, state_id, data, pk_value) from stdin',
              ),
            ),
          );
        } finally {
          client.release();
        }
        const copyMs = performance.now() - t;
        rounds.push({ create: (ITEMS / created.ms) * 1000, update: (ITEMS / updated.ms) * 1000, copy: (ITEMS / copyMs) * 1000 });
        console.log(
          `round ${r}: bulk create ${round(created.ms)} ms (${round((ITEMS / created.ms) * 1000)}/s)   ` +
            `bulk update ${round(updated.ms)} ms (${round((ITEMS / updated.ms) * 1000)}/s)   COPY ${round(copyMs)} ms (${round((ITEMS / copyMs) * 1000)} rows/s)`,
        );
      }
      const create = median(rounds.map((x) => x.create));
      const update = median(rounds.map((x) => x.update));
      const copy = median(rounds.map((x) => x.copy));

      // 100,000 items: ten 10,000-item submits at once; RSS sampled every 100 ms until all end.
      const rssBefore = rssMb(server.pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.pid))), 100);
      const t = performance.now();
      const jobs = await Promise.all(
        Array.from({ length: BIG_SUBMITS }, (_, s) =>
          runJob(
            'POST',
            '/v1/ext/procedure/lead/process/bulk-create',
            Array.from({ length: ITEMS }, (_, i) => ({
              data: { lead_id: `BIG${s}-${i}`, score: 1 },
              record: { data: { phone_number: `93${s}${String(i).padStart(9, '0')}` } },
            })),
          ),
        ),
      );
      const bigMs = performance.now() - t;
      clearInterval(sampler);
      for (const j of jobs) expectAll(j.job, '100k run');
      console.log(
        `100,000 items in ${BIG_SUBMITS} submits: ${round(bigMs)} ms (${round((100_000 / bigMs) * 1000)}/s), RSS ${round(rssBefore)} → peak ${round(rssPeak)} MB`,
      );

      return {
        bench: 'bulk',
        items: ITEMS,
        rounds: ROUNDS,
        create_per_s: round(create),
        update_per_s: round(update),
        copy_rows_per_s: round(copy),
        create_vs_copy: Math.round((create / copy) * 100) / 100,
        update_vs_copy: Math.round((update / copy) * 100) / 100,
        big_items: 100_000,
        big_ms: round(bigMs),
        rss_before_mb: round(rssBefore),
        rss_peak_mb: round(rssPeak),
        rss_growth_mb: round(rssPeak - rssBefore),
      };
    } finally {
      await pool.end();
      await server.stop();
    }
  });
}
