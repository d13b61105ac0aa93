import { createLogger, openContext, type RunningContext } from '../app.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../core/db/migrate.ts';

/**
 * Opens the configured database for a one-shot command, migrated, with quiet logs on stderr
 * (stdout is kept for the command's own output, e.g. a key on the last line).
 */
export async function withCliContext<T>(fn: (ctx: RunningContext, appliedMigrations: string[]) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const ctx = await openContext(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 2, config.logFormat), {
    queue: false,
  });
  try {
    return await fn(ctx, await migrate(ctx.db));
  } finally {
    await ctx.close();
  }
}
