/**
 * Finds which requests blocked the event loop. A timer that should fire every 10 ms records each
 * time it fired late (a stall); the requests in flight while the loop was stalled are the
 * suspects. The server runs in this process, so its stalls are this loop's stalls. A stall with
 * no request in flight was the fuzzer itself, generating the next batch.
 */

export interface Stall {
  ms: number;
  startedAt: number;
  endedAt: number;
}

export interface RequestSpan {
  startedAt: number;
  endedAt: number;
  label: string;
}

const TICK_MS = 10;

export function startStallRecorder(thresholdMs = 50): { stop(): Stall[] } {
  const stalls: Stall[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    if (late > thresholdMs) stalls.push({ ms: Math.round(late), startedAt: last + TICK_MS, endedAt: now });
    last = now;
  }, TICK_MS);
  return {
    stop() {
      clearInterval(timer);
      return stalls;
    },
  };
}

/** The longest stalls, each with the requests that were in flight during it. */
export function attributeStalls(stalls: Stall[], spans: RequestSpan[], top = 5): { ms: number; suspects: string[] }[] {
  return [...stalls]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((stall) => ({
      ms: stall.ms,
      suspects: spans.filter((r) => r.startedAt < stall.endedAt && r.endedAt > stall.startedAt).map((r) => r.label),
    }));
}
