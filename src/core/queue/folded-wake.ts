/**
 * Writes a wake-up message for a key without ever having two of one key in flight: a second
 * wake-up of a key uniquely queued would wait on the first's uniqueness check, so while one is
 * being written (and for a few milliseconds after), further requests fold into a single next
 * one. A process that dies before writing it leaves the work to the sweep every such queue has.
 */
import type { FastifyBaseLogger } from 'fastify';

/** At most one wake-up write per key in this long (the first after a quiet spell goes at once). */
const COOLDOWN_MS = 20;

/** One queue's wake-ups in flight, by queue name and key; lives as long as its queue. */
export class FoldedWakes {
  private inFlight = new Map<string, 'writing' | 'again'>();

  constructor(
    private log: FastifyBaseLogger,
    /** Called after a write, so that this process's own workers look at once. */
    private afterWrite: (queueName: string) => void,
  ) {}

  wake(queueName: string, key: string, write: () => Promise<void>): void {
    const id = `${queueName}\u0000${key}`;
    const run = () => {
      this.inFlight.set(id, 'writing');
      write()
        .then(() => this.afterWrite(queueName))
        .catch((err) =>
          this.log.warn({ err: (err as Error).message, queue: queueName }, 'wake-up not written; the sweep will pick the work up'),
        )
        // A short pause before the next write of this key: under load, requests keep coming while
        // a worker is already busy with the key, and each write is a statement the database pays for.
        .finally(() => setTimeout(() => (this.inFlight.get(id) === 'again' ? run() : this.inFlight.delete(id)), COOLDOWN_MS));
    };
    if (this.inFlight.has(id)) this.inFlight.set(id, 'again');
    else run();
  }
}
