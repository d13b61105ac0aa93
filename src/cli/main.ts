/**
 * The `chakra` command: serve, migrate, apply, keys, sandbox. Every failure a user can cause ends in
 * one or a few plain lines on stderr and exit code 1, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/config.ts';
import { DataDirBusyError } from '../core/db/data-dir-lock.ts';
import { AppError } from '../core/errors.ts';
import { applyCommand, migrateCommand } from './admin-commands.ts';
import { keysCommand } from './keys-command.ts';
import { sandboxCommand } from './sandbox-command.ts';
import { serveCommand } from './serve-command.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `Usage: chakra <command>

  serve [--role api|worker|all]    run the server (default role: all)
  migrate                          apply pending database migrations
  apply <workspace.yaml|json>      apply a workspace file (creates or updates, never deletes)
  keys create --team <team> --role <role> --name <name> [--description <text>] [--expires <time>] [--json]
  keys list --team <team> [--json]
  keys revoke --team <team> <keyId>
  sandbox [--port 3001] [--host 127.0.0.1] [--messages-per-second 80]
                                   run the WhatsApp sandbox (a stand-in for Meta's Cloud API) on its own

Configuration comes from the environment; see docs/configuration.md.`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string', default: 'all' } } });
      if (!['api', 'worker', 'all'].includes(values.role!)) throw new UsageError(`--role must be api, worker or all, got "${values.role}"`);
      return serveCommand(values.role as 'api' | 'worker' | 'all');
    }
    case 'migrate':
      return migrateCommand();
    case 'apply': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      if (positionals.length !== 1) throw new UsageError('apply takes exactly one file');
      return applyCommand(positionals[0]);
    }
    case 'keys':
      return keysCommand(rest);
    case 'sandbox': {
      const { values } = parseArgs({
        args: rest,
        options: { port: { type: 'string', default: '3001' }, host: { type: 'string', default: '127.0.0.1' }, 'messages-per-second': { type: 'string', default: '80' } },
      });
      return sandboxCommand({ port: values.port!, host: values.host!, messagesPerSecond: values['messages-per-second']! });
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function explain(err: unknown): string[] {
  if (err instanceof ConfigError) return [`configuration error: ${err.message}`];
  if (err instanceof UsageError) return [`error: ${err.message}`, '', USAGE];
  if ((err as any)?.code?.startsWith?.('ERR_PARSE_ARGS')) return [`error: ${(err as Error).message}`, '', USAGE];
  if (err instanceof DataDirBusyError) {
    return [
      `error: ${err.message} (a running chakra server).`,
      'The embedded database allows one process at a time: use the admin API (docs/cli.md) or stop the server first.',
    ];
  }
  if (err instanceof AppError) return err.messages.map((m) => `error: ${m}`);
  return [`error: ${(err as Error)?.stack ?? String(err)}`];
}

main(process.argv.slice(2)).catch((err) => {
  for (const line of explain(err)) process.stderr.write(line + '\n');
  process.exit(1);
});
