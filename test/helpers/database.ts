/**
 * A fresh database per test file, on the backend TEST_DB selects: `pglite` (a temporary
 * DATA_DIR) or `postgres` (a uniquely named database on the machine's server, dropped after).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type Backend = 'pglite' | 'postgres';
export const BACKEND: Backend = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** 32 bytes, hex: the test suite's CHAKRA_SECRET_KEY. */
const TEST_SECRET_KEY = 'a'.repeat(64);

export interface TestDatabase {
  backend: Backend;
  /** Environment that points a server or CLI at this database. */
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

async function withAdminClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(backend: Backend = BACKEND): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chakra-test-'));
  if (backend === 'pglite') {
    return { backend, dataDir, env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `chakra_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((c) => c.query(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    backend,
    dataDir,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString(), CHAKRA_SECRET_KEY: TEST_SECRET_KEY },
    async drop() {
      await withAdminClient((c) => c.query(`drop database if exists ${name} with (force)`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
