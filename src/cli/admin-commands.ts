import { readFileSync } from 'node:fs';
import { applyWorkspaceDocument } from '../features/workspace/service.ts';
import { parseWorkspaceText } from '../features/workspace/validate.ts';
import { withCliContext } from './open-for-cli.ts';
import { UsageError } from './usage-error.ts';

export async function migrateCommand(): Promise<void> {
  await withCliContext(async (_ctx, applied) => {
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  });
}

export async function applyCommand(file: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const doc = parseWorkspaceText(text);
  await withCliContext(async (ctx) => {
    const s = await applyWorkspaceDocument(ctx.db, doc, { secrets: ctx.secrets });
    const teams = s.teams.map((t) => t.shortId).join(', ');
    console.log(`applied ${file}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged (teams: ${teams})`);
    for (const p of s.generatedSecrets) console.log(`generated sandbox secret: ${p}`);
  });
}
