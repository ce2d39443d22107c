import { describe, expect, it } from 'vitest';
import { MetricCollection, NoDataError } from '../../../src/core/autoscaler/collection.js';
import { populationMeanSampleSize } from '../../../src/core/autoscaler/sample-size.js';
import { WeightedWindowAverage, WindowAverage } from '../../../src/core/autoscaler/window-average.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

describe('MetricCollection', () => {
  it.each(['linear', 'weighted-exponential'] as const)('%s: reads what four separate windows read, float for float, across stats, gaps and spec updates', (algorithm) => {
    const make = (w: number) => (algorithm === 'linear' ? new WindowAverage(w) : new WeightedWindowAverage(w));
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, aggregationAlgorithm: algorithm });
    const w = { cs: make(60), cp: make(6), rs: make(60), rp: make(6) };
    let seed = 7;
    const r = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let t = 0;
    let reads = 0;
    for (let k = 0; k < 3000; k++) {
      t += r() < 0.9 ? 0.5 : r() * 150;
      const stat = { timeSeconds: t, averageConcurrentRequests: r() * 9, averageProxiedConcurrentRequests: r() * 2, requestCount: Math.floor(r() * 40), proxiedRequestCount: Math.floor(r() * 3) };
      c.record(stat);
      const conc = stat.averageConcurrentRequests - stat.averageProxiedConcurrentRequests;
      const rps = stat.requestCount - stat.proxiedRequestCount;
      for (const x of [w.cs, w.cp]) x.record(t, conc);
      for (const x of [w.rs, w.rp]) x.record(t, rps);
      if (r() < 0.01) {
        const [stable, panic] = r() < 0.5 ? [30, 3] : [60, 6];
        c.update({ stableWindowSeconds: stable, panicWindowSeconds: panic }, t);
        for (const x of [w.cs, w.rs]) x.resize(stable, t);
        for (const x of [w.cp, w.rp]) x.resize(panic, t);
      }
      const now = t + r() * 2;
      expect(c.hasData(now, 'rps')).toBe(!w.rs.isEmpty(now));
      if (!c.hasData(now, 'concurrency')) continue;
      expect(c.stableAndPanicConcurrency(now)).toStrictEqual({ stable: w.cs.average(now), panic: w.cp.average(now) });
      expect(c.stableAndPanicRPS(now)).toStrictEqual({ stable: w.rs.average(now), panic: w.rp.average(now) });
      reads++;
    }
    expect(reads).toBeGreaterThan(2500);
  });

  it('keeps stable and panic windows for concurrency and RPS, subtracting proxied parts', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    for (let t = 0; t < 60; t++) {
      c.record({
        timeSeconds: t,
        averageConcurrentRequests: t < 54 ? 10 : 40,
        averageProxiedConcurrentRequests: t < 54 ? 0 : 10,
        requestCount: 100,
        proxiedRequestCount: 20,
      });
    }
    // stable: (54 × 10 + 6 × 30) / 60 = 12; panic: the last 6 s at 30
    expect(c.stableAndPanicConcurrency(59)).toEqual({ stable: 12, panic: 30 });
    expect(c.stableAndPanicRPS(59)).toEqual({ stable: 80, panic: 80 });
  });

  it('sums a scrape and activator stats that land in the same second', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    c.record({ timeSeconds: 10.2, averageConcurrentRequests: 3, requestCount: 5 }); // scrape
    c.record({ timeSeconds: 10.7, averageConcurrentRequests: 2, requestCount: 1 }); // activator 1
    c.record({ timeSeconds: 10.9, averageConcurrentRequests: 1, requestCount: 1 }); // activator 2
    expect(c.stableAndPanicConcurrency(10.95)).toEqual({ stable: 6, panic: 6 });
    expect(c.stableAndPanicRPS(11)).toEqual({ stable: 7, panic: 7 });
  });

  it('averages a 6 s stable and a 2 s panic window of the same stats (upstream TestMetricCollectorAggregate)', () => {
    const c = new MetricCollection({ stableWindowSeconds: 6, panicWindowSeconds: 2 });
    for (let i = 0; i < 10; i++) c.record({ timeSeconds: 1000 + i, averageConcurrentRequests: i + 5, requestCount: i + 5 });
    // Stable: 9 … 14 over 6 s; panic: 13 and 14 over 2 s.
    expect(c.stableAndPanicConcurrency(1009)).toEqual({ stable: 11.5, panic: 13.5 });
    expect(c.stableAndPanicRPS(1009)).toEqual({ stable: 11.5, panic: 13.5 });
  });

  it('a stat a stable window newer than the last one starts the windows over (upstream TestMetricCollectorRecord)', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    c.record({ timeSeconds: 930, averageConcurrentRequests: 100, requestCount: 100 });
    c.record({ timeSeconds: 1000, averageConcurrentRequests: 20, averageProxiedConcurrentRequests: 10, requestCount: 30, proxiedRequestCount: 20 });
    expect(c.stableAndPanicConcurrency(1000)).toEqual({ stable: 10, panic: 10 });
    expect(c.stableAndPanicRPS(1000)).toEqual({ stable: 10, panic: 10 });
  });

  it('throws NoDataError after a stable window without writes when it has a scrape target', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    expect(() => c.stableAndPanicConcurrency(0)).toThrow(NoDataError);
    c.record({ timeSeconds: 0, averageConcurrentRequests: 1, requestCount: 1 });
    expect(c.stableAndPanicConcurrency(60)).toEqual({ stable: 0, panic: 0 });
    expect(() => c.stableAndPanicConcurrency(61)).toThrow(NoDataError);
    expect(() => c.stableAndPanicRPS(61)).toThrow(NoDataError);
  });

  it('says it has no data exactly when a read would throw NoDataError', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    const throws = (read: () => unknown): boolean => {
      try {
        read();
        return false;
      } catch (e) {
        if (e instanceof NoDataError) return true;
        throw e;
      }
    };
    const seen: boolean[] = [];
    const check = (now: number): void => {
      for (const metric of ['concurrency', 'rps'] as const) {
        const read = metric === 'rps' ? () => c.stableAndPanicRPS(now) : () => c.stableAndPanicConcurrency(now);
        expect(c.hasData(now, metric)).toBe(!throws(read));
        seen.push(c.hasData(now, metric));
      }
    };
    check(0);
    c.record({ timeSeconds: 10, averageConcurrentRequests: 1, requestCount: 1 });
    for (const t of [10, 69.5, 70, 70.999, 71, 200]) check(t);
    // A resize to a shorter window empties sooner.
    c.record({ timeSeconds: 300, averageConcurrentRequests: 1, requestCount: 1 });
    c.update({ stableWindowSeconds: 20, panicWindowSeconds: 2 }, 300);
    for (const t of [320, 321]) check(t);
    expect(seen).toEqual([false, false, true, true, true, true, true, true, true, true, false, false, false, false, true, true, false, false]);
    expect(() => c.hasData(Number.NaN, 'rps')).toThrow(InvalidArgumentError);
    // Without a scrape target silence is zero load: it always has data.
    expect(new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, scrapeTarget: false }).hasData(1000, 'concurrency')).toBe(true);
  });

  it('reads 0 instead of NoDataError without a scrape target (TBC = -1)', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, scrapeTarget: false });
    expect(c.stableAndPanicConcurrency(0)).toEqual({ stable: 0, panic: 0 });
    c.record({ timeSeconds: 0, averageConcurrentRequests: 1, requestCount: 1 });
    expect(c.stableAndPanicConcurrency(100)).toEqual({ stable: 0, panic: 0 });
  });

  it('uses weighted-exponential windows when asked', () => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, aggregationAlgorithm: 'weighted-exponential' });
    c.record({ timeSeconds: 0, averageConcurrentRequests: 10, requestCount: 0 });
    const { stable, panic } = c.stableAndPanicConcurrency(0);
    expect(stable).toBeCloseTo(2, 12); // α = 0.2 for 60 buckets
    expect(panic).toBeCloseTo(10 * 0.78456, 3); // α ≈ 0.78456 for 6 buckets
  });

  it.each([
    ['a negative window', () => new MetricCollection({ stableWindowSeconds: -60, panicWindowSeconds: 6 })],
    ['an unknown algorithm', () => new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6, aggregationAlgorithm: 'median' as never })],
    ['a NaN stat', () => new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 }).record({ timeSeconds: 0, averageConcurrentRequests: Number.NaN, requestCount: 0 })],
    ['a negative count', () => new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 }).record({ timeSeconds: 0, averageConcurrentRequests: 0, requestCount: -1 })],
  ])('rejects %s', (_l, f) => {
    expect(f).toThrow(InvalidArgumentError);
  });

  // record() tests a whole stat at once and names the field only when that test fails.
  it.each([
    ['stat.timeSeconds', { timeSeconds: Number.POSITIVE_INFINITY }, 'must be a finite number, got Infinity'],
    ['stat.averageConcurrentRequests', { averageConcurrentRequests: -0.5 }, 'must be ≥ 0, got -0.5'],
    ['stat.averageProxiedConcurrentRequests', { averageProxiedConcurrentRequests: Number.NaN }, 'must be a finite number, got NaN'],
    ['stat.requestCount', { requestCount: '3' as unknown as number }, 'must be a finite number, got 3'],
    ['stat.proxiedRequestCount', { proxiedRequestCount: Number.POSITIVE_INFINITY }, 'must be a finite number, got Infinity'],
  ])('names %s when that field of a stat is bad, and records nothing of it', (field, bad, message) => {
    const c = new MetricCollection({ stableWindowSeconds: 60, panicWindowSeconds: 6 });
    c.record({ timeSeconds: 10, averageConcurrentRequests: 4, averageProxiedConcurrentRequests: 1, requestCount: 8, proxiedRequestCount: 2 });
    const stat = { timeSeconds: 10, averageConcurrentRequests: 1, averageProxiedConcurrentRequests: 0, requestCount: 1, proxiedRequestCount: 0, ...bad };
    let err: unknown;
    try {
      c.record(stat);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).field).toBe(field);
    expect((err as InvalidArgumentError).message).toBe(`${field}: ${message}`);
    // Only the first stat is in the windows: 3 concurrent and 6 RPS over the one live second.
    expect(c.stableAndPanicConcurrency(10)).toStrictEqual({ stable: 3, panic: 3 });
    expect(c.stableAndPanicRPS(10)).toStrictEqual({ stable: 6, panic: 6 });
  });
});

describe('populationMeanSampleSize', () => {
  it.each([
    [0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 4], [10, 7], [15, 8], [100, 14], [1000, 16], [10000, 16],
  ])('N = %i scrapes %i pods', (n, want) => {
    expect(populationMeanSampleSize(n)).toBe(want);
  });
  it('rejects a negative population', () => {
    expect(() => populationMeanSampleSize(-1)).toThrow(InvalidArgumentError);
  });
});
