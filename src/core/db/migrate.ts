import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db } from './types.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));
/** Arbitrary constant shared by every process of this product: "chakra migrate". */
const MIGRATION_LOCK_KEY = 0x43_4b_4d_47;

interface MigrationFile {
  version: number;
  name: string;
  file: string;
}

async function listMigrations(): Promise<MigrationFile[]> {
  const names = (await readdir(MIGRATIONS_DIR)).filter((n) => /^\d+_.+\.sql$/.test(n)).sort();
  return names.map((n) => ({ version: Number(n.split('_')[0]), name: n.replace(/\.sql$/, ''), file: path.join(MIGRATIONS_DIR, n) }));
}

/**
 * Applies every pending numbered migration, each in its own transaction, while holding an
 * advisory lock so that two processes starting at once do not both migrate.
 * Returns the names of the migrations this call applied.
 */
export async function migrate(db: Db): Promise<string[]> {
  const files = await listMigrations();
  return db.withAdvisoryLock(MIGRATION_LOCK_KEY, async (session) => {
    await session.exec(
      'create table if not exists chakra_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set((await session.query<{ version: number }>('select version from chakra_migrations')).map((r) => r.version));
    const applied: string[] = [];
    for (const m of files) {
      if (done.has(m.version)) continue;
      const sql = await readFile(m.file, 'utf8');
      try {
        await session.exec(`begin;\n${sql}\n;insert into chakra_migrations (version, name) values (${m.version}, '${m.name}');\ncommit;`);
      } catch (err) {
        await session.exec('rollback').catch(() => {});
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
    return applied;
  });
}
