import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryRateLimiter, redisRateLimiter, type RateLimiter } from './rate-limit.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const open: RateLimiter[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

async function takeMany(limiter: RateLimiter, key: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await limiter.take(key));
  return out;
}

describe('memory token bucket', () => {
  it('allows the burst, then refuses with the time until the next token', async () => {
    const limiter = memoryRateLimiter(10, 3);
    const results = await takeMany(limiter, 'k', 4);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3].retryAfterMs).toBeGreaterThan(0);
    expect(results[3].retryAfterMs).toBeLessThanOrEqual(100);
    expect((await limiter.take('other')).allowed).toBe(true);
    await new Promise((r) => setTimeout(r, results[3].retryAfterMs + 5));
    expect((await limiter.take('k')).allowed).toBe(true);
  });
});

describe('Redis token bucket', () => {
  it('is shared by every instance using the same Redis', async () => {
    const a = redisRateLimiter(REDIS_URL, 1, 4, (e) => {
      throw e;
    });
    const b = redisRateLimiter(REDIS_URL, 1, 4, (e) => {
      throw e;
    });
    open.push(a, b);
    const key = randomUUID();
    const results = [await a.take(key), await b.take(key), await a.take(key), await b.take(key), await a.take(key), await b.take(key)];
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, false, false]);
    expect(results[4].retryAfterMs).toBeGreaterThan(0);
    expect(results[4].retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it('lets requests through when Redis is unreachable, and reports it', async () => {
    const errors: Error[] = [];
    const limiter = redisRateLimiter('redis://127.0.0.1:1', 1, 1, (e) => errors.push(e));
    open.push(limiter);
    const started = Date.now();
    const results = await takeMany(limiter, 'k', 3);
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errors).toHaveLength(1); // reported once, not per request
  });
});
