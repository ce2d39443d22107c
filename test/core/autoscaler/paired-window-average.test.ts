import { describe, expect, it } from 'vitest';
import { PairedWindowAverage, WeightedPairedWindowAverage } from '../../../src/core/autoscaler/paired-window-average.js';
import { WeightedWindowAverage, WindowAverage } from '../../../src/core/autoscaler/window-average.js';
import { rng as prng } from '../../support/rng.js';

type Step = ['record', number, number, number] | ['read', number] | ['resize', number, number];

/** Runs `steps` on a pair and on two single windows; returns how many reads were compared. */
function compare(weighted: boolean, window: number, granularity: number, steps: readonly Step[]): number {
  const pair = weighted ? new WeightedPairedWindowAverage(window, granularity) : new PairedWindowAverage(window, granularity);
  const single = () => (weighted ? new WeightedWindowAverage(window, granularity) : new WindowAverage(window, granularity));
  const a = single();
  const b = single();
  let reads = 0;
  for (const step of steps) {
    if (step[0] === 'record') {
      pair.record(step[1], step[2], step[3]);
      a.record(step[1], step[2]);
      b.record(step[1], step[3]);
    } else if (step[0] === 'resize') {
      pair.resize(step[1], step[2]);
      a.resize(step[1], step[2]);
      b.resize(step[1], step[2]);
    } else {
      const now = step[1];
      // Object.is: the same float, bit for bit (and 0 is not −0).
      expect(Object.is(pair.average(now, 0), a.average(now)), `channel 0 at ${now}`).toBe(true);
      expect(Object.is(pair.average(now, 1), b.average(now)), `channel 1 at ${now}`).toBe(true);
      expect(pair.isEmpty(now)).toBe(a.isEmpty(now));
      reads++;
    }
  }
  return reads;
}

/** A long random sequence: mostly half-second steps, same-bucket writes, late writes, gaps of all lengths, resizes. */
function randomSteps(seed: number, window: number, resizes: boolean): Step[] {
  const r = prng(seed);
  const steps: Step[] = [];
  let t = r() * 10;
  for (let k = 0; k < 4000; k++) {
    const u = r();
    if (u < 0.45) t += 0.5;
    else if (u < 0.6) t += r() * 0.3; // often the same bucket
    else if (u < 0.7) t += 1 + Math.floor(r() * 4); // a short gap
    else if (u < 0.74) t += r() * window * 2.5; // around and past a whole window
    const late = r() < 0.08 ? t - r() * window * 1.2 : t; // late writes, some older than the window
    const value = (): number => (r() < 0.1 ? 0 : r() < 0.2 ? Math.floor(r() * 50) : r() * 37.3);
    steps.push(['record', late, value(), value()]);
    if (r() < 0.5) steps.push(['read', t + (r() < 0.8 ? r() * 3 : r() * window * 1.5)]);
    if (resizes && r() < 0.01) steps.push(['resize', [6, 60, 2, 17.5, 100, 1][Math.floor(r() * 6)]!, t + r() * window * 0.8]);
  }
  return steps;
}

describe('PairedWindowAverage reads what two WindowAverages read', () => {
  it.each([
    ['linear', false],
    ['weighted-exponential', true],
  ] as const)('%s: table of edge cases', (_name, weighted) => {
    const table: Array<[string, number, Step[]]> = [
      ['one sample, read in its bucket and after', 5, [['record', 0.5, 3, 7], ['read', 0.5], ['read', 3.9], ['read', 5.5], ['read', 6]]],
      ['same-bucket writes add up', 5, [['record', 1.1, 1, 2], ['record', 1.7, 0.25, 0.5], ['read', 1.9], ['read', 2]]],
      ['a gap counts as zeros', 5, [['record', 0, 4, 1], ['record', 3, 2, 3], ['read', 3], ['read', 4.2]]],
      ['a window of silence starts over', 3, [['record', 0, 9, 9], ['record', 1, 1, 1], ['record', 4, 2, 5], ['read', 4], ['read', 5]]],
      ['a late write inside the window', 5, [['record', 4, 1, 1], ['record', 2.5, 10, 20], ['read', 4]]],
      ['a late write older than the window is dropped', 5, [['record', 10, 1, 2], ['record', 4.9, 10, 20], ['read', 10]]],
      ['a write before the first moves the first write back', 5, [['record', 3, 1, 1], ['record', 1, 3, 2], ['read', 3]]],
      ['shrink then grow with data', 60, [['record', 0, 1, 2], ['record', 30, 5, 6], ['resize', 6, 31], ['read', 31], ['resize', 60, 32], ['read', 33]]],
      ['resize after the data is gone', 6, [['record', 0, 1, 2], ['resize', 60, 20], ['record', 21, 3, 4], ['read', 21]]],
      ['a granularity of 5 s', 30, [['record', 0, 1, 1], ['record', 7, 2, 3], ['record', 26, 4, 4], ['read', 27], ['read', 40]]],
      ['negative times', 5, [['record', -3.5, 2, 1], ['record', -1, 1, 2], ['read', 0]]],
    ];
    for (const [name, window, steps] of table) {
      const granularity = name === 'a granularity of 5 s' ? 5 : 1;
      expect(compare(weighted, window, granularity, steps), name).toBe(steps.filter((s) => s[0] === 'read').length);
    }
  });

  it.each([
    ['linear, stable window', false, 60, 1, false, 1],
    ['linear, panic window', false, 6, 1, false, 2],
    ['linear, with resizes', false, 60, 1, true, 3],
    ['linear, 2 s buckets', false, 9, 2, true, 4],
    ['weighted, stable window', true, 60, 1, false, 5],
    ['weighted, panic window with resizes', true, 6, 1, true, 6],
  ] as const)('%s: 4,000 random writes', (_name, weighted, window, granularity, resizes, seed) => {
    const steps = randomSteps(seed, window, resizes);
    // The sequence reaches every branch worth comparing: gaps past a window and reads of non-zero averages.
    const reads = compare(weighted, window, granularity, steps);
    expect(reads).toBeGreaterThan(1500);
    const pair = weighted ? new WeightedPairedWindowAverage(window, granularity) : new PairedWindowAverage(window, granularity);
    let nonZero = 0;
    for (const s of steps) {
      if (s[0] === 'record') pair.record(s[1], s[2], s[3]);
      else if (s[0] === 'resize') pair.resize(s[1], s[2]);
      else if (pair.average(s[1], 1) !== 0) nonZero++;
    }
    expect(nonZero).toBeGreaterThan(reads / 2);
  });

  it('a different value in one channel does not leak into the other', () => {
    const p = new PairedWindowAverage(6);
    p.record(0, 6, 0);
    p.record(1, 0, 12);
    expect(p.average(1, 0)).toBe(3);
    expect(p.average(1, 1)).toBe(6);
  });

  it('add() (for callers that checked the numbers) writes what record() writes', () => {
    const checked = new PairedWindowAverage(6);
    const unchecked = new PairedWindowAverage(6);
    for (const [t, v0, v1] of [[0, 1, 2], [0.5, 3, 0], [1, 2, 5], [4, 0, 1], [3, 7, 7], [12, 1, 1], [13.5, 2, 0]] as const) {
      checked.record(t, v0, v1);
      unchecked.add(t, v0, v1);
      for (const now of [t, t + 1, t + 3]) {
        expect(unchecked.average(now, 0)).toBe(checked.average(now, 0));
        expect(unchecked.average(now, 1)).toBe(checked.average(now, 1));
        expect(unchecked.isEmpty(now)).toBe(checked.isEmpty(now));
      }
    }
    expect(checked.average(13.5, 0)).toBe(1.5);
  });

  it('rejects a non-finite value in either channel', () => {
    expect(() => new PairedWindowAverage(6).record(0, 1, Number.NaN)).toThrow(/value/);
    expect(() => new PairedWindowAverage(6).record(0, Number.POSITIVE_INFINITY, 1)).toThrow(/value/);
  });
});
