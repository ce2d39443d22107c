/**
 * The worker's pacer (web/src/pace.ts) on a fake run whose simulated seconds cost a set wall
 * time, read from a fake clock: a dense run is advanced in slices that fit the budget, so the
 * worker hears Pause between them; a light one in slices of a second, as before.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SLICE, MIN_SLICE, Pacer } from '../../web/src/pace.js';

/** A run of `duration` simulated seconds, each costing `msPerSecond` of the fake clock. */
function fakeRun(duration: number, msPerSecond: number) {
  const clock = { ms: 0 };
  const slices: number[] = [];
  const run = {
    now: 0,
    get done() {
      return this.now >= duration;
    },
    advance(until: number) {
      const to = Math.min(until, duration);
      slices.push(to - this.now);
      clock.ms += (to - this.now) * msPerSecond;
      this.now = to;
    },
  };
  return { run, clock, slices, pacer: new Pacer(() => clock.ms) };
}

describe('Pacer', () => {
  it('a dense run (20 s of wall per simulated second) is advanced a few ms at a time, within about the budget per call', () => {
    // 20,000 users on 1 ms requests: ten million requests a simulated second. Advanced a whole
    // second at a time, as the worker did, one call held the worker for 20 s.
    const { run, clock, slices, pacer } = fakeRun(15, 20_000);
    for (let call = 0; call < 200; call++) {
      const before = clock.ms;
      pacer.advance(run, Number.POSITIVE_INFINITY, 40);
      // One slice may start inside the budget and end past it: at most budget + one slice.
      expect(clock.ms - before).toBeLessThanOrEqual(40 + 40);
    }
    expect(Math.max(...slices)).toBeLessThanOrEqual(0.004);
    expect(run.now).toBeGreaterThan(0.1);
    expect(run.done).toBe(false);
  });

  it('a light run (hello-world\'s pace) reaches slices of a whole second and its end in few calls', () => {
    const { run, slices, pacer } = fakeRun(300, 0.5);
    let calls = 0;
    while (!run.done) {
      pacer.advance(run, Number.POSITIVE_INFINITY, 40);
      calls++;
    }
    expect(slices[0]).toBe(MIN_SLICE);
    expect(Math.max(...slices)).toBeCloseTo(MAX_SLICE, 9);
    // 300 slices of a second after ten doublings from 1 ms.
    expect(slices.length).toBeLessThan(300 + 12);
    expect(calls).toBeLessThan(20);
  });

  it('a target short of the end (speeds ×1 to ×100) is reached exactly, and a run that gets dense shrinks its slices', () => {
    const { run, pacer } = fakeRun(100, 1);
    pacer.advance(run, 2.5, 40);
    expect(run.now).toBe(2.5);
    const dense = fakeRun(100, 1);
    dense.pacer.advance(dense.run, 50, 40);
    expect(dense.pacer.slice).toBe(MAX_SLICE);
    // The run gets 10,000 times denser: the next call's first slice takes 10 s, then they shrink to fit.
    const run2 = dense.run;
    const advance = run2.advance.bind(run2);
    run2.advance = (until: number) => {
      dense.clock.ms += (Math.min(until, 100) - run2.now) * 9_999;
      advance(until);
    };
    dense.pacer.advance(run2, 100, 40);
    expect(dense.pacer.slice).toBeLessThan(0.002);
  });
});
