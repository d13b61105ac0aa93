/**
 * Reads one command's arguments with node:util's parseArgs, adding what every command shares:
 * `--help`/`-h`, mistakes told in one plain line each with the command's usage (never Node's
 * own error text), and every missing required flag reported at once.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  help: boolean;
}

export function parseCommandLine(args: string[], options: Options, usage: string, allowPositionals = false): CommandLine {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (err) {
    // --help wins over any other mistake on the same line.
    if (args.includes('--help') || args.includes('-h')) return { values: {}, positionals: [], help: true };
    throw new UsageError(plainParseError(err as NodeJS.ErrnoException), usage);
  }
}

/** parseArgs explains itself for programmers; a user wants the option and what is wrong with it. */
function plainParseError(err: NodeJS.ErrnoException): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const option = quoted.split(' ')[0];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message) ? `${option} takes no value` : `${option} needs a value`;
    default:
      return err.message;
  }
}

/** A problem line for every required flag that is missing or empty (so all are told at once). */
export function missingFlags(line: CommandLine, names: string[]): string[] {
  return names.filter((n) => typeof line.values[n] !== 'string' || line.values[n] === '').map((n) => `--${n} is required`);
}
