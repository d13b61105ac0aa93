/** The one database interface every repo uses; PGlite and node-postgres both implement it. */
import type { CommitNotices } from './after-commit.ts';
type Row = Record<string, any>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one parameterised statement and returns the number of rows it affected. */
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs a script of several statements without parameters; returns the last statement's rows. */
  exec(sql: string): Promise<Row[]>;
}

/** What a LISTEN delivers: each NOTIFY payload (after its sender committed), and a gap when notifications may have been lost. */
export interface NotifyHandlers {
  notify(payload: string): void;
  /** The listening connection was lost and is listening again: whatever was notified meanwhile is gone. */
  gap?(): void;
}

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn inside one transaction. Everything inside must use the handle it is given:
   * PGlite has a single connection, so a query on the outer Db would wait on itself.
   */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs fn on one session holding a PostgreSQL advisory lock (migrations, single-runner work). */
  withAdvisoryLock<T>(lockKey: number, fn: (session: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel` (a plain identifier) on a connection of its own; resolves once
   * listening, with the function that stops. NOTIFY reaches every process on the database.
   */
  listen(channel: string, handlers: NotifyHandlers): Promise<() => Promise<void>>;
  stats(): PoolStats;
  close(): Promise<void>;
  /** Listeners for what this database's committed transactions announce (after-commit.ts). */
  readonly notices: CommitNotices;
}
