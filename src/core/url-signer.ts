/**
 * Time-limited links that serve a stored file without an API key: the path, an expiry and an
 * HMAC-SHA256 over both, keyed from the server's secret key. A link cannot be altered to reach
 * another file or to live longer, and is checked in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface UrlSigner {
  /** An absolute URL for `path` valid for `ttlSeconds`. */
  sign(path: string, ttlSeconds: number, now?: number): string;
  /** Whether `signature` is valid for `path` and `expires` (epoch seconds) at `now`. */
  verify(path: string, expires: string | undefined, signature: string | undefined, now?: number): boolean;
}

export function createUrlSigner(secretKey: Buffer, publicBaseUrl: string): UrlSigner {
  // A key of its own, so a signature can never be mistaken for anything else made with the secret.
  const key = createHmac('sha256', secretKey).update('chakra signed url v1').digest();
  const mac = (path: string, expires: string) => createHmac('sha256', key).update(`${path}\n${expires}`).digest();
  return {
    sign(path, ttlSeconds, now = Date.now()) {
      const expires = String(Math.floor(now / 1000) + ttlSeconds);
      return `${publicBaseUrl}${path}?expires=${expires}&signature=${mac(path, expires).toString('base64url')}`;
    },
    verify(path, expires, signature, now = Date.now()) {
      if (!expires || !signature || !/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < now) return false;
      const given = Buffer.from(signature, 'base64url');
      const wanted = mac(path, expires);
      return given.length === wanted.length && timingSafeEqual(given, wanted);
    },
  };
}
