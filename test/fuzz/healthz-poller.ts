/**
 * Polls `/healthz` from a worker thread while the fuzzer runs, and records how long each answer
 * took: the server shares its event loop with nothing but the fuzzer's client, so one request
 * that blocks the loop shows up here as a slow health check. The worker has its own loop, so
 * its clock keeps running while the server's is blocked.
 */
import { Worker } from 'node:worker_threads';

export interface HealthzStats {
  polls: number;
  maxMs: number;
  p99Ms: number;
  /** Polls that got no 200 (an error or another status). */
  failures: number;
}

/** The worker's code: plain JavaScript, so the worker needs no TypeScript loader. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const times = [];
let failures = 0;
let stopped = false;
function poll() {
  if (stopped) return;
  const started = performance.now();
  const done = (ok) => {
    times.push(performance.now() - started);
    if (!ok) failures++;
    setTimeout(poll, workerData.intervalMs);
  };
  const req = http.get(workerData.url + '/healthz', { agent }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode === 200));
  });
  req.on('error', () => done(false));
}
parentPort.on('message', () => {
  stopped = true;
  const sorted = [...times].sort((a, b) => a - b);
  parentPort.postMessage({
    polls: times.length,
    maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
    p99Ms: Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0),
    failures,
  });
});
poll();
`;

export function startHealthzPoller(url: string, intervalMs = 50): { stop(): Promise<HealthzStats> } {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { url, intervalMs } });
  return {
    stop: () =>
      new Promise<HealthzStats>((resolve, reject) => {
        worker.once('message', (stats: HealthzStats) => {
          void worker.terminate();
          resolve(stats);
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      }),
  };
}
