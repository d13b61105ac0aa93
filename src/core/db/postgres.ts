import pg from 'pg';
import { closeCommitHooks, CommitNotices, openCommitHooks } from './after-commit.ts';
import type { Db, Queryable } from './types.ts';

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
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
  return db;
}
