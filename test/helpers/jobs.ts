/** Waiting on background jobs over HTTP, as a client would. */
import { call } from './server.ts';

/** Polls a job until it leaves IN_PROGRESS/NOT_STARTED (or the timeout passes); returns the last answer. */
export async function waitForJob(base: string, key: string, jobId: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(base, 'GET', `/v1/ext/background-job/${jobId}`, { key });
    if (res.status !== 200) throw new Error(`job fetch answered ${res.status}: ${res.text}`);
    const status = res.json._data.completionStatus;
    if (!['IN_PROGRESS', 'NOT_STARTED'].includes(status)) return res.json;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${status} after ${timeoutMs} ms: ${res.text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
