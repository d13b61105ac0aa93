/**
 * Exponential backoff with jitter, for every retry loop: base, 2×base, 4×base… for attempts 1,
 * 2, 3…, each at most `capMs`, then multiplied by a random factor in [low, high).
 */
export function backoffMs(attempt: number, baseMs: number, capMs: number, jitter: readonly [low: number, high: number]): number {
  const [low, high] = jitter;
  return Math.round(Math.min(capMs, baseMs * 2 ** (attempt - 1)) * (low + Math.random() * (high - low)));
}
