/**
 * Rates were rounded to 6 decimals for the files: 1 error in 3 million requests became 0, so
 * sweep.csv, runs.csv and compare's table said "no errors" of a run that had one, and 2 in
 * 3 million became 0.000001 (1 in a million).
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/output/metrics.js';
import { compareResults, verdictTable } from '../../src/sweep/compare.js';
import { round6 } from '../../src/sweep/stats.js';
import { pointStats, roundMetrics } from '../../src/sweep/sweep.js';

/** Every metric 0 (node metrics NaN: no node pools), then `over`. */
const run = (over: Record<string, number>): Record<string, number> => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over });

describe('rates smaller than 6 decimals', () => {
  it('1 error in 3,000,000 requests is 3.33333e-7 in the files, not 0', () => {
    expect(roundMetrics(run({ error_rate: 1 / 3_000_000, rate_503: 1 / 3_000_000 }) as never).error_rate).toBe(3.33333e-7);
    expect(round6(1 / 3_000_000)).toBe(3.33333e-7);
    expect(String(round6(1 / 3_000_000))).toBe('3.33333e-7');
    // 2 in 3 million is not 1 in a million; from 0.001 on, 6 decimals as before.
    expect(round6(2 / 3_000_000)).toBe(6.66667e-7);
    expect(round6(0.00073908549)).toBe(0.000739085);
    expect(round6(0.0015822)).toBe(0.001582);
  });

  it('a point whose replications had 1, 2 and 1 errors in 3,000,000 requests has a mean error rate of 4.44444e-7', () => {
    const runs = [1, 2, 1].map((e) => roundMetrics(run({ error_rate: e / 3_000_000 }) as never));
    const s = pointStats(runs, 42);
    expect(s.error_rate.mean).toBe(4.44444e-7);
    expect(s.error_rate.lo!).toBeGreaterThan(0);
    expect(s.error_rate.hi!).toBeGreaterThan(s.error_rate.mean);
  });

  it('compare prints those errors, 0.0000444 %, and the difference from a class without any', () => {
    const def = { classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'hpa', className: 'hpa.autoscaling.knative.dev' }], replications: 3, baseSeed: 1 };
    const kpa = [1, 2, 1].map((e) => roundMetrics(run({ error_rate: e / 3_000_000 }) as never));
    const hpa = [0, 0, 0].map(() => roundMetrics(run({}) as never));
    const table = verdictTable(def as never, compareResults(def as never, [kpa, hpa] as never));
    expect(table).toMatch(/\nerror rate, non-200 \(%\) +0\.0000444% \[[^\]]+\] +0% \[0%, 0%\]  −0\.0000444 pp \(−100%\) unclear\n/);
  });
});
