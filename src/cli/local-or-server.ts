/**
 * Runs an admin command on the configured database; when that is an embedded one held by a
 * running server, sends the same command line to that server's control socket instead, so the
 * output is the same either way (keys, users).
 */
import { DataDirBusyError } from '../core/db/data-dir-lock.ts';
import type { AppContext } from '../context.ts';
import { CliError } from './cli-error.ts';
import { sendToControlSocket, type ControlHandler } from './control-socket.ts';
import { explainKnownError } from './explain-error.ts';
import { withCliContext } from './open-for-cli.ts';

export async function runLocallyOrOnServer(command: string, args: string[], run: (ctx: AppContext) => Promise<string>): Promise<void> {
  let stdout: string;
  try {
    stdout = await withCliContext((ctx) => run(ctx));
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    let remote: Awaited<ReturnType<typeof sendToControlSocket>>;
    try {
      remote = await sendToControlSocket(err.dataDir, { command, args });
    } catch (socketError) {
      throw new CliError(`${err.message}, and its control socket did not answer: ${(socketError as Error).message}`);
    }
    if (!remote)
      throw new CliError(
        `${err.message}, which is not listening on its control socket (still starting, or a version without one); try again once it is ready`,
      );
    process.stdout.write(remote.stdout);
    for (const line of remote.errors) process.stderr.write(`${line}\n`);
    if (remote.errors.length) process.exitCode = 1;
    return;
  }
  process.stdout.write(stdout);
}

/** The server side: the same parsing and output, with refusals as error lines. */
export function controlHandlerFor(run: (args: string[]) => Promise<string>): ControlHandler {
  return async (args) => {
    try {
      return { stdout: await run(args), errors: [] };
    } catch (err) {
      const lines = explainKnownError(err);
      if (!lines) throw err;
      return { stdout: '', errors: lines };
    }
  };
}
