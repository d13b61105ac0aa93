/**
 * docs/sdk.md's runnable example, sdk/examples/quickstart.ts, run as its header says (a child
 * `node --import tsx` with BASE_URL and API_KEY) against a real server: it must finish and print
 * what the docs say it prints.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/child-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const run = promisify(execFile);
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.close());

it('sdk/examples/quickstart.ts runs against the server and prints each step', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sdk/examples/quickstart.ts'], {
    cwd: PROJECT_DIR,
    env: { ...process.env, BASE_URL: s.url, API_KEY: s.demoKey },
    timeout: 60_000,
  });
  const lines = stdout.trim().split('\n');
  const leadId = /^created (LEAD-\w+) in CONTACTED$/.exec(lines[0])?.[1];
  expect(leadId, stdout).toBeDefined();
  expect(lines).toEqual([
    `created ${leadId} in CONTACTED`,
    `updated ${leadId}: score 8, QUALIFIED`,
    `logged a call on ${leadId}: COMPLETED`,
    `found ${leadId} while listing`,
    'listed 1 qualified lead(s)',
    `refused: 409 CONFLICT data.lead_id: ${leadId} is already used by another lead process`,
  ]);
}, 90_000);
