/**
 * The playground's status line (web/src/eta.ts): the share of the run done, never 100 % before
 * its end, and the wall time left at the pace of the last few seconds of running.
 */
import { describe, expect, it } from 'vitest';
import { formatEta, percentDone, RunEta } from '../../web/src/eta.js';

/** Feeds `eta` progress every `stepMs` of wall time, `rate` simulated seconds per wall second, from `from`. */
function feed(eta: RunEta, steps: number, stepMs: number, rate: number, duration: number, from = { wallMs: 0, now: 0 }) {
  let out: number | undefined;
  let { wallMs, now } = from;
  for (let i = 0; i < steps; i++) {
    wallMs += stepMs;
    now += (rate * stepMs) / 1000;
    out = eta.note(wallMs, now, duration);
  }
  return { left: out, wallMs, now };
}

describe('RunEta', () => {
  it('a run paced at ×100: 300 s simulated, 100 s done after 1 s → 2 s left', () => {
    const eta = new RunEta();
    // The first note starts the clock: 11 notes 100 ms apart cover 1 s of wall, 100 s simulated.
    eta.note(0, 0, 300);
    const { left } = feed(eta, 10, 100, 100, 300);
    expect(left).toBeCloseTo(2, 9);
  });

  it('says nothing before a second of running', () => {
    const eta = new RunEta();
    eta.note(0, 0, 300);
    expect(feed(eta, 9, 100, 100, 300).left).toBeUndefined();
  });

  it('follows a change of pace within its 5 s window', () => {
    const eta = new RunEta();
    eta.note(0, 0, 3600);
    // 10 s at ×100 (1000 s done), then 10 s at ×10: the window sees only the slow pace.
    const fast = feed(eta, 100, 100, 100, 3600);
    const slow = feed(eta, 100, 100, 10, 3600, fast);
    expect(slow.now).toBeCloseTo(1100, 6);
    // 2500 s left at 10 per second.
    expect(slow.left).toBeCloseTo(250, 6);
  });

  it('starts over when the run goes back in time (a new run) and after reset()', () => {
    const eta = new RunEta();
    eta.note(0, 0, 300);
    feed(eta, 20, 100, 100, 300);
    expect(eta.note(2100, 0.5, 300)).toBeUndefined();
    eta.reset();
    expect(eta.note(2200, 0.6, 300)).toBeUndefined();
  });

  it('a run that made no simulated progress has no estimate', () => {
    const eta = new RunEta();
    eta.note(0, 12, 300);
    expect(eta.note(2000, 12, 300)).toBeUndefined();
  });
});

describe('formatEta and percentDone', () => {
  it.each<[number, string]>([
    [0.2, 'about 1 s left'],
    [2, 'about 2 s left'],
    [59.2, 'about 60 s left'],
    [60, 'about 1 min left'],
    [61, 'about 2 min left'],
    [7200, 'about 2 h left'],
  ])('%s s → %s', (s, want) => {
    expect(formatEta(s)).toBe(want);
  });

  it.each<[number, number, number]>([
    [0, 300, 0],
    [150, 300, 50],
    [299.99, 300, 99],
    [300, 300, 100],
    [0, 0, 100],
  ])('t = %s of %s s → %s %', (now, duration, want) => {
    expect(percentDone(now, duration)).toBe(want);
  });
});
