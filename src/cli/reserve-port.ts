/**
 * `chakra serve` binds its port before it prints or writes anything (data directory, database,
 * demo key), so a busy port costs nothing but one line. The Fastify app does not exist yet
 * at that point: a plain listener holds the port while the server starts, and hands it over
 * right before Fastify listens on it. A connection made meanwhile is closed at once.
 */
import net from 'node:net';
import { CliError } from './cli-error.ts';

export interface PortReservation {
  /** Frees the port for the real listener; call right before listening. */
  release(): Promise<void>;
}

/** The one line for an address that cannot be listened on; undefined for other errors. */
export function listenFailure(err: unknown, port: number, host: string): CliError | undefined {
  switch ((err as NodeJS.ErrnoException)?.code) {
    case 'EADDRINUSE':
      return new CliError(`port ${port} on ${host} is in use (another chakra server?); set PORT to use another`);
    case 'EACCES':
      return new CliError(`not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges); set PORT to use another`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`cannot listen on ${host}: not an address of this machine; set HOST to one (0.0.0.0 for all)`);
    default:
      return undefined;
  }
}

export async function reservePort(port: number, host: string): Promise<PortReservation> {
  const holder = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', (err) => reject(listenFailure(err, port, host) ?? err));
    holder.listen({ port, host, exclusive: true }, () => resolve());
  });
  return { release: () => new Promise<void>((resolve) => holder.close(() => resolve())) };
}
