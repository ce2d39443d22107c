/**
 * Time for the controller adapter, injected everywhere so tests can run the decision
 * loop on a fake clock. Seconds since the Unix epoch, as a float.
 */
export interface Clock {
  /** Current time in seconds. */
  now(): number;
  /** Resolves after `seconds`, or at once (without throwing) when `signal` aborts. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
  /**
   * Seconds from some fixed point that never jumps (`now` does when the wall clock is set),
   * for measuring how long ago something happened; `now` when absent (fake clocks).
   */
  monotonic?(): number;
}

/** The clock's monotonic seconds, else its `now`. */
export function monotonicSeconds(clock: Clock): number {
  return clock.monotonic ? clock.monotonic() : clock.now();
}

/** setTimeout's longest delay, 2^31 − 1 ms (about 24.8 days): a longer one fires after 1 ms, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms`, or at once when `signal` aborts. A sleep longer than one timer can hold
 * (`controller --duration 1000000h`, `rollout --pause 1000000h`) is a chain of timers: in one,
 * it ended after 1 ms. `maxTimerMs` is for tests.
 */
export function sleepMs(ms: number, signal?: AbortSignal, maxTimerMs = MAX_TIMER_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    let left = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const next = (): void => {
      if (left <= maxTimerMs) {
        timer = setTimeout(done, left);
        return;
      }
      left -= maxTimerMs;
      timer = setTimeout(next, maxTimerMs);
    };
    next();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Wall-clock time; durations on the monotonic clock. */
export const systemClock: Clock = {
  now: () => Date.now() / 1000,
  sleep: (seconds, signal) => sleepMs(seconds * 1000, signal),
  monotonic: () => performance.now() / 1000,
};
