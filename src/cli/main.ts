/**
 * The `chakra` command: serve, migrate, apply, keys, sandbox. Every failure a user can cause ends in
 * one or a few plain lines on stderr and exit code 1, never a stack trace. Commands are loaded
 * when run, so `--help` and `--version` answer at once.
 */
import { PACKAGE_VERSION } from '../core/package-version.ts';
import { loadDotEnv } from '../core/dotenv.ts';
import { parseCommandLine } from './command-line.ts';
import { explainError } from './explain-error.ts';
import { COMMAND_USAGE, GLOBAL_USAGE } from './usage.ts';
import { UsageError } from './usage-error.ts';

const ROLES = ['api', 'worker', 'all'] as const;

/** Runs one command; a returned help text is printed instead. */
// biome-ignore lint/suspicious/noConfusingVoidType: a command returns its help text, or nothing once it has run
const COMMANDS: Record<string, (args: string[]) => Promise<string | void>> = {
  async serve(args) {
    const line = parseCommandLine(args, { role: { type: 'string', default: 'all' } }, COMMAND_USAGE.serve);
    if (line.help) return COMMAND_USAGE.serve;
    const role = line.values.role as (typeof ROLES)[number];
    if (!ROLES.includes(role)) throw new UsageError(`--role must be api, worker or all, got "${role}"`, COMMAND_USAGE.serve);
    return (await import('./serve-command.ts')).serveCommand(role);
  },
  async migrate(args) {
    if (parseCommandLine(args, {}, COMMAND_USAGE.migrate).help) return COMMAND_USAGE.migrate;
    return (await import('./admin-commands.ts')).migrateCommand();
  },
  async apply(args) {
    const line = parseCommandLine(args, {}, COMMAND_USAGE.apply, true);
    if (line.help) return COMMAND_USAGE.apply;
    if (line.positionals.length !== 1) throw new UsageError('apply takes exactly one file', COMMAND_USAGE.apply);
    return (await import('./admin-commands.ts')).applyCommand(line.positionals[0]);
  },
  async keys(args) {
    return (await import('./keys-command.ts')).keysCommand(args);
  },
  async users(args) {
    return (await import('./users-command.ts')).usersCommand(args);
  },
  async sandbox(args) {
    const options = {
      port: { type: 'string', default: '3001' },
      host: { type: 'string', default: '127.0.0.1' },
      'messages-per-second': { type: 'string', default: '80' },
    } as const;
    const line = parseCommandLine(args, options, COMMAND_USAGE.sandbox);
    if (line.help) return COMMAND_USAGE.sandbox;
    const v = line.values as Record<keyof typeof options, string>;
    return (await import('./sandbox-command.ts')).sandboxCommand({
      port: v.port,
      host: v.host,
      messagesPerSecond: v['messages-per-second'],
    });
  },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') return void console.log(PACKAGE_VERSION);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return void console.log(GLOBAL_USAGE);
  if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}"`);
  // A .env in the working directory fills in what the environment does not set.
  loadDotEnv(process.cwd());
  const help = await COMMANDS[command](rest);
  if (help) console.log(help);
}

main(process.argv.slice(2)).catch((err) => {
  for (const line of explainError(err)) process.stderr.write(`${line}\n`);
  process.exit(1);
});
