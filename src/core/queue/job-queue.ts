/**
 * The one queue engine: pg-boss on the application's own database (PostgreSQL or PGlite), so a
 * queue message is written in the same transaction as the rows it is about. Feature code sees
 * only this small interface.
 */
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Queryable } from '../db/types.ts';
import { FoldedWakes } from './folded-wake.ts';

export interface QueueMessage<T> {
  id: string;
  data: T;
  retryCount: number;
  retryLimit: number;
}

interface SendOptions {
  /** Higher first; equal priorities go oldest first. */
  priority?: number;
  /** A worker holding the message longer than this is presumed dead and the message is retried. */
  expireInSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Where the message goes once its retries are used up. */
  deadLetter?: string;
  /** On a queue declared `oneWaitingPerKey`: a message whose key already waits is dropped. */
  singletonKey?: string;
  startAfterSeconds?: number;
}

export interface JobQueue {
  /**
   * Declares a queue (idempotent); `deadLetter` must be declared first. `oneWaitingPerKey`:
   * at most one waiting message per `singletonKey` (a wake-up that is already pending is not
   * queued twice).
   */
  declare(name: string, options?: { oneWaitingPerKey?: boolean }): Promise<void>;
  /** Enqueues a message inside the caller's transaction: it exists only if that transaction commits. */
  send<T extends object>(tx: Queryable, queue: string, data: T, options?: SendOptions): Promise<void>;
  /** Runs `concurrency` pollers on this process; each handles one message at a time. */
  work<T>(queue: string, concurrency: number, handler: (message: QueueMessage<T>) => Promise<void>): Promise<void>;
  /** Wakes this process's pollers of a queue now instead of at their next poll. */
  wake(queue: string): void;
  /**
   * Writes a wake-up message for `key` with `write` (which sends it), never two of one key in
   * flight at once: requests that come meanwhile fold into one next write (folded-wake.ts).
   */
  wakeFolded(queue: string, key: string, write: () => Promise<void>): void;
  /** Messages waiting and running per queue, for /metrics. */
  sizes(): Promise<{ queue: string; state: string; count: number }[]>;
  /** Stops polling and waits up to `graceMs` for running handlers to return. */
  stop(graceMs: number): Promise<void>;
}

const unavailable = () => {
  throw new Error('this process was opened without the job queue');
};

/** The queue of a process that never runs or enqueues background work (one-shot CLI commands). */
export const noQueue: JobQueue = {
  declare: unavailable,
  send: unavailable,
  work: unavailable,
  wake: () => {},
  // Nothing here enqueues; work such a process writes is found by the workers' sweeps.
  wakeFolded: () => {},
  sizes: async () => [],
  stop: async () => {},
};

/** pg-boss's `db` adapter over our Queryable; parameterless scripts may hold several statements. */
function adapter(q: Queryable) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      return { rows: values?.length ? await q.query(text, values) : await q.exec(text) };
    },
  };
}

const POLL_SECONDS = 0.5;
const DECLARE_LOCK_KEY = 0x43_4b_51_44;

export async function openJobQueue(db: Db, options: { maintenanceSeconds: number }, log: FastifyBaseLogger): Promise<JobQueue> {
  const boss = new PgBoss({
    db: adapter(db),
    schema: 'pgboss',
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceSeconds,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err: Error) => log.error({ err: err.message }, 'job queue error'));
  await boss.start();
  const workers = new Map<string, string[]>();
  const wakeLocalWorkers = (queue: string) => {
    for (const id of workers.get(queue) ?? []) boss.notifyWorker(id);
  };
  const folded = new FoldedWakes(log, wakeLocalWorkers);

  return {
    async declare(name, declared = {}) {
      // Two processes creating queues at once deadlock inside pg-boss (each adds a partition to
      // the shared job table), so declarations across processes take turns.
      await db.withAdvisoryLock(DECLARE_LOCK_KEY, async () => {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, declared.oneWaitingPerKey ? { name, policy: 'short' } : undefined);
      });
    },
    async send(tx, queue, data, o = {}) {
      const options = {
        priority: o.priority,
        expireInSeconds: o.expireInSeconds,
        retryLimit: o.retryLimit,
        retryDelay: o.retryDelaySeconds,
        deadLetter: o.deadLetter,
        singletonKey: o.singletonKey,
        startAfter: o.startAfterSeconds,
      };
      // pg-boss checks every option it is given, undefined ones included.
      const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
      await boss.send(queue, data, { ...given, db: adapter(tx) } as PgBoss.SendOptions);
    },
    async work(queue, concurrency, handler) {
      const ids: string[] = [];
      for (let i = 0; i < concurrency; i++) {
        ids.push(
          await boss.work<any>(queue, { batchSize: 1, pollingIntervalSeconds: POLL_SECONDS, includeMetadata: true }, async ([job]) => {
            try {
              await handler({ id: job.id, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit });
            } catch (err) {
              // pg-boss retries the message; without this line the failure would leave no trace.
              log.error({ err, queue, attempt: job.retryCount + 1 }, 'queue message failed; it will be retried');
              throw err;
            }
          }),
        );
      }
      workers.set(queue, [...(workers.get(queue) ?? []), ...ids]);
    },
    wake: wakeLocalWorkers,
    wakeFolded: (queue, key, write) => folded.wake(queue, key, write),
    async sizes() {
      const rows = await db.query<{ name: string; state: string; count: number }>(
        `select name, state::text as state, count(*)::int as count from pgboss.job
          where state in ('created', 'retry', 'active') group by name, state`,
      );
      return rows.map((r) => ({ queue: r.name, state: r.state, count: r.count }));
    },
    async stop(graceMs) {
      await boss.stop({ graceful: true, timeout: graceMs, close: false });
    },
  };
}
