/**
 * The process logger: pino, with ISO-8601 timestamps and secrets redacted. `json` writes one
 * JSON object per line (for log collectors); `pretty` writes one readable line per event (for a
 * person at a terminal). Unset, the format follows the destination: pretty on a terminal,
 * JSON otherwise.
 */
import { isatty } from 'node:tty';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { prettyLogLine } from './pretty-log-line.ts';

export type LogFormat = 'pretty' | 'json';

/** Secrets never reach the logs, whatever object a caller hands to the logger. */
const REDACT = [
  'err.params',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'key',
  '*.key',
  '*.accessToken',
  '*.appSecret',
  '*.token',
];

/**
 * `destination` is a file descriptor (1: stdout, 2: stderr) or a stream (tests collect lines).
 * Redaction happens inside pino, before either format sees the line.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream | number = 1, format?: LogFormat): FastifyBaseLogger {
  const fd = typeof destination === 'number' ? destination : undefined;
  const pretty = (format ?? (fd !== undefined && isatty(fd) ? 'pretty' : 'json')) === 'pretty';
  // pino's own file destination also when pretty: it retries a write to a full pipe (EAGAIN).
  const out = fd !== undefined ? pino.destination({ fd, sync: true }) : (destination as NodeJS.WritableStream);
  let stream: NodeJS.WritableStream | pino.DestinationStream = out;
  if (pretty) {
    const colors = fd !== undefined && isatty(fd) && !process.env.NO_COLOR;
    stream = { write: (line: string) => void out.write(prettyLogLine(line, colors)) };
  }
  return pino(
    { level, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT, censor: '[redacted]' } },
    stream,
  ) as unknown as FastifyBaseLogger;
}
