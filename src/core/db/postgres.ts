import pg from 'pg';
import { closeCommitHooks, CommitNotices, openCommitHooks } from './after-commit.ts';
import { backoffMs } from '../backoff.ts';
import type { Db, NotifyHandlers, Queryable } from './types.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts and epoch values fit in a double; returning strings for them would leak pg's wire
// format into every caller and make PGlite and PostgreSQL disagree.
const types = {
  getTypeParser(oid: number, format?: any) {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

function wrapClient(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query(sql, params) {
      return (await client.query({ text: sql, values: params as any[], types })).rows;
    },
    async run(sql, params) {
      return (await client.query({ text: sql, values: params as any[], types })).rowCount ?? 0;
    },
    async exec(sql) {
      // Several statements come back as an array of results, one statement as one result.
      const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as any[];
    },
  };
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const base = wrapClient(pool);
  await base.query('select 1');
  const db: Db = {
    kind: 'postgres',
    notices: new CommitNotices(),
    ...base,
    async exec(sql) {
      // A script that opens a transaction and then fails leaves its connection in an aborted
      // transaction; back in the pool, that connection would fail the next caller's queries.
      const client = await pool.connect();
      try {
        return await wrapClient(client).exec(sql);
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async tx(fn) {
      const client = await pool.connect();
      const handle = wrapClient(client);
      let committed = false;
      try {
        await client.query('begin');
        openCommitHooks(db, handle);
        const result = await fn(handle);
        await client.query('commit');
        committed = true;
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
        closeCommitHooks(handle, committed);
      }
    },
    async withAdvisoryLock(lockKey, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [lockKey]);
        try {
          return await fn(wrapClient(client));
        } finally {
          await client.query('select pg_advisory_unlock($1)', [lockKey]);
        }
      } finally {
        client.release();
      }
    },
    listen: (channel, handlers) => listenOn(url, channel, handlers),
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
  return db;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * LISTEN on a client of its own, outside the pool: a pooled connection is handed to other
 * callers between queries, and LISTEN belongs to a session. A lost connection is replaced with
 * backoff (a restarted or failed-over database); `gap` tells the listener that notifications
 * may have been missed meanwhile, so that it looks for itself.
 */
async function listenOn(url: string, channel: string, handlers: NotifyHandlers): Promise<() => Promise<void>> {
  if (!CHANNEL.test(channel)) throw new Error(`listen: ${channel} is not a plain channel name`);
  let current: pg.Client | undefined;
  let stopped = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (m) => {
      if (m.channel === channel) handlers.notify(m.payload ?? '');
    });
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (stopped) return void (await client.end().catch(() => {}));
    current = client;
    attempt = 0;
  };
  const reconnectLater = () => {
    attempt++;
    retry = setTimeout(
      () => {
        if (stopped) return;
        connect().then(
          () => handlers.gap?.(),
          () => reconnectLater(),
        );
      },
      backoffMs(attempt, 100, 5000, [0.5, 1]),
    );
    retry.unref();
  };
  function lost(client: pg.Client) {
    if (client !== current || stopped) return;
    current = undefined;
    client.end().catch(() => {});
    reconnectLater();
  }

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const client = current;
    current = undefined;
    await client?.end().catch(() => {});
  };
}
