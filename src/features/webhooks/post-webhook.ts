/**
 * One delivery attempt: a signed JSON POST with a hard timeout, classified as delivered, to be
 * retried (5xx, 429, timeouts, connection errors) or failed for good (any other answer).
 * With WEBHOOK_BLOCK_PRIVATE_URLS every connection's resolved address is checked, so a name
 * that later resolves to a private address is refused too.
 */
import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { hostOf, isPrivateAddress } from './destination-url.ts';

const EXCERPT_CHARS = 1024;

class PrivateDestination extends Error {
  constructor(host: string) {
    super(`${host} is a private, loopback or link-local address, refused by WEBHOOK_BLOCK_PRIVATE_URLS`);
  }
}

/** A DNS lookup for sockets that refuses names resolving to private addresses. */
function guardedLookup(hostname: string, options: any, callback: (...args: any[]) => void): void {
  dnsLookup(hostname, options, (err, address: string | LookupAddress[], family?: number) => {
    if (err) return callback(err);
    const all = Array.isArray(address) ? address : [{ address, family: family ?? 4 }];
    if (all.some((a) => isPrivateAddress(a.address)))
      return callback(new PrivateDestination(`${hostname} (${all.map((a) => a.address).join(', ')})`));
    callback(null, address, family);
  });
}

export function signBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export interface AttemptResult {
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED';
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
  /** What a 429/503 asked for in Retry-After, in ms. */
  retryAfterMs?: number;
}

export interface Delivery {
  id: string;
  event: string;
  body: string;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(err: unknown, timeoutMs: number): { retry: boolean; message: string } {
  if ((err as Error).name === 'TimeoutError') return { retry: true, message: `no answer within ${timeoutMs} ms` };
  if (err instanceof PrivateDestination) return { retry: false, message: err.message };
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.cause instanceof PrivateDestination) return { retry: false, message: e.cause.message };
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return { retry: true, message: `no answer within ${timeoutMs} ms` };
  }
  return { retry: true, message: code ? `${code}: ${e.message ?? 'connection failed'}` : (e.message ?? 'connection failed') };
}

export function webhookPoster(options: { timeoutMs: number; blockPrivateUrls: boolean }) {
  const { timeoutMs, blockPrivateUrls } = options;
  const agent = new Agent({
    connect: { timeout: timeoutMs, ...(blockPrivateUrls ? { lookup: guardedLookup } : {}) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    connections: 64,
  });

  return {
    async post(url: string, delivery: Delivery, secret: string | null): Promise<AttemptResult> {
      const startedAt = new Date();
      const t0 = performance.now();
      const done = (r: Omit<AttemptResult, 'startedAt' | 'durationMs'>): AttemptResult => ({
        ...r,
        startedAt,
        durationMs: Math.round(performance.now() - t0),
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'chakra-webhooks/1',
        'x-chakra-delivery-id': delivery.id,
        'x-chakra-timestamp': String(startedAt.getTime()),
        'x-chakra-event': delivery.event,
      };
      if (secret) headers['x-chakra-signature-256'] = signBody(secret, delivery.body);
      try {
        const host = hostOf(new URL(url));
        if (blockPrivateUrls && isPrivateAddress(host)) throw new PrivateDestination(host);
        const res = await request(url, {
          method: 'POST',
          headers,
          body: delivery.body,
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
        let excerpt = '';
        for await (const chunk of res.body) {
          excerpt += chunk.toString();
          if (excerpt.length >= EXCERPT_CHARS) break;
        }
        if (excerpt.length >= EXCERPT_CHARS) res.body.destroy();
        const statusCode = res.statusCode;
        const text = excerpt.slice(0, EXCERPT_CHARS) || null;
        if (statusCode >= 200 && statusCode < 300) return done({ outcome: 'DELIVERED', statusCode, error: null, excerpt: text });
        const retry = statusCode === 429 || statusCode >= 500;
        return done({
          outcome: retry ? 'RETRY' : 'FAILED',
          statusCode,
          error: `answered ${statusCode}${retry ? '' : ' (not retried: only 5xx, 429, timeouts and connection errors are)'}`,
          excerpt: text,
          retryAfterMs: retry ? retryAfterMs(res.headers['retry-after']) : undefined,
        });
      } catch (err) {
        const { retry, message } = describe(err, timeoutMs);
        return done({ outcome: retry ? 'RETRY' : 'FAILED', statusCode: null, error: message, excerpt: null });
      }
    },
    close: () => agent.close(),
  };
}
