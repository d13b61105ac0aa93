/**
 * One request the fuzzer sends, and sending it over a real socket.
 *
 * node:http rather than fetch: fetch normalises the path (`..` segments are resolved, bad
 * percent-escapes rewritten), and the fuzzer must put exactly its own bytes on the wire.
 */
import http from 'node:http';
import net from 'node:net';

export interface FuzzRequest {
  /** The OpenAPI operation this request aims at, e.g. `POST /v1/ext/photo/{photoId}`. */
  operation: string;
  method: string;
  /** Path and query exactly as sent (already percent-encoded, or deliberately not). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sends a Content-Length this much larger than the body, then ends: a truncated upload. */
  truncateBy?: number;
  /** What the generators chose, for the report (e.g. `body: nested 50000 deep`). */
  notes: string[];
}

export interface FuzzAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  durationMs: number;
}

/** The request could not be answered: the socket was reset, or nothing came back in time. */
export class NoAnswer extends Error {
  constructor(
    readonly code: string,
    readonly durationMs: number,
  ) {
    super(`no answer (${code}) after ${durationMs} ms`);
  }
}

export async function sendFuzzRequest(baseUrl: string, request: FuzzRequest, timeoutMs: number, agent: http.Agent): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(request.body.length + (request.truncateBy ?? 0));
    const req = http.request(
      // Only ever our own server: `http.request` accepts any path bytes we hand it, unlike fetch.
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent, insecureHTTPParser: true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          // An event stream (GET /v1/ext/events) never ends: its first bytes are the answer.
          if (isEventStream(res.headers)) res.destroy();
        });
        res.on('close', () => {
          if (isEventStream(res.headers))
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              durationMs: elapsed(),
            });
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            durationMs: elapsed(),
          }),
        );
        res.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer(e.code ?? e.message, elapsed())));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new NoAnswer(e.code ?? e.message, elapsed())));
    if (request.body === undefined) req.end();
    else req.end(request.body);
  });
}

function isEventStream(headers: http.IncomingHttpHeaders): boolean {
  return String(headers['content-type'] ?? '').startsWith('text/event-stream');
}

/**
 * A request whose body stops short of its Content-Length, after which the client closes its
 * side: written on a bare socket, since an HTTP client would refuse to send it.
 */
export async function sendTruncatedRequest(baseUrl: string, request: FuzzRequest, timeoutMs: number): Promise<FuzzAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const body = request.body ?? Buffer.alloc(0);
  const headers = {
    host: url.host,
    ...request.headers,
    'content-length': String(body.length + (request.truncateBy ?? 1)),
    connection: 'close',
  };
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let failure: string | undefined;
    socket.setTimeout(timeoutMs, () => {
      failure = 'TIMEOUT';
      socket.destroy();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      // An event stream never ends: once its head and first bytes are in, that is the answer.
      if (split !== -1 && raw.length > split + 4 && /^content-type: *text\/event-stream/im.test(raw.slice(0, split))) socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (failure ??= e.code ?? e.message));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(raw);
      if (!match) return reject(new NoAnswer(failure ?? 'EMPTY_ANSWER', elapsed()));
      const split = raw.indexOf('\r\n\r\n');
      const headerLines = raw.slice(0, split).split('\r\n').slice(1);
      const answerHeaders: http.IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        answerHeaders[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(match[1]), headers: answerHeaders, text: raw.slice(split + 4), durationMs: elapsed() });
    });
    // The promised bytes never all come: the client stops writing and closes its side.
    socket.write(head);
    socket.end(body);
  });
}

/** Shell-quotes one argument for the curl line. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Shows a body for a curl line: short text as is, anything long or binary summarised. */
function describeBody(body: Buffer): string {
  const head = body.subarray(0, 600).toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this looks for
  const printable = !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(head);
  if (printable && body.length <= 600) return head;
  return `<${body.length} bytes, starting ${JSON.stringify(head.slice(0, 160))}>`;
}

/**
 * The request as a curl command line a person can paste (long bodies summarised). A `$VARIABLE`
 * base URL, and the keys named in `keyVariables` (key → variable name), are left to the shell.
 */
export function curlLine(baseUrl: string, request: FuzzRequest, keyVariables: Record<string, string> = {}): string {
  const base = baseUrl.startsWith('$') ? `"${baseUrl}"` : quote(baseUrl);
  const parts = ['curl', '-sS', '--path-as-is', '-g', '-X', request.method, `${base}${quote(request.path)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    let keyless = value;
    for (const [key, variable] of Object.entries(keyVariables)) keyless = keyless.split(key).join(`$${variable}`);
    if (keyless !== value) parts.push('-H', `"${name}: ${keyless.replace(/["\\`]/g, '\\$&')}"`);
    else parts.push('-H', quote(`${name}: ${value.length > 200 ? `${value.slice(0, 60)}…<${value.length} chars>` : value}`));
  }
  if (request.body !== undefined) parts.push('--data-binary', quote(describeBody(request.body)));
  let line = parts.join(' ');
  if (request.truncateBy) line += `   # Content-Length ${request.truncateBy} bytes larger than the body, then the client ends`;
  return line;
}
