/** The wall clock's sleep past one timer's reach (2^31 − 1 ms): a single setTimeout fired after 1 ms. */
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, sleepMs } from '../../src/adapter/clock.js';

describe('sleepMs', () => {
  it('chains timers for a sleep longer than one can hold', async () => {
    // With timers of at most 20 ms, a 90 ms sleep takes five of them and all 90 ms.
    const start = performance.now();
    await sleepMs(90, undefined, 20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(89);
  });

  it('stops at once when its signal aborts, between timers of the chain', async () => {
    const stop = new AbortController();
    const start = performance.now();
    setTimeout(() => stop.abort(), 30);
    // A minute's sleep ends within half of it: far from the abort's 30 ms, but a busy machine's timers may lag.
    await sleepMs(60_000, stop.signal, 20);
    expect(performance.now() - start).toBeLessThan(30_000);
  });

  it('holds a timer no longer than setTimeout can', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });
});
