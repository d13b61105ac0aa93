/**
 * A bulk job survives its server dying mid-run. On PostgreSQL the server is SIGKILLed after the
 * first chunk commits (its queue message expires and a new server resumes the job); on PGlite it
 * is stopped with SIGTERM (the running slice stops after its chunk and queues the rest). Either
 * way, after a restart: every valid item became exactly one process, every entry is final and
 * the job's counters match the rows.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/core/db/open.ts';
import { BACKEND, createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { waitForJob } from './helpers/jobs.ts';
import { call } from './helpers/server.ts';

const ITEMS = 20_000;
const SIGNAL: NodeJS.Signals = BACKEND === 'postgres' ? 'SIGKILL' : 'SIGTERM';

let db: TestDatabase;
const servers: ChildServer[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  await db?.drop();
});

const env = () => ({ ...db.env, BULK_MAX_ITEMS: String(ITEMS), JOB_TIMEOUT_SECONDS: '3', JOB_MAINTENANCE_SECONDS: '1' });

it(`loses and duplicates nothing when the server gets ${SIGNAL} in the middle of a 20,000-item job`, async () => {
  const first = await startChildServer(env());
  servers.push(first);
  const key = /^Demo API key: (\S+)$/m.exec(first.stdout())![1];

  // Every 997th item is invalid; the others link a customer record by phone.
  const invalid = new Set(Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i % 997 === 500));
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    data: { lead_id: `K-${i}`, firstname: `Lead ${i}`, score: invalid.has(i) ? 'not a number' : i % 10 },
    record: { data: { phone_number: `9198${String(i % 5000).padStart(8, '0')}` } },
  }));
  const submit = await call(first.url, 'POST', '/v1/ext/procedure/lead/process/bulk-create', { key, body: items });
  expect(submit.status, submit.text).toBe(200);
  const jobId = submit.json._data.id;

  // Stop it once the first chunk has committed, well before the end.
  let counts: Record<string, number>;
  for (;;) {
    counts = (await call(first.url, 'GET', `/v1/ext/background-job/${jobId}`, { key })).json._meta.bjEntryCompletionStatusVsCount;
    if (counts.SUCCESS > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await first.stop(SIGNAL);
  const second = await startChildServer(env());
  servers.push(second);
  const before = (await call(second.url, 'GET', `/v1/ext/background-job/${jobId}`, { key })).json._meta.bjEntryCompletionStatusVsCount;
  expect(before.NOT_STARTED, 'the job must still have had work left when the server went down').toBeGreaterThan(0);

  const done = await waitForJob(second.url, key, jobId, 120_000);
  expect(done._data.completionStatus).toBe('COMPLETED');
  expect(done._meta.bjEntryCompletionStatusVsCount).toEqual({
    INVALID: invalid.size,
    NOT_STARTED: 0,
    SUCCESS: ITEMS - invalid.size,
    ERROR: 0,
  });
  await second.stop('SIGTERM');

  const direct = await openDatabase(loadConfig({ ...process.env, ...env() }));
  try {
    const [p] =
      await direct.query(`select count(*)::int as n, count(distinct pk_value)::int as pks, count(distinct record_id)::int as records
                                      from processes where pk_value like 'K-%'`);
    expect(p).toEqual({ n: ITEMS - invalid.size, pks: ITEMS - invalid.size, records: 5000 });
    const entries = await direct.query(
      `select coalesce(r.completion_status, 'NOT_STARTED') as completion_status,
              count(*)::int as n, count(distinct r.process_id)::int as processes
         from background_job_entries e left join background_job_results r using (job_id, idx)
        where e.job_id = $1 group by 1 order by 1`,
      [jobId],
    );
    expect(entries).toEqual([
      { completion_status: 'INVALID', n: invalid.size, processes: 0 },
      { completion_status: 'SUCCESS', n: ITEMS - invalid.size, processes: ITEMS - invalid.size },
    ]);
    // Each entry points at the process made from its own item.
    const [mismatch] = await direct.query(
      `select count(*)::int as n from background_job_entries e join background_job_results r using (job_id, idx)
         join processes p on p.id = r.process_id
        where e.job_id = $1 and p.pk_value <> e.input->'data'->>'lead_id'`,
      [jobId],
    );
    expect(mismatch.n).toBe(0);
  } finally {
    await direct.close();
  }
}, 240_000);
