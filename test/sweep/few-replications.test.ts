/**
 * With 2–4 replications the bootstrap interval of a non-negative metric is the range of the
 * replications: it covers the mean far less often than 95 %, so compare and tune must say so
 * instead of calling it a 95 % interval or a 95 % upper bound.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/output/metrics.js';
import { compareResults, verdictTable } from '../../src/sweep/compare.js';
import { bootstrapCI, RANGE_INTERVAL_BELOW, rangeCoverage } from '../../src/sweep/stats.js';
import { fewReplicationsCaveat, parseSlo } from '../../src/sweep/tune.js';
import { intervalCell, metricColumns } from '../../src/sweep/files.js';

/** Every metric 0 (node metrics NaN: no node pools), then `over`. */
const run = (over: Record<string, number>): Record<string, number> => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over });

// knsim compare examples/autoscalers/linear-ramp.yaml --class kpa --class predictive.example.com --replications 3 --duration 60s: p95 and max pods.
const kpa = [run({ p95_ms: 4108.287, max_pods: 34 }), run({ p95_ms: 2306.047, max_pods: 25 }), run({ p95_ms: 4595.711, max_pods: 41 })];
const predictive = [run({ p95_ms: 873.471, max_pods: 23 }), run({ p95_ms: 642.559, max_pods: 27 }), run({ p95_ms: 2498.559, max_pods: 46 })];

describe('2–4 replications: the interval is the range, and the outputs say so', () => {
  it('the bootstrap of the 3 kpa p95s is exactly their range, 2306.047 to 4595.711 ms', () => {
    const ci = bootstrapCI(kpa.map((r) => r.p95_ms!), '7');
    expect([ci.lo, ci.hi]).toEqual([2306.047, 4595.711]);
    expect(RANGE_INTERVAL_BELOW).toBe(5);
  });

  it('the range of 3 normal values covers the mean about 75 % of the time, not 95 %', () => {
    const rng = seedrandom.alea('range-coverage');
    const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(1e-12, rng()))) * Math.cos(2 * Math.PI * rng());
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const ci = bootstrapCI([100 + 10 * normal(), 100 + 10 * normal(), 100 + 10 * normal()], '7');
      if (ci.lo <= 100 && 100 <= ci.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.72);
    expect(covered / trials).toBeLessThan(0.78);
    expect(rangeCoverage(3)).toEqual({ twoSided: 0.75, upper: 0.875 });
    expect(rangeCoverage(2)).toEqual({ twoSided: 0.5, upper: 0.75 });
    expect(rangeCoverage(5)).toBeUndefined();
    expect(rangeCoverage(1)).toBeUndefined();
  });

  it('compare with 3 replications says the classes’ intervals cover about 75 %; with 5 it does not', () => {
    const def3 = { classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'predictive', className: 'predictive.example.com' }], replications: 3, baseSeed: 7 };
    const table = verdictTable(def3 as never, compareResults(def3 as never, [kpa, predictive] as never));
    expect(table).toMatch(/\np95 latency \(ms\) +3670 \[2306, 4596\] +1338 \[643, 2499\]  −2332 \(−64%\) better\n/);
    expect(table).toContain('\nwith 3 replications the interval of every metric but the rates is the range of the replications, which covers the mean about 75 % of the time');
    const def5 = { ...def3, replications: 5 };
    const five = [...kpa, kpa[0]!, kpa[1]!];
    const table5 = verdictTable(def5 as never, compareResults(def5 as never, [five, [...predictive, predictive[0]!, predictive[1]!]] as never));
    expect(table5).not.toContain('range of the replications');
  });

  it('tune with 3 replications says a p95 SLO’s upper bound is the largest run (88 %), a rate’s Wilson bound needs no such note', () => {
    const p95 = parseSlo('p95<=1500ms');
    const errors = parseSlo('errorRate<=1%');
    expect(fewReplicationsCaveat([p95, errors], 3)).toBe(
      'with 3 replications the upper bound of p95 latency (ms) is the largest replication, which is above the mean about 88 % of the time for a symmetric metric and less for a skewed one, not 95 % (use --replications 5 or more)',
    );
    expect(fewReplicationsCaveat([p95], 2)).toContain('about 75 % of the time');
    expect(fewReplicationsCaveat([p95], 5)).toBeUndefined();
    expect(fewReplicationsCaveat([errors], 3)).toBeUndefined();
  });

  it('sweep.csv and tune.csv name lo and hi neutrally and say in a column which interval they are', () => {
    expect(metricColumns().slice(0, 3)).toEqual(['p50_ms_mean', 'p50_ms_lo', 'p50_ms_hi']);
    expect(metricColumns().some((c) => c.includes('ci95'))).toBe(false);
    expect([1, 2, 3, 4, 5, 10].map(intervalCell)).toEqual(['', 'range (rates: 95 %)', 'range (rates: 95 %)', 'range (rates: 95 %)', '95 %', '95 %']);
  });
});
