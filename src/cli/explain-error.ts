/**
 * The lines a failed command prints on stderr. Every failure a user can cause is one or a few
 * plain lines; only a bug (an error of no known kind) shows its stack.
 */
import { ConfigError } from '../core/config-error.ts';
import { DataDirBusyError } from '../core/db/data-dir-lock.ts';
import { AppError } from '../core/errors.ts';
import { CliError } from './cli-error.ts';
import { GLOBAL_USAGE } from './usage.ts';
import { UsageError } from './usage-error.ts';

/** Lines for the errors a user can cause; undefined for anything else. */
export function explainKnownError(err: unknown): string[] | undefined {
  if (err instanceof ConfigError) return [`configuration error: ${err.message}`];
  if (err instanceof UsageError) return [...err.problems.map((p) => `error: ${p}`), '', err.usage ?? GLOBAL_USAGE];
  if (err instanceof CliError) return [`error: ${err.message}`];
  if (err instanceof DataDirBusyError) {
    return [
      `error: ${err.message} (a running chakra server).`,
      'The embedded database allows one process at a time: `chakra keys` works beside the running server;',
      'for this command stop the server first, or use the admin API (docs/cli.md).',
    ];
  }
  if (err instanceof AppError) return err.messages.map((m) => `error: ${m}`);
  return undefined;
}

export function explainError(err: unknown): string[] {
  return explainKnownError(err) ?? [`error: ${(err as Error)?.stack ?? String(err)}`];
}
