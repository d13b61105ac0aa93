/**
 * One team's pile of big jobs does not starve another team's small one: with a single worker
 * started after everything was submitted, the small job submitted last runs right after the
 * first big job, not after all of them (plain first-in-first-out would run it last).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitForJob } from './helpers/jobs.ts';
import { call, startTestServer, type TestServer } from './helpers/server.ts';
import { addTeamWithLeads } from './helpers/teams.ts';

let s: TestServer;
let smallTeamKey: string;

beforeAll(async () => {
  s = await startTestServer({ WORKER_CONCURRENCY: '1', BULK_CHUNK_SIZE: '100' }, undefined, { workers: false });
  smallTeamKey = await addTeamWithLeads(s, 'small');
});
afterAll(() => s?.close());

const submit = async (key: string, items: unknown[]) => {
  const res = await call(s.url, 'POST', '/v1/ext/procedure/lead/process/bulk-create', { key, body: items });
  expect(res.status, res.text).toBe(200);
  return res.json._data.id as string;
};

it("runs a small team's job before a big team's queued jobs", async () => {
  const big: string[] = [];
  for (const j of [0, 1, 2, 3])
    big.push(
      await submit(
        s.demoKey,
        Array.from({ length: 1000 }, (_, i) => ({ data: { lead_id: `F${j}-${i}` } })),
      ),
    );
  const small = await submit(
    smallTeamKey,
    Array.from({ length: 10 }, (_, i) => ({ data: { lead_id: `S-${i}` } })),
  );
  // Operators see the backlog.
  const metrics = await call(s.url, 'GET', '/metrics');
  expect(metrics.text).toMatch(/chakra_queue_jobs\{queue="bulk-jobs",state="created"\} 5\n/);
  await s.startWorkers();

  const smallDone = await waitForJob(s.url, smallTeamKey, small, 120_000);
  const bigDone = await Promise.all(big.map((id) => waitForJob(s.url, s.demoKey, id, 120_000)));
  expect(smallDone._meta.bjEntryCompletionStatusVsCount.SUCCESS).toBe(10);
  const finishedAfterSmall = bigDone.filter((j) => j._data.completedAt > smallDone._data.completedAt);
  // The first big job was submitted before anyone else had work waiting; the other three wait.
  expect(finishedAfterSmall.length).toBe(3);
  expect((await call(s.url, 'GET', '/metrics')).text).not.toMatch(/chakra_queue_jobs\{queue="bulk-jobs",state="created"\} [1-9]/);
}, 180_000);
