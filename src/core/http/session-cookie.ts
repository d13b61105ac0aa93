/**
 * The console's session cookie, `chakra_session`: HttpOnly (scripts never see it), SameSite=Lax
 * (not sent on cross-site subrequests or form posts), Secure when the server is reached over
 * https, Path=/ (the API and the console share it behind any proxy prefix).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const SESSION_COOKIE = 'chakra_session';

/** The session token in a Cookie header, if any (the first `chakra_session`). */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

function secure(request: FastifyRequest, publicBaseUrl: string): boolean {
  return request.protocol === 'https' || publicBaseUrl.startsWith('https:');
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  publicBaseUrl: string,
  token: string,
  expiresAt: Date,
): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${expiresAt.toUTCString()}`];
  if (secure(request, publicBaseUrl)) attributes.push('Secure');
  reply.header('set-cookie', [`${SESSION_COOKIE}=${token}`, ...attributes].join('; '));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, publicBaseUrl: string): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure(request, publicBaseUrl)) attributes.push('Secure');
  reply.header('set-cookie', [`${SESSION_COOKIE}=`, ...attributes].join('; '));
}
