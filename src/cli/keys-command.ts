/**
 * `chakra keys create|list|revoke`, run here or by the running server (local-or-server.ts).
 */
import { createApiKey, findApiKeysByIdOrPrefix, listApiKeys, revokeApiKey, type ApiKeyView } from '../features/api-keys/service.ts';
import { findTeam } from '../features/api-keys/repo.ts';
import type { AppContext } from '../context.ts';
import { CliError } from './cli-error.ts';
import { missingFlags, parseCommandLine } from './command-line.ts';
import type { ControlHandler } from './control-socket.ts';
import { controlHandlerFor, runLocallyOrOnServer } from './local-or-server.ts';
import { COMMAND_USAGE } from './usage.ts';
import { UsageError } from './usage-error.ts';

type KeysRequest =
  | { sub: 'create'; team: string; role: string; name: string; description?: string; expires?: string; json: boolean }
  | { sub: 'list'; team: string; json: boolean }
  | { sub: 'revoke'; team: string; key: string };

const TEAM = { team: { type: 'string' } } as const;
const OPTIONS = {
  create: {
    ...TEAM,
    role: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    expires: { type: 'string' },
    json: { type: 'boolean' },
  },
  list: { ...TEAM, json: { type: 'boolean' } },
  revoke: TEAM,
} as const;

/** The request a command line asks for, or the help text it asks for. Throws UsageError. */
function parseKeysArgs(args: string[]): KeysRequest | { help: string } {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { help: COMMAND_USAGE.keys };
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke')
    throw new UsageError(`unknown keys command "${sub}" (create, list or revoke)`, COMMAND_USAGE.keys);
  const usage = COMMAND_USAGE[`keys ${sub}`];
  const line = parseCommandLine(rest, OPTIONS[sub], usage, sub === 'revoke');
  if (line.help) return { help: usage };
  const v = line.values as Record<string, string | undefined> & { json?: boolean };
  switch (sub) {
    case 'create': {
      const problems = missingFlags(line, ['team', 'role', 'name']);
      if (problems.length) throw new UsageError(problems, usage);
      return { sub, team: v.team!, role: v.role!, name: v.name!, description: v.description, expires: v.expires, json: v.json === true };
    }
    case 'list': {
      const problems = missingFlags(line, ['team']);
      if (problems.length) throw new UsageError(problems, usage);
      return { sub, team: v.team!, json: v.json === true };
    }
    case 'revoke': {
      const problems = missingFlags(line, ['team']);
      if (line.positionals.length === 0) problems.push('the key to revoke is required (its id, or the prefix `chakra keys list` shows)');
      if (line.positionals.length > 1) problems.push(`keys revoke takes one key, got ${line.positionals.length}`);
      if (problems.length) throw new UsageError(problems, usage);
      return { sub, team: v.team!, key: line.positionals[0] };
    }
  }
}

const time = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());

function describe(k: ApiKeyView): string {
  const state = k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && k.expiresAt <= Date.now() ? 'expired' : 'active';
  return `${k.id}  ${k.keyPrefix}…  ${k.name}  role=${k.role}  ${state}  expires=${time(k.expiresAt)}  lastUsed=${time(k.lastUsedAt)}`;
}

/** Runs a request on a database; returns what goes to stdout. */
async function runKeys(ctx: Pick<AppContext, 'db' | 'keys'>, request: KeysRequest): Promise<string> {
  const team = await findTeam(ctx.db, request.team);
  if (!team) throw new CliError(`unknown team "${request.team}"`);
  switch (request.sub) {
    case 'create': {
      const created = await createApiKey(ctx.db, team.id, {
        name: request.name,
        role: request.role,
        description: request.description ?? null,
        expiresAt: request.expires ?? null,
      });
      if (request.json) return `${JSON.stringify({ ...created, team: team.short_id })}\n`;
      return (
        `Created API key "${created.name}" (${created.id}) for team ${team.short_id}, role ${created.role}, expires ${time(created.expiresAt)}.\n` +
        'It is shown only this once:\n' +
        `${created.key}\n`
      );
    }
    case 'list': {
      await ctx.keys.flushLastUsed();
      const keys = await listApiKeys(ctx.db, team.id);
      if (request.json) return `${JSON.stringify(keys)}\n`;
      if (keys.length === 0) return `team ${team.short_id} has no API keys\n`;
      return keys.map((k) => `${describe(k)}\n`).join('');
    }
    case 'revoke': {
      const matches = await findApiKeysByIdOrPrefix(ctx.db, team.id, request.key);
      if (matches.length === 0) throw new CliError(`team ${team.short_id} has no API key with the id or prefix "${request.key}"`);
      if (matches.length > 1)
        throw new CliError(
          `the prefix "${request.key}" matches ${matches.length} keys of team ${team.short_id}; give the key's id (chakra keys list)`,
        );
      const revoked = await revokeApiKey(ctx.db, team.id, matches[0].id);
      ctx.keys.forget(revoked.id);
      return `revoked ${describe(revoked)}\n`;
    }
  }
}

export async function keysCommand(args: string[]): Promise<void> {
  const request = parseKeysArgs(args);
  if ('help' in request) return void process.stdout.write(`${request.help}\n`);
  await runLocallyOrOnServer('keys', args, (ctx) => runKeys(ctx, request));
}

/** The server side of the control socket's `keys` command: the same parsing, the same output. */
export function keysControlHandler(ctx: AppContext): ControlHandler {
  return controlHandlerFor(async (args) => {
    const request = parseKeysArgs(args);
    return 'help' in request ? `${request.help}\n` : runKeys(ctx, request);
  });
}
