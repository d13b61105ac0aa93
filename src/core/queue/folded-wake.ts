/**
 * Writes a wake-up message for a key without ever having two of one key in flight: a second
 * wake-up of a key uniquely queued would wait on the first's uniqueness check, so while one is
 * being written (and for a few milliseconds after), further requests fold into a single next
 * one. A process that dies before writing it leaves the work to the sweep every such queue has.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { JobQueue } from './job-queue.ts';

/** At most one wake-up write per key in this long (the first after a quiet spell goes at once). */
const COOLDOWN_MS = 20;

const inFlight = new WeakMap<JobQueue, Map<string, 'writing' | 'again'>>();

export function wakeFolded(queue: JobQueue, log: FastifyBaseLogger, queueName: string, key: string, write: () => Promise<void>): void {
  let pending = inFlight.get(queue);
  if (!pending) inFlight.set(queue, (pending = new Map()));
  const state = pending;
  const id = `${queueName}\u0000${key}`;
  const run = () => {
    state.set(id, 'writing');
    write()
      .then(() => queue.wake(queueName)) // this process's workers, if any, look now
      .catch((err) => log.warn({ err: (err as Error).message, queue: queueName }, 'wake-up not written; the sweep will pick the work up'))
      // A short pause before the next write of this key: under load, requests keep coming while
      // a worker is already busy with the key, and each write is a statement the database pays for.
      .finally(() => setTimeout(() => (state.get(id) === 'again' ? run() : state.delete(id)), COOLDOWN_MS));
  };
  if (state.has(id)) state.set(id, 'again');
  else run();
}
