import { parseArgs } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from '../features/api-keys/service.ts';
import { findTeam } from '../features/api-keys/repo.ts';
import type { Queryable } from '../core/db/types.ts';
import { withCliContext } from './open-for-cli.ts';
import { UsageError } from './usage-error.ts';

const OPTIONS = {
  team: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  expires: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function required(values: Record<string, unknown>, ...names: string[]) {
  for (const n of names) if (typeof values[n] !== 'string' || values[n] === '') throw new UsageError(`--${n} is required`);
}

async function teamOf(db: Queryable, key: string) {
  const team = await findTeam(db, key);
  if (!team) throw new UsageError(`unknown team "${key}"`);
  return team;
}

const time = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

function describe(k: ApiKeyView): string {
  const state = k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && k.expiresAt <= Date.now() ? 'expired' : 'active';
  return `${k.id}  ${k.keyPrefix}…  ${k.name}  role=${k.role}  ${state}  expires=${time(k.expiresAt)}  lastUsed=${time(k.lastUsedAt)}`;
}

export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  required(values, 'team');
  await withCliContext(async (ctx) => {
    const team = await teamOf(ctx.db, values.team!);
    switch (sub) {
      case 'create': {
        required(values, 'role', 'name');
        const created = await createApiKey(ctx.db, team.id, {
          name: values.name!,
          role: values.role!,
          description: values.description ?? null,
          expiresAt: values.expires ?? null,
        });
        if (values.json) {
          console.log(JSON.stringify({ ...created, team: team.short_id }));
        } else {
          console.log(`Created API key "${created.name}" (${created.id}) for team ${team.short_id}, role ${created.role}, expires ${time(created.expiresAt)}.`);
          console.log('It is shown only this once:');
          console.log(created.key);
        }
        return;
      }
      case 'list': {
        const keys = await listApiKeys(ctx.db, team.id);
        if (values.json) console.log(JSON.stringify(keys));
        else if (keys.length === 0) console.log(`team ${team.short_id} has no API keys`);
        else for (const k of keys) console.log(describe(k));
        return;
      }
      case 'revoke': {
        if (positionals.length !== 1) throw new UsageError('keys revoke takes exactly one key id');
        const revoked = await revokeApiKey(ctx.db, team.id, positionals[0]);
        console.log(`revoked ${describe(revoked)}`);
        return;
      }
      default:
        throw new UsageError(`unknown keys command "${sub ?? ''}" (create, list or revoke)`);
    }
  });
}
