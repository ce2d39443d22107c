import { describe, expect, it } from 'vitest';
import { estimateRevisionStat, scrapeOrder, scrapeOrderIndices } from '../../../src/core/autoscaler/scrape-sample.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

/** A scripted randomInt: returns the given draws in turn and logs the bounds it was asked for. */
function draws(values: number[]): { randomInt: (bound: number) => number; bounds: number[] } {
  const bounds: number[] = [];
  let k = 0;
  return { bounds, randomInt: (bound) => (bounds.push(bound), values[k++]!) };
}

// Pods are named by age: 'o…' are old (up a stable window or more), 'y…' young.
const isOld = (p: string): boolean => p.startsWith('o');

describe('scrapeOrder', () => {
  it.each([
    {
      name: 'enough old pods: the old ones shuffled from the end, then the young in their order',
      pods: ['o1', 'y1', 'o2', 'o3', 'y2', 'o4'],
      sample: 3,
      values: [0, 2, 0],
      // i=3 swaps o1↔o4; i=2 keeps o3; i=1 swaps o4↔o2.
      want: ['o2', 'o4', 'o3', 'o1', 'y1', 'y2'],
      bounds: [4, 3, 2],
    },
    {
      name: 'too few old pods: every old one first, then the young shuffled',
      pods: ['y1', 'o1', 'y2', 'y3'],
      sample: 2,
      values: [0, 0],
      want: ['o1', 'y2', 'y3', 'y1'],
      bounds: [3, 2],
    },
    {
      name: 'exactly the sample size of old pods counts as enough',
      pods: ['y1', 'o1', 'o2'],
      sample: 2,
      values: [0],
      want: ['o2', 'o1', 'y1'],
      bounds: [2],
    },
    { name: 'one pod needs no draw', pods: ['y1'], sample: 1, values: [], want: ['y1'], bounds: [] },
    { name: 'no pods', pods: [], sample: 0, values: [], want: [], bounds: [] },
  ])('$name', ({ pods, sample, values, want, bounds }) => {
    const r = draws(values);
    expect(scrapeOrder(pods, sample, isOld, r.randomInt)).toEqual(want);
    expect(r.bounds).toEqual(bounds);
  });

  it('as indices: the same order, in the array it is given while that has room for twice the pods', () => {
    let into = new Int32Array(0);
    const calls = [
      { pods: ['o1', 'y1', 'o2', 'o3', 'y2', 'o4'], sample: 3, values: [0, 2, 0], want: [2, 5, 3, 0, 1, 4] },
      { pods: ['y1', 'o1', 'y2', 'y3'], sample: 2, values: [0, 0], want: [1, 2, 3, 0] },
      { pods: ['y1'], sample: 1, values: [], want: [0] },
      { pods: ['o1', 'y1', 'o2', 'o3', 'y2', 'o4', 'y3'], sample: 2, values: [3, 1, 0], want: [3, 0, 2, 5, 1, 4, 6] },
    ];
    for (const c of calls) {
      const fresh = scrapeOrder(c.pods, c.sample, isOld, draws(c.values).randomInt);
      const before = into;
      const got = scrapeOrderIndices(c.pods, c.sample, isOld, draws(c.values).randomInt, into);
      // Reused when it holds 2n entries (12 from the first call on), else a new one.
      expect(got === before).toBe(before.length >= 2 * c.pods.length);
      expect(Array.from(got.subarray(0, c.pods.length))).toEqual(c.want);
      expect(c.want.map((i) => c.pods[i])).toEqual(fresh);
      into = got;
    }
  });

  it('leaves its input alone', () => {
    const pods = ['o1', 'o2', 'y1'];
    scrapeOrder(pods, 1, isOld, () => 0);
    expect(pods).toEqual(['o1', 'o2', 'y1']);
  });

  it.each([
    ['a negative sample size', -1, () => 0, 'sampleSize'],
    ['a draw that is not an integer', 1, () => 0.5, 'randomInt()'],
    ['a draw at or above its bound', 1, (b: number) => b, 'randomInt()'],
  ])('rejects %s', (_label, sample, randomInt, field) => {
    expect(() => scrapeOrder(['o1', 'o2'], sample, isOld, randomInt)).toThrow(InvalidArgumentError);
    expect(() => scrapeOrder(['o1', 'o2'], sample, isOld, randomInt)).toThrow(`${field}:`);
  });
});

describe('estimateRevisionStat', () => {
  // Upstream (pkg/autoscaler/metrics/collector.go Stat.average) divides each sum by the sample
  // size, then multiplies by the population; the other order differs in the last bit.
  it.each([
    { population: 8, sample: 6, sum: 2.1, want: 2.8000000000000003 },
    { population: 6, sample: 5, sum: 0.5, want: 0.6000000000000001 },
    { population: 10, sample: 7, sum: 0.3, want: 0.4285714285714286 },
    { population: 9, sample: 6, sum: 0.1, want: 0.15 },
    { population: 3, sample: 3, sum: 2.9, want: 2.9 },
  ])('$sum from $sample of $population pods reads $want', ({ population, sample, sum, want }) => {
    const sums = { averageConcurrentRequests: sum, averageProxiedConcurrentRequests: sum, requestCount: sum, proxiedRequestCount: sum };
    expect(estimateRevisionStat(5, sums, population, sample)).toEqual({
      timeSeconds: 5,
      averageConcurrentRequests: want,
      averageProxiedConcurrentRequests: want,
      requestCount: want,
      proxiedRequestCount: want,
    });
  });
});
