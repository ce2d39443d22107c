import * as hdr from 'hdr-histogram-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.js';
import { HdrCounts } from '../../src/output/hdr-counts.js';

/** The 200 CDF percentiles LatencyHistogram asks for, and a few odd ones. */
const PERCENTILES = [
  ...Array.from({ length: 200 }, (_, i) => Math.min((100 * (i + 1)) / 200, 100)),
].concat([0.001, 33.333333, 99.9, 99.99, 99.999]).sort((a, b) => a - b);

/** hdr-histogram-js as knsim used it: 1 µs lowest value, a day's range, auto-resized beyond. */
function reference(digits: 2 | 3, wasm: boolean): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: digits, useWebAssembly: wasm });
}

type Values = Array<[value: number, count: number]>;

/** Checks every percentile of HdrCounts against getValueAtPercentile of both hdr builds. */
function expectSamePercentiles(values: Values, digits: 2 | 3): void {
  const counts = new HdrCounts(digits);
  const js = reference(digits, false);
  const wasm = reference(digits, true);
  for (const [v, c] of values) {
    counts.record(v, c);
    js.recordValueWithCount(v, c);
    wasm.recordValueWithCount(v, c);
  }
  const ours = counts.valuesAtPercentiles(PERCENTILES, []);
  const theirs = PERCENTILES.map((p) => js.getValueAtPercentile(p));
  expect(ours).toEqual(theirs);
  expect(ours).toEqual(PERCENTILES.map((p) => wasm.getValueAtPercentile(p)));
  expect(counts.totalCount).toBe(js.totalCount);
  wasm.destroy();
}

/** hdr-histogram-js's values at PERCENTILES (JS build) for `values`. */
function hdrValues(values: Values): number[] {
  const js = reference(3, false);
  for (const [v, c] of values) js.recordValueWithCount(v, c);
  return PERCENTILES.map((p) => js.getValueAtPercentile(p));
}

/** `n` values drawn by `draw`, each with a count from 1 to `maxCount`. */
function drawn(seed: number, n: number, maxCount: number, draw: (r: RandomStream) => number): Values {
  const r = new RandomStream(seed, 'hdr-counts');
  return Array.from({ length: n }, () => [Math.max(1, Math.round(draw(r))), 1 + r.int(maxCount)]);
}

describe('HdrCounts gives the percentiles of hdr-histogram-js (JS and WebAssembly builds)', () => {
  beforeAll(async () => {
    await hdr.initWebAssembly();
  });

  it.each<[string, Values]>([
    ['one value', [[100_000, 1]]],
    ['one value many times', [[100_000, 3_600_000]]],
    ['two values', [[1, 1], [2, 1]]],
    ['values in bucket 0 (unit resolution)', [[1, 5], [2047, 3], [1000, 7]]],
    ['bucket edges', [[2047, 1], [2048, 1], [2049, 1], [4095, 2], [4096, 2], [4097, 2]]],
    ['just below and at powers of two', [[2 ** 20 - 1, 3], [2 ** 20, 4], [2 ** 31 - 1, 1], [2 ** 31, 1], [2 ** 32 - 1, 1], [2 ** 32, 1], [2 ** 33 + 5, 1]]],
    ['beyond a day (the histogram grows)', [[86_400_000_000, 1], [200_000_000_000, 2], [5, 1]]],
    // 28 % of 25 is 7.000000000000001 in floating point: hdr's one-ulp slack makes the rank 7, not 8.
    ['a rank one ulp above an integer', [[100, 7], [200, 18]]],
    ['seven equal thirds of 10^6', [[1_000, 333_333], [2_000, 333_333], [3_000, 333_334]]],
  ])('%s', (_name, values) => {
    expectSamePercentiles(values, 3);
    expectSamePercentiles(values, 2);
  });

  // Random histograms: latency-like spreads (tight, exponential, heavy-tailed, over the whole range) and counts.
  it.each<[string, (r: RandomStream) => number, number]>([
    ['tight around 100 ms', (r) => 100_000 + r.uniform(0, 2_000), 1],
    ['exponential, mean 2 s', (r) => r.exponential(2e6), 3],
    ['heavy tail (log-uniform from 1 µs to 10^11 µs)', (r) => Math.exp(r.uniform(0, Math.log(1e11))), 1000],
    ['small integers with large counts', (r) => 1 + r.int(5000), 1_000_000],
  ])('random histograms: %s', (_name, draw, maxCount) => {
    for (let seed = 1; seed <= 40; seed++) {
      const n = 1 + ((seed * 37) % 400);
      const values = drawn(seed, n, maxCount, draw);
      expectSamePercentiles(values, seed % 2 === 0 ? 3 : 2);
    }
  });

  it('add() merges counts as recording both would', () => {
    const a = drawn(7, 300, 5, (r) => r.exponential(3e5));
    const b = drawn(8, 300, 5, (r) => 3e6 + r.exponential(1e6));
    const left = new HdrCounts(3);
    const right = new HdrCounts(3);
    const both = new HdrCounts(3);
    for (const [v, c] of a) {
      left.record(v, c);
      both.record(v, c);
    }
    for (const [v, c] of b) {
      right.record(v, c);
      both.record(v, c);
    }
    left.add(right);
    expect(left.totalCount).toBe(both.totalCount);
    expect(left.valuesAtPercentiles(PERCENTILES, [])).toEqual(both.valuesAtPercentiles(PERCENTILES, []));
    // And those are hdr's: the whole merged set checked against the reference.
    expectSamePercentiles([...a, ...b], 3);
  });

  // Up to 32 values are kept as they are, more are counted into chunks: add() across the two, both ways.
  it.each<[string, number, number]>([
    ['few into few', 10, 12],
    ['few into few, together more than kept', 30, 30],
    ['few into counted', 200, 5],
    ['counted into few', 5, 200],
    ['counted into counted', 100, 100],
  ])('add() merges %s as recording both would', (_name, left, right) => {
    const a = drawn(11, left, 3, (r) => r.exponential(3e5));
    const b = drawn(12, right, 3, (r) => r.exponential(1e6));
    const l = new HdrCounts(3);
    const rh = new HdrCounts(3);
    for (const [v, c] of a) l.record(v, c);
    for (const [v, c] of b) rh.record(v, c);
    l.add(rh);
    expect(l.valuesAtPercentiles(PERCENTILES, [])).toEqual(hdrValues([...a, ...b]));
    expect(l.totalCount).toBe([...a, ...b].reduce((t, [, c]) => t + c, 0));
  });

  it('reset() after many values: a few new values are all that count', () => {
    const h = new HdrCounts(3);
    for (const [v, c] of drawn(13, 300, 2, (r) => r.exponential(1e6))) h.record(v, c);
    h.reset();
    const few = drawn(14, 7, 2, (r) => r.exponential(2e4));
    for (const [v, c] of few) h.record(v, c);
    expect(h.valuesAtPercentiles(PERCENTILES, [])).toEqual(hdrValues(few));
    // And past the kept values again, into the chunks cleared by the reset.
    const more = drawn(15, 60, 2, (r) => r.exponential(2e4));
    for (const [v, c] of more) h.record(v, c);
    expect(h.valuesAtPercentiles(PERCENTILES, [])).toEqual(hdrValues([...few, ...more]));
  });

  it('reset() empties it: zeros when empty, then only new values count', () => {
    const h = new HdrCounts(3);
    h.record(5_000_000, 10);
    h.reset();
    expect(h.totalCount).toBe(0);
    expect(h.valuesAtPercentiles([50, 100], [])).toEqual([0, 0]);
    h.record(1_000, 1);
    // 1,000 µs is in bucket 0 (unit resolution): exactly 1,000, not the 5 s recorded before the reset.
    expect(h.valuesAtPercentiles([50, 100], [])).toEqual([1_000, 1_000]);
  });
});
