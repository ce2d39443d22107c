/**
 * Confidence intervals that respect a metric's bounds: Wilson (effective n) for rates, a
 * seeded bootstrap for skewed non-negative metrics, per the metric registry.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { METRICS, METRIC_KEYS, type MetricKey, type MetricValues } from '../../src/output/metrics.js';
import { bootstrapCI, boundedCI, expandedTail, normalCdf, pairedDifference, proportionCI, selectKth, wilsonInterval } from '../../src/sweep/stats.js';
import { pointStats, roundMetrics } from '../../src/sweep/sweep.js';

describe('the metric registry names each metric’s kind and bounds', () => {
  it.each([
    ['p50_ms', 'nonNegative', [0, Infinity]],
    ['p95_ms', 'nonNegative', [0, Infinity]],
    ['p99_ms', 'nonNegative', [0, Infinity]],
    ['rate_503', 'proportion', [0, 1]],
    ['rate_504', 'proportion', [0, 1]],
    ['error_rate', 'proportion', [0, 1]],
    ['cold_start_fraction', 'proportion', [0, 1]],
    ['pod_seconds', 'nonNegative', [0, Infinity]],
    ['max_pods', 'nonNegative', [0, Infinity]],
  ] as const)('%s is %s within %j', (k, kind, bounds) => {
    expect(METRICS[k].kind).toBe(kind);
    expect(METRICS[k].bounds).toEqual(bounds);
  });

  it('every title carries a unit', () => {
    for (const k of METRIC_KEYS) expect(METRICS[k].title, k).toMatch(/\((ms|s|h|%|count|\$)\)$/);
    expect(METRICS.max_pods.integer).toBe(true);
  });
});

describe('interval building blocks', () => {
  it('Wilson score interval matches the textbook values', () => {
    // 50 of 100 with z = 1.96: [0.4038, 0.5962]; 0 of 20: [0, 0.1611]; 1 of 10: [0.0179, 0.4042].
    const a = wilsonInterval(0.5, 100, 1.96);
    expect(a.lo).toBeCloseTo(0.4038, 4);
    expect(a.hi).toBeCloseTo(0.5962, 4);
    const b = wilsonInterval(0, 20, 1.96);
    expect(b.lo).toBe(0);
    expect(b.hi).toBeCloseTo(0.1611, 4);
    const c = wilsonInterval(0.1, 10, 1.96);
    expect(c.lo).toBeCloseTo(0.0179, 4);
    expect(c.hi).toBeCloseTo(0.4042, 4);
  });

  it('the normal CDF and the expanded bootstrap tail', () => {
    for (const [x, p] of [[0, 0.5], [-1.959964, 0.025], [1.959964, 0.975], [-3, 0.0013499], [-5, 2.8665e-7]] as const) {
      expect(Math.abs(normalCdf(x) - p) / p, `Φ(${x})`).toBeLessThan(2e-6 / p + 1e-4);
    }
    // Hesterberg's expanded percentiles: the tail shrinks for few replications and tends to 2.5 %.
    expect(expandedTail(3)).toBeLessThan(1e-6);
    expect(expandedTail(10)).toBeCloseTo(0.0086, 3);
    expect(expandedTail(1000)).toBeCloseTo(0.025, 3);
  });

  it('a rate near ½ gets about the t interval; near 0 an asymmetric one that stays ≥ 0', () => {
    const mid = proportionCI([0.48, 0.5, 0.52, 0.49, 0.51]);
    // t interval: 0.5 ± 2.776 × 0.0158 / √5 = ±0.0196.
    expect(mid.lo).toBeCloseTo(0.5 - 0.0196, 3);
    expect(mid.hi).toBeCloseTo(0.5 + 0.0196, 3);
    const low = proportionCI([0, 0, 0, 0.002, 0.0001]);
    expect(low.lo).toBeGreaterThanOrEqual(0);
    expect(low.hi - low.mean).toBeGreaterThan(low.mean - low.lo);
    const none = proportionCI([0, 0, 0]);
    expect([none.lo, none.mean, none.hi]).toEqual([0, 0, 0]);
  });

  it('the issue’s replications: no interval below 0 or above the largest run (max-scale 50)', () => {
    // max pods 1, 2, 20 and 50, 50, 30 gave t intervals [−2.4, 9.07]-like and up to 59.
    for (const runs of [[1, 2, 20], [50, 50, 30], [0, 0, 12, 3, 1]]) {
      const ci = boundedCI('nonNegative', runs, '42', METRICS.max_pods.bounds);
      expect(ci.lo, String(runs)).toBeGreaterThanOrEqual(Math.min(...runs));
      expect(ci.hi, String(runs)).toBeLessThanOrEqual(Math.max(...runs));
      expect(ci.lo).toBeLessThanOrEqual(ci.mean);
      expect(ci.hi).toBeGreaterThanOrEqual(ci.mean);
    }
    const p99 = bootstrapCI([120, 3000, 140, 135, 150], '7');
    expect(p99.lo).toBeGreaterThan(0);
    expect(p99.hi).toBeLessThanOrEqual(3000);
  });

  it('selectKth finds the order statistics a sort would (ties, runs and all)', () => {
    const rng = seedrandom.alea('select');
    for (let t = 0; t < 300; t++) {
      const len = 1 + Math.floor(rng() * 60);
      const distinct = 1 + Math.floor(rng() * 8); // few distinct values: many ties
      const a = Float64Array.from({ length: len }, () => Math.floor(rng() * distinct) * 1.5);
      const sorted = [...a].sort((x, y) => x - y);
      const k1 = Math.floor(rng() * len);
      const k2 = k1 + Math.floor(rng() * (len - k1));
      expect(selectKth(a, k1, 0, len - 1), `t ${t}`).toBe(sorted[k1]);
      expect(selectKth(a, k2, k1, len - 1), `t ${t}`).toBe(sorted[k2]);
    }
  });

  it('the bootstrap is a function of the seed, never of Math.random', () => {
    const v = [3, 9, 1, 27, 4, 8, 15, 2];
    const a = bootstrapCI(v, '42');
    const real = Math.random;
    Math.random = () => {
      throw new Error('Math.random was called');
    };
    try {
      expect(bootstrapCI(v, '42')).toEqual(a);
      expect(bootstrapCI([...v], '43')).not.toEqual(a); // another sweep seed, other resamples
    } finally {
      Math.random = real;
    }
  });
});

/** Random replications of every metric, as a sweep's runs could give them. */
function randomRuns(rng: () => number, n: number, maxScale: number): MetricValues[] {
  const lognormal = (median: number, sigma: number): number => {
    const u = Math.max(1e-12, rng());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    return median * Math.exp(sigma * z);
  };
  const shape = rng(); // some sets all zero, some constant, most spread
  const rate = (): number => (shape < 0.15 ? 0 : shape < 0.3 ? 0.25 : rng() < 0.3 ? 0 : Math.min(1, lognormal(0.001, 2)));
  const runs: MetricValues[] = [];
  for (let r = 0; r < n; r++) {
    const p50 = lognormal(100, 0.3);
    const p95 = p50 * (1 + lognormal(1, 1));
    const p99 = p95 * (1 + lognormal(1, 1.5));
    runs.push(
      roundMetrics({
        p50_ms: p50,
        p95_ms: p95,
        p99_ms: p99,
        rate_503: rate(),
        rate_504: rate(),
        error_rate: rate(),
        unanswered_rate: rate(),
        cold_start_fraction: rate(),
        pod_seconds: shape < 0.3 ? 600 : rng() < 0.2 ? 0 : lognormal(1000, 1.5),
        max_pods: shape < 0.3 ? Math.min(maxScale, 3) : Math.min(maxScale, Math.floor(lognormal(5, 1.2))),
        pod_hours: shape < 0.3 ? 0.5 : lognormal(0.3, 1.5),
        ready_pod_hours: shape < 0.3 ? 0.4 : lognormal(0.2, 1.5),
        node_cost_usd: shape < 0.3 ? 0.2 : lognormal(0.5, 1),
        peak_nodes: shape < 0.3 ? 2 : Math.floor(lognormal(3, 0.8)),
        max_pending_s: shape < 0.3 ? 0 : lognormal(60, 1.5),
        first_byte_p99_ms: shape < 0.3 ? 800 : p99 * Math.min(1, lognormal(0.2, 1)),
        sessions_closed_rate: rate(),
      }),
    );
  }
  return runs;
}

describe('property: intervals lie within the metric’s bounds and contain the point estimate', () => {
  it('1,000 random replication sets of 2–40 runs, every metric', () => {
    const rng = seedrandom.alea('intervals-property');
    let checked = 0;
    for (let set = 0; set < 1000; set++) {
      const n = 2 + Math.floor(rng() * 39);
      const maxScale = 1 + Math.floor(rng() * 60);
      const runs = randomRuns(rng, n, maxScale);
      const stats = pointStats(runs, set);
      for (const k of METRIC_KEYS as MetricKey[]) {
        const { mean, lo, hi } = stats[k];
        const [min, max] = METRICS[k].bounds;
        const values = runs.map((r) => r[k]);
        const where = `set ${set} ${k} n=${n} ${JSON.stringify(values)}`;
        expect(lo, where).not.toBeNull();
        expect(lo!, where).toBeGreaterThanOrEqual(min);
        expect(hi!, where).toBeLessThanOrEqual(max);
        expect(lo!, where).toBeLessThanOrEqual(mean);
        expect(hi!, where).toBeGreaterThanOrEqual(mean);
        if (METRICS[k].kind === 'nonNegative') {
          // The bootstrap stays within the runs: max pods never above max-scale.
          expect(lo!, where).toBeGreaterThanOrEqual(Math.min(...values));
          expect(hi!, where).toBeLessThanOrEqual(Math.max(...values));
        }
        if (k === 'max_pods') expect(hi!, where).toBeLessThanOrEqual(maxScale);
        checked++;
      }
    }
    expect(checked).toBe(1000 * METRIC_KEYS.length);
  });

  it('one replication has no interval', () => {
    const stats = pointStats(randomRuns(seedrandom.alea('one'), 1, 10), 1);
    for (const k of METRIC_KEYS) expect([stats[k].lo, stats[k].hi]).toEqual([null, null]);
  });
});

describe('a paired difference the same in every seed', () => {
  it('excludes 0 only from 6 seeds on: its t interval [d, d] has no spread to go by', () => {
    // Max pods 3 against 2 in each of 3 seeds: t gives [1, 1], which all 3 seeds show by chance 25 % of the time.
    const three = pairedDifference([3, 3, 3], [2, 2, 2]);
    expect([three.lo, three.hi, three.sameInEverySeed, three.above, three.below]).toEqual([1, 1, true, false, false]);
    expect(pairedDifference([2, 2, 2, 2, 2], [3, 3, 3, 3, 3])).toMatchObject({ lo: -1, hi: -1, above: false, below: false });
    expect(pairedDifference([3, 3, 3, 3, 3, 3], [2, 2, 2, 2, 2, 2])).toMatchObject({ lo: 1, hi: 1, above: true, below: false });
    // Float noise in a − b (2.3 − 2.2 is not 1.3 − 1.2) does not hide it.
    expect(pairedDifference([1.3, 2.3, 3.3], [1.2, 2.2, 3.2])).toMatchObject({ sameInEverySeed: true, above: false });
    // A difference that varies is Student's t's as before: 2, 4, 3 excludes 0 over 3 seeds.
    const varied = pairedDifference([4, 7, 5], [2, 3, 2]);
    expect(varied.lo).toBeCloseTo(3 - (4.302653 * 1) / Math.sqrt(3), 5);
    expect([varied.sameInEverySeed, varied.above]).toEqual([false, true]);
  });
});
