/**
 * Per-API-key token buckets (docs/api.md#rate-limits: 100 requests/s, burst 200 by default).
 * In memory per process, or in Redis when REDIS_URL is set so that every instance shares
 * one bucket per key. If Redis is unreachable requests are let through (and it is logged):
 * a limiter outage must not become an API outage.
 */
import { Redis } from 'ioredis';

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

export interface RateLimiter {
  take(key: string): RateDecision | Promise<RateDecision>;
  close(): Promise<void>;
}

/** One shared answer for every allowed request: the hot path allocates nothing for it. */
const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });

export function memoryRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = performance.now();
      const bucket = buckets.get(key);
      let tokens = burst;
      if (bucket) tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
      if (tokens >= 1) {
        if (bucket) {
          bucket.tokens = tokens - 1;
          bucket.at = now;
        } else buckets.set(key, { tokens: tokens - 1, at: now });
        return ALLOWED;
      }
      return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / perSecond) };
    },
    async close() {},
  };
}

// Redis' own clock, so instances with skewed clocks still share one bucket correctly.
const TAKE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + (now - at) * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;

export function redisRateLimiter(url: string, perSecond: number, burst: number, onError: (err: Error) => void): RateLimiter {
  // Commands wait (at most 250 ms) only while the first connection is being made; once Redis
  // has gone away, requests are let through at once rather than held.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 250 });
  redis.on('error', () => {}); // reported per failed take below, not per reconnect attempt
  redis.defineCommand('chakraTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  let lastReport = 0;
  return {
    async take(key) {
      try {
        if (redis.status === 'reconnecting' || redis.status === 'close' || redis.status === 'end') {
          throw new Error(`Redis connection is ${redis.status}`);
        }
        const [allowed, retry] = (await (redis as any).chakraTake(`chakra:rl:${key}`, perSecond, burst)) as [number, number];
        return { allowed: allowed === 1, retryAfterMs: retry };
      } catch (err) {
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          onError(err as Error);
        }
        return { allowed: true, retryAfterMs: 0 };
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
