import path from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Db } from './types.ts';

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL is set, else the embedded
 * PGlite under DATA_DIR (locked against a second process).
 */
export async function openDatabase(config: { databaseUrl?: string; dataDir: string }): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  const unlock = lockDataDir(config.dataDir);
  try {
    const db = await openPglite(path.join(config.dataDir, 'pglite'));
    // The same object, not a copy: transactions know their Db by identity (after-commit hooks).
    const closeDb = db.close;
    db.close = async () => {
      try {
        await closeDb();
      } finally {
        unlock();
      }
    };
    return db;
  } catch (err) {
    unlock();
    throw err;
  }
}
