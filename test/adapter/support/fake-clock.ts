import type { Clock } from '../../../src/adapter/clock.js';

/**
 * A clock the test moves. `sleep` either waits for `advance` (manual) or, with
 * `autoAdvance`, jumps time forward at once (so pauses cost no real time).
 */
export class FakeClock implements Clock {
  private t: number;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];

  constructor(
    start = 1_700_000_000,
    private readonly autoAdvance = false,
  ) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  set(t: number): void {
    this.t = t;
    this.wake();
  }

  /** Sleeps not yet woken or aborted (a timer a stopped component left behind shows here). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Sleeps that end exactly at `t` (a loop's next round there shows it finished the one before). */
  sleepsUntil(t: number): number {
    return this.sleepers.filter((s) => s.at === t).length;
  }

  advance(seconds: number): void {
    this.set(this.t + seconds);
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }

  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    if (this.autoAdvance) {
      this.t += Math.max(0, seconds);
      return new Promise((r) => setImmediate(r));
    }
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        resolve();
      };
      // Woken by time, it stops listening, as sleepMs does: a run's signal collects no listener per sleep.
      const entry = {
        at: this.t + seconds,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
