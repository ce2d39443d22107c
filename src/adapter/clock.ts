/**
 * Time for the controller adapter, injected everywhere so tests can run the decision
 * loop on a fake clock. Seconds since the Unix epoch, as a float.
 */
export interface Clock {
  /** Current time in seconds. */
  now(): number;
  /** Resolves after `seconds`, or at once (without throwing) when `signal` aborts. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => Date.now() / 1000,
  sleep: (seconds, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, seconds * 1000));
      signal?.addEventListener('abort', done, { once: true });
    }),
};
