/**
 * Checks on what claims to come from Meta: the subscription handshake's verify token and the
 * `X-Hub-Signature-256` of every event (HMAC-SHA256 of the exact bytes with the app secret).
 * Both comparisons take the same time whatever the input.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Meta's `hub.*` query: answers the challenge to echo, or throws 403. */
export function checkHandshake(query: Record<string, unknown>, verifyToken: string | null): string {
  const fail = (path: string, reason: string) => new AppError('WEBHOOK_VERIFICATION_FAILED', { path, reason });
  if (query['hub.mode'] !== 'subscribe') throw fail('hub.mode', 'must be subscribe');
  const challenge = query['hub.challenge'];
  if (typeof challenge !== 'string' || challenge === '') throw fail('hub.challenge', 'is required');
  const given = query['hub.verify_token'];
  // Compared as digests: equal lengths, so the comparison says nothing about the token's length.
  if (!verifyToken || typeof given !== 'string' || !timingSafeEqual(digest(given), digest(verifyToken))) {
    throw fail('hub.verify_token', "does not match the plugin's verify token");
  }
  return challenge;
}

/** Throws 401 unless `header` is `sha256=<hex HMAC-SHA256 of raw with appSecret>`. */
export function checkSignature(raw: Buffer, header: string | string[] | undefined, appSecret: string | null): void {
  const fail = (reason: string) => new AppError('WEBHOOK_SIGNATURE_INVALID', { reason });
  if (typeof header !== 'string' || header === '') throw fail('is required');
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) throw fail('must be sha256=<64 hex digits>');
  if (!appSecret) throw fail('the plugin has no app secret to check it with');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  if (!timingSafeEqual(Buffer.from(m[1], 'hex'), expected)) throw fail('does not match the body');
}
