/**
 * The README's curl session, run as written against a real server with the demo key: every
 * `curl` command must succeed and answer what the comment under it shows. (`npm install`,
 * `npm start` and `npm test` are run by .ci/run and test/process-lifecycle.test.ts.)
 * docs/bulk.md's example is one script: it runs whole and prints what its comments show.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { startReceiver, type Receiver } from './helpers/webhook-receiver.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** Where the README's receiver listens; the test's own listens on a free port instead. */
const README_RECEIVER = 'http://127.0.0.1:4000/';
const BULK_DOC = readFileSync(new URL('../docs/bulk.md', import.meta.url), 'utf8');

interface Step {
  command: string;
  expected: string;
}

/** The sh blocks' curl commands (with their continuation lines) and the `# …` line after each. */
function curlSteps(): Step[] {
  const steps: Step[] = [];
  for (const [, block] of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('curl ')) continue;
      let command = lines[i];
      while (command.endsWith('\\')) command = `${command.slice(0, -1)} ${lines[++i].trim()}`;
      const expected = lines[i + 1]?.startsWith('# ') ? lines[i + 1].slice(2) : '';
      steps.push({ command, expected });
    }
  }
  return steps;
}

/** The comment is the answer with `…` for what varies: every literal piece must appear, in order. */
function matchesSketch(actual: string, sketch: string): boolean {
  const pattern = sketch
    .split('…')
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(actual);
}

let s: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  // The sandbox's customer on, faster than by default; the README's receiver, on a port of its
  // own (4000 may be taken); the sample data a reader's first start has (DEMO_SAMPLE_DATA),
  // which the session must not trip over.
  s = await startTestServer({ SANDBOX_CALLBACKS: 'true', SANDBOX_CALLBACK_UNIT_MS: '100', DEMO_SAMPLE_DATA: 'true' });
  receiver = await startReceiver('/');
});
afterAll(async () => {
  await receiver?.close();
  await s?.close();
});

describe('README curl session', () => {
  const steps = curlSteps();

  it('has the health, config, process, task, key-creation and WhatsApp loop calls, in order', () => {
    expect(steps.map((st) => st.command)).toEqual([
      expect.stringContaining('/v1/health'),
      expect.stringContaining('/v1/ext/config'),
      expect.stringContaining('/v1/ext/procedure/lead/process"'),
      expect.stringContaining('/v1/ext/procedure/lead/process/lead_id/LEAD-001'),
      expect.stringContaining('/v1/ext/procedure/lead/process/list'),
      expect.stringContaining('/v1/ext/p/lead/LEAD-001/task/call'),
      expect.stringContaining('/v1/admin/teams/demo/api-keys'),
      expect.stringContaining('/update-config'),
      expect.stringContaining('/send-template-message'),
      expect.stringContaining('/list-chat-messages-for-phone-number'),
    ]);
    // The receiver the steps below point at the test's own instead.
    expect(steps[7].command).toContain(`"chakraWebhookUrl": "${README_RECEIVER}"`);
  });

  for (const [i, step] of steps.entries()) {
    it(`step ${i + 1} answers as the README shows`, async () => {
      // "Within about four seconds the receiver prints…": the three statuses and the reply.
      if (step.command.includes('list-chat-messages-for-phone-number')) {
        const got = await receiver.waitFor(4);
        expect(got.map((r) => r.json.event)).toEqual(['status', 'status', 'status', 'message']);
      }
      // Asynchronously: the server runs in this process and must keep answering meanwhile.
      const { stdout: out } = await promisify(execFile)('bash', ['-c', step.command.replaceAll(README_RECEIVER, receiver.url)], {
        env: { ...process.env, CHAKRA_URL: s.url, CHAKRA_KEY: s.demoKey },
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(JSON.parse(out)._errors).toEqual([]);
      expect(step.expected).not.toBe('');
      expect(matchesSketch(out.trim(), step.expected), `${out}\n  vs\n${step.expected}`).toBe(true);
    });
  }
});

describe('docs/bulk.md example', () => {
  it('runs as a script and prints what its comments show', async () => {
    const script = /## Example[\s\S]*?```sh\n([\s\S]*?)```/.exec(BULK_DOC)![1];
    const expected = script
      .split('\n')
      .filter((l) => l.startsWith('# {'))
      .map((l) => l.slice(2));
    expect(expected.length).toBeGreaterThan(0);
    const runnable = script
      .split('\n')
      .filter((l) => !l.startsWith('export '))
      .join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', runnable], {
      env: { ...process.env, CHAKRA_URL: s.url, CHAKRA_KEY: s.demoKey },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const printed = stdout.split('\n').filter((l) => l !== '');
    expect(printed.length).toBe(expected.length);
    for (const [i, line] of printed.entries()) expect(matchesSketch(line, expected[i]), `${line}\n  vs\n${expected[i]}`).toBe(true);
  });
});
