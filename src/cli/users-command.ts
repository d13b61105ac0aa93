/**
 * `chakra users reset-link <user> [--team <team>]`: a single-use sign-in link with which a user
 * chooses a new password (docs/console.md#sign-in). Run here or by the running server.
 */
import type { AppContext } from '../context.ts';
import { findTeam } from '../features/api-keys/repo.ts';
import { findUsersByRef } from '../features/sign-in/repo.ts';
import { createSignInLink } from '../features/sign-in/service.ts';
import { CliError } from './cli-error.ts';
import { parseCommandLine } from './command-line.ts';
import type { ControlHandler } from './control-socket.ts';
import { controlHandlerFor, runLocallyOrOnServer } from './local-or-server.ts';
import { COMMAND_USAGE } from './usage.ts';
import { UsageError } from './usage-error.ts';

interface ResetLinkRequest {
  user: string;
  team?: string;
}

function parseUsersArgs(args: string[]): ResetLinkRequest | { help: string } {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { help: COMMAND_USAGE.users };
  if (sub !== 'reset-link') throw new UsageError(`unknown users command "${sub}" (reset-link)`, COMMAND_USAGE.users);
  const usage = COMMAND_USAGE['users reset-link'];
  const line = parseCommandLine(rest, { team: { type: 'string' } }, usage, true);
  if (line.help) return { help: usage };
  if (line.positionals.length !== 1) throw new UsageError('reset-link takes one user: their email, username or id', usage);
  return { user: line.positionals[0], team: line.values.team as string | undefined };
}

async function runResetLink(ctx: AppContext, request: ResetLinkRequest): Promise<string> {
  let teamId: string;
  if (request.team) {
    const team = await findTeam(ctx.db, request.team);
    if (!team) throw new CliError(`unknown team "${request.team}"`);
    teamId = team.id;
  } else {
    const teams = [...new Map((await findUsersByRef(ctx.db, request.user)).map((u) => [u.team_id, u])).values()];
    if (teams.length === 0) throw new CliError(`no user "${request.user}" in any team`);
    if (teams.length > 1)
      throw new CliError(`"${request.user}" is a user of teams ${teams.map((t) => t.team_short_id).join(', ')}; say which with --team`);
    teamId = teams[0].team_id;
  }
  const link = await createSignInLink(ctx, ctx.db, teamId, request.user);
  return `Sign-in link for ${link.user} (single use, valid until ${link.expiresAt}):\n${link.url}\n`;
}

export async function usersCommand(args: string[]): Promise<void> {
  const request = parseUsersArgs(args);
  if ('help' in request) return void process.stdout.write(`${request.help}\n`);
  await runLocallyOrOnServer('users', args, (ctx) => runResetLink(ctx, request));
}

export function usersControlHandler(ctx: AppContext): ControlHandler {
  return controlHandlerFor(async (args) => {
    const request = parseUsersArgs(args);
    return 'help' in request ? `${request.help}\n` : runResetLink(ctx, request);
  });
}
