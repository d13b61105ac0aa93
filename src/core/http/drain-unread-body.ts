/**
 * Refusing a request before its body has been read (413 over the limit, 415, a parse error, a
 * multipart upload that failed half-way) without resetting the connection.
 *
 * Fastify marks such answers `Connection: close`, and Node then closes the socket as soon as the
 * answer is written. The client is usually still sending the body; a socket closed with unread
 * bytes in it is reset by the kernel, and a reset throws away the answer the client had not read
 * yet: the client sees ECONNRESET/EPIPE instead of a 413. So the rest of the body is read and
 * discarded instead, and the connection stays usable — for a bounded time, after which a client
 * that is still sending is cut off.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** How long a client may go on sending a body that has already been answered. */
const DRAIN_MS = 10_000;

export function drainUnreadBody(request: FastifyRequest, reply: FastifyReply) {
  const raw = request.raw;
  if (raw.complete || raw.destroyed) return;
  reply.removeHeader('connection');
  // No 'data' listener: resuming discards what arrives.
  raw.resume();
  const cutOff = setTimeout(() => raw.socket?.destroy(), DRAIN_MS);
  cutOff.unref();
  const stop = () => clearTimeout(cutOff);
  raw.once('end', stop);
  raw.once('close', stop);
}
