/**
 * The rules of docs/architecture.md that a reader of a diff could miss: what may import what,
 * every area registered in one place, and per-process state that belongs to its context.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, openContext, type RunningContext } from '../src/app.ts';
import { AREAS } from '../src/areas.ts';
import { loadConfig } from '../src/config.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** The files a module imports (relative specifiers only, resolved), type-only imports included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

const inside = (file: string, dir: string) => file.startsWith(path.join(SRC, dir) + path.sep);

describe('the layers', () => {
  it('the kernel (src/core) imports nothing outside itself, not even a type', () => {
    const outside = sourceFiles(path.join(SRC, 'core')).flatMap((file) =>
      importsOf(file)
        .filter((target) => !inside(target, 'core'))
        .map((target) => `${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`),
    );
    expect(outside).toEqual([]);
  });

  it('areas import the composition root only for its types (context.ts, area.ts, config.ts), never app.ts, server.ts or areas.ts', () => {
    const forbidden = ['app.ts', 'server.ts', 'areas.ts'].map((f) => path.join(SRC, f));
    const wrong = [...sourceFiles(path.join(SRC, 'features')), ...sourceFiles(path.join(SRC, 'whatsapp'))]
      .filter((file) => !file.endsWith('.test.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((t) => forbidden.includes(t))
          .map((t) => `${path.relative(SRC, file)} -> ${path.relative(SRC, t)}`),
      );
    expect(wrong).toEqual([]);
  });

  it('processes and records are written only by src/features/processes (one owner per table)', () => {
    const writes =
      /\binsert\s+into\s+(processes|records)\b|\bupdate\s+(processes|records)(\s+\w+)?\s+set\b|\bdelete\s+from\s+(processes|records)\b/i;
    const writers = sourceFiles(SRC)
      .filter((file) => !file.endsWith('.test.ts') && !inside(file, 'features/processes'))
      .filter((file) => writes.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC, file));
    expect(writers).toEqual([]);
  });

  it('every folder with routes or a worker is an area listed in src/areas.ts', () => {
    const folders = [...sourceFiles(path.join(SRC, 'features')), ...sourceFiles(path.join(SRC, 'whatsapp'))]
      .filter((file) => /(^|\/)(routes|[a-z-]+-worker)\.ts$/.test(path.basename(file)))
      .map((file) => path.dirname(file));
    const withDescriptor = new Set(folders.filter((dir) => statSync(path.join(dir, 'area.ts'), { throwIfNoEntry: false })));
    expect([...new Set(folders)].filter((dir) => !withDescriptor.has(dir)).map((d) => path.relative(SRC, d))).toEqual([]);
    const listed = readFileSync(path.join(SRC, 'areas.ts'), 'utf8');
    for (const dir of withDescriptor) expect(listed, path.relative(SRC, dir)).toContain(`./${path.relative(SRC, dir)}/area.ts`);
    expect(new Set(AREAS.map((a) => a.name)).size).toBe(AREAS.length);
  });
});

describe('per-process state', () => {
  const dbs: TestDatabase[] = [];
  const contexts: RunningContext[] = [];
  afterAll(async () => {
    for (const ctx of contexts) await ctx.close();
    for (const db of dbs) await db.drop();
  });

  it('lives on the context: two contexts in one process share none of it', async () => {
    for (let i = 0; i < 2; i++) {
      const db = await createTestDatabase();
      dbs.push(db);
      const config = loadConfig({ ...db.env, LOG_LEVEL: 'silent' });
      contexts.push(await openContext(config, createLogger(config.logLevel), { queue: false }));
    }
    const [a, b] = contexts;
    const keys = Object.keys(a.local);
    expect(keys.sort()).toEqual(AREAS.flatMap((area) => Object.keys(area.local ?? {})).sort());
    for (const key of keys) expect((a.local as any)[key], key).not.toBe((b.local as any)[key]);
    expect(a.db.notices).not.toBe(b.db.notices);
  });
});
