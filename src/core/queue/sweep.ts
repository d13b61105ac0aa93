/**
 * Runs `work` every `intervalMs`, one run at a time (the next waits for the previous to end),
 * without keeping the process alive. Queues whose wake-ups can be lost use it to pick up what
 * a crash or a lost wake-up left behind.
 */
export function startSweep(intervalMs: number, work: () => Promise<void>, onError: (err: Error) => void): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    timer = setTimeout(() => {
      work()
        .catch(onError)
        .finally(() => !stopped && tick());
    }, intervalMs);
    timer.unref();
  };
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
