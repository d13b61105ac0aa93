/**
 * One HTTP/1.1 exchange on a bare socket, for requests no HTTP client will send: a path with
 * broken percent-escapes, a body shorter than its Content-Length, a huge body written without
 * waiting for the answer (as most clients do).
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
  /** The socket error met while still sending (EPIPE, ECONNRESET): the server hung up on the body. */
  sendError?: string;
}

export interface RawOptions {
  /** Close our sending side once the bytes are written (the client "ends"). */
  endAfterWrite?: boolean;
  /** Read nothing until the whole body is written, as a simple write-then-read client does. */
  readAfterWrite?: boolean;
  timeoutMs?: number;
}

/**
 * Sends `head` (request line and headers, without the blank line) then `body`, and reads one
 * answer; settles once the answer is complete and the body is sent (or failed to send). Rejects
 * with the socket error when the server hung up before a whole answer arrived.
 */
export function rawHttp(url: string, head: string, body: Buffer | string = '', options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let sent = false;
    let sendError: string | undefined;
    let settled = false;
    const settle = (failure?: Error) => {
      if (settled) return;
      const answer = parse(received);
      if (!failure && !(answer && sent)) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (answer) resolve({ ...answer, sendError });
      else reject(failure);
    };
    const timer = setTimeout(() => settle(new Error('no answer in time')), options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      sendError ??= e.code ?? e.message;
      sent = true;
      // The answer may still be in the socket's buffer: read what is there before giving up.
      setImmediate(() => settle(e));
    });
    socket.on('close', () => settle(new Error('closed without an answer')));
    if (options.readAfterWrite) socket.pause();
    socket.write(`${head}\r\n\r\n`);
    socket.write(body, (e) => {
      if (e) sendError ??= (e as NodeJS.ErrnoException).code ?? e.message;
      sent = true;
      if (options.endAfterWrite && !e) socket.end();
      if (options.readAfterWrite) socket.resume();
      settle();
    });
  });
}

/** A whole answer (headers and a body of its Content-Length), or undefined while incomplete. */
function parse(bytes: Buffer): RawAnswer | undefined {
  const split = bytes.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const lines = bytes.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0])?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const bodyBytes = bytes.subarray(split + 4);
  if (bodyBytes.length < length) return undefined;
  const text = bodyBytes.subarray(0, length).toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}
