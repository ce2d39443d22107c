import { describe, expect, it } from 'vitest';
import { makeSampler, normalQuantile, type DistributionSpec } from '../../src/engine/distributions.js';
import { RequestStream } from '../../src/engine/random.js';

describe('normalQuantile (AS 241)', () => {
  it.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.01, -2.3263478740408408],
    [0.3, -0.5244005127080407],
    [0.925, 1.439531470938456], // the edge of the central region
    [1e-5, -4.2648907939228256],
    [2 ** -33, -6.337957754553789], // the smallest uniform a stream's open() gives
    [1e-20, -9.262340089798405],
    [1e-300, -37.0470962993612], // the far tail (r > 5)
  ])('at %s is %s', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 12);
  });
  it.each([
    [0, Number.NEGATIVE_INFINITY],
    [1, Number.POSITIVE_INFINITY],
  ])('at %s is %s', (p, z) => {
    expect(normalQuantile(p)).toBe(z);
  });
});

/** The mean over the midpoints of n equal cells of (0, 1): the distribution's mean for large n. */
const cellMean = (q: (u: number) => number, n = 200_000) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += q((i + 0.5) / n);
  return s / n;
};

describe('quantile: each distribution from one uniform', () => {
  const cases: Array<{ spec: DistributionSpec; at: Array<[number, number]> }> = [
    { spec: { dist: 'constant', value: 0.3 }, at: [[0.01, 0.3], [0.99, 0.3]] },
    { spec: { dist: 'exponential', mean: 2 }, at: [[1 - Math.exp(-1), 2], [0.5, 2 * Math.LN2]] },
    { spec: { dist: 'uniform', min: 1, max: 3 }, at: [[0.25, 1.5], [0.5, 2]] },
    { spec: { dist: 'lognormal', median: 0.1, p99: 0.4 }, at: [[0.5, 0.1], [0.99, 0.4]] },
    { spec: { dist: 'lognormal', median: 0.1, p99: 0.1 }, at: [[0.001, 0.1], [0.999, 0.1]] },
    // The quantile reads the values sorted, whatever order they were listed in.
    { spec: { dist: 'empirical', values: [5, 1, 3, 2] }, at: [[0.1, 1], [0.3, 2], [0.6, 3], [0.9999, 5]] },
  ];
  for (const { spec, at } of cases) {
    const s = makeSampler(spec);
    it(`${JSON.stringify(spec)}: exact at known points, monotone, and its mean`, () => {
      for (const [u, v] of at) expect(s.quantile(u)).toBeCloseTo(v, 12);
      let prev = Number.NEGATIVE_INFINITY;
      for (let i = 1; i < 1000; i++) {
        const v = s.quantile(i / 1000);
        expect(v).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
      expect(cellMean(s.quantile)).toBeCloseTo(s.mean, 2);
    });
  }
});

describe('RequestStream', () => {
  it('is a pure function of seed and name, strictly inside (0, 1), and uniform', () => {
    const a = new RequestStream(7, 'work/a');
    const b = new RequestStream(7, 'work/a');
    const other = new RequestStream(7, 'work/b');
    const bins = new Array<number>(10).fill(0);
    let same = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = a.open();
      if (!(u > 0 && u < 1) || u !== b.open()) throw new Error(`draw ${i}: ${u}`);
      if (other.open() === u) same++;
      bins[Math.floor(u * 10)]!++;
    }
    expect(same).toBe(0);
    // χ² with 9 degrees of freedom: 27.9 is its 99.9th percentile.
    const chi2 = bins.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });
  it('another seed gives another sequence', () => {
    const a = new RequestStream(1, 'work/a');
    const b = new RequestStream(2, 'work/a');
    expect([a.open(), a.open()]).not.toEqual([b.open(), b.open()]);
  });
});
