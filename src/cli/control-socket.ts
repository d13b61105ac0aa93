/**
 * The running server's control socket: how a `chakra keys …` command reaches an embedded-database
 * server, whose data directory admits one process at a time. The server listens on
 * `DATA_DIR/chakra.sock`, a unix socket of mode 0600, so only the user the server runs as (and
 * root) can connect: the same people who could read the data directory's files anyway.
 *
 * One request per connection, one JSON line each way:
 *   → {"command": "keys", "args": ["create", "--team", "demo", …]}
 *   ← {"stdout": "…", "errors": []}        (errors: the lines to print on stderr, exit code 1)
 */
import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';

const CONTROL_SOCKET_FILE = 'chakra.sock';
/** A request is a command line; anything longer is not one. */
const MAX_REQUEST_BYTES = 64 * 1024;
const CLIENT_TIMEOUT_MS = 30_000;

export interface ControlRequest {
  command: string;
  args: string[];
}

export interface ControlResponse {
  stdout: string;
  errors: string[];
}

/** Runs one command for a client; the error lines of a refusal come back as `errors`. */
export type ControlHandler = (args: string[]) => Promise<ControlResponse>;

const controlSocketPath = (dataDir: string) => path.join(dataDir, CONTROL_SOCKET_FILE);

function readRequest(line: string): ControlRequest | undefined {
  try {
    const value = JSON.parse(line);
    if (typeof value?.command === 'string' && Array.isArray(value.args) && value.args.every((a: unknown) => typeof a === 'string'))
      return value;
  } catch {
    // answered below as a malformed request
  }
  return undefined;
}

/**
 * Starts listening; resolves with a close function, or with undefined (and a warning in the
 * log) when the socket cannot be made, e.g. a DATA_DIR path too long for a unix socket name.
 * The caller holds the data directory's lock, so a socket file already there is a dead
 * server's and is replaced.
 */
export async function openControlSocket(
  dataDir: string,
  handlers: Record<string, ControlHandler>,
  log: FastifyBaseLogger,
): Promise<{ close(): Promise<void> } | undefined> {
  const file = controlSocketPath(dataDir);
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      const request = readRequest(buffered.slice(0, end));
      const handler = request && Object.hasOwn(handlers, request.command) ? handlers[request.command] : undefined;
      const answer = handler
        ? handler(request!.args)
        : Promise.resolve({ stdout: '', errors: ['error: the server does not take this command through its control socket'] });
      void answer
        .catch((err: Error): ControlResponse => {
          log.error({ err }, 'control socket command failed');
          return { stdout: '', errors: [`error: the running server could not run the command: ${err.message}`] };
        })
        .then((response) => socket.end(`${JSON.stringify(response)}\n`));
    });
  });
  rmSync(file, { force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The mask makes the socket 0600 from the moment it exists (chmod below only confirms it).
      const mask = process.umask(0o177);
      try {
        server.listen(file, () => resolve());
      } finally {
        process.umask(mask);
      }
    });
    chmodSync(file, 0o600);
  } catch (err) {
    log.warn(
      { err: { message: (err as Error).message }, socket: file },
      'control socket unavailable: `chakra keys` cannot reach this server while it runs',
    );
    server.close();
    return undefined;
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(file, { force: true });
      }),
  };
}

/**
 * Sends a command to the server running on `dataDir`; resolves with undefined when none
 * listens there (no socket, or a socket left by a dead server).
 */
export function sendToControlSocket(dataDir: string, request: ControlRequest): Promise<ControlResponse | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(controlSocketPath(dataDir));
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(CLIENT_TIMEOUT_MS, () =>
      socket.destroy(new Error(`the running server did not answer within ${CLIENT_TIMEOUT_MS / 1000} s`)),
    );
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined);
      else reject(err);
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(answer) as ControlResponse);
      } catch {
        reject(new Error('the running server gave an unreadable answer on its control socket'));
      }
    });
  });
}
