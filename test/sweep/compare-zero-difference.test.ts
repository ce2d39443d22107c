/**
 * A difference of 0 in the compare verdict table: `same` when every paired seed gave 0, the mean
 * with its interval when the seeds cancel out, and never a float's noise (1e-17) printed as a
 * difference, nor "±0 pp (+0%)", which claims a zero without saying what kind.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/output/metrics.js';
import { compareResults, verdictTable } from '../../src/sweep/compare.js';
import { formatCompareCsv } from '../../src/sweep/compare-files.js';

/** Every metric 0 (node metrics NaN: no node pools), then `over`. */
const run = (over: Record<string, number>): Record<string, number> => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, first_byte_p99_ms: Number.NaN, sessions_closed_rate: Number.NaN, ...over });
const def = { classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'hpa', className: 'hpa.autoscaling.knative.dev' }], replications: 3, baseSeed: 1 };
const results = (a: Record<string, number>[], b: Record<string, number>[]) => compareResults(def as never, [a, b] as never);
/** The hpa cell of one row of the table. */
const cell = (table: string, label: string): string => {
  const line = table.split('\n').find((l) => l.startsWith(`${label} `))!;
  expect(line, label).toBeDefined();
  return line.split(/ {3,}/).at(-1)!;
};

describe('a zero difference in the verdict table', () => {
  it('reads "same: no change in any seed" when every paired seed gave the same value, not "±0 (+0%) same"', () => {
    const a = [0, 1, 2].map((i) => run({ p50_ms: 100 + i, p95_ms: 200, p99_ms: 300, rate_503: 0.01 }));
    const b = [0, 1, 2].map((i) => run({ p50_ms: 100 + i, p95_ms: 200, p99_ms: 300, rate_503: 0.01 }));
    const table = verdictTable(def as never, results(a, b));
    expect(cell(table, 'p50 latency (ms)')).toBe('101 [100, 102]  same: no change in any seed');
    expect(cell(table, '503 rate (%)')).toMatch(/^1% \[[^\]]+\]  same: no change in any seed$/);
    expect(table).not.toMatch(/±0|\(\+0%\)/);
  });

  it('gives the interval of a mean difference of 0 whose seeds differ (+20, 0, −20 ms), which is no evidence of no change', () => {
    const a = [0, 1, 2].map(() => run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, cold_start_fraction: 0.02 }));
    const b = [20, 0, -20].map((d) => run({ p50_ms: 100 + d, p95_ms: 200, p99_ms: 300, cold_start_fraction: 0.02 + d / 1000 }));
    const table = verdictTable(def as never, results(a, b));
    // sd 20, t(2) 4.303: ± 4.303 × 20 / √3 = ± 49.7 ms; of the rate, ± 4.97 percentage points.
    expect(cell(table, 'p50 latency (ms)')).toMatch(/ {2}mean 0 \[−49\.7, \+49\.7\] unclear$/);
    expect(cell(table, 'cold-start fraction (%)')).toMatch(/ {2}mean 0 \[−4\.97, \+4\.97\] pp unclear$/);
    expect(table).not.toMatch(/±0|\(\+0%\)/);
  });

  it('reads "no change" for one replication whose two classes gave the same value (no interval, no verdict)', () => {
    const one = { ...def, replications: 1 };
    const a = [run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, rate_503: 0.01 })];
    const b = [run({ p50_ms: 100, p95_ms: 250, p99_ms: 300, rate_503: 0.01 })];
    const table = verdictTable(one as never, compareResults(one as never, [a, b] as never));
    expect(cell(table, 'p50 latency (ms)')).toBe('100  no change');
    expect(cell(table, '503 rate (%)')).toBe('1%  no change');
    expect(cell(table, 'p95 latency (ms)')).toBe('250  +50 (+25%)');
  });

  it('takes a float\'s leftover of seeds that cancel (0.001 − 0.002, 0.002 − 0.021, 0.021 − 0.001) as the 0 it is, in the table and in compare.csv', () => {
    const a = [0.001, 0.002, 0.021].map((r) => run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, rate_503: r, pod_seconds: r * 1000 }));
    const b = [0.002, 0.021, 0.001].map((r) => run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, rate_503: r, pod_seconds: r * 1000 }));
    const res = results(a, b);
    // In floating point these differences sum to −3.5e-18, not 0.
    expect(0.001 - 0.002 + (0.002 - 0.021) + (0.021 - 0.001)).not.toBe(0);
    expect(res[1]!.metrics.rate_503.diff!.mean).toBe(0);
    expect(res[1]!.metrics.pod_seconds.diff!.mean).toBe(0);
    const table = verdictTable(def as never, res);
    // sd of −0.1, −1.9, +2 percentage points 1.95; ± 4.303 × 1.95 / √3 = ± 4.85.
    expect(cell(table, '503 rate (%)')).toMatch(/ {2}mean 0 \[−4\.85, \+4\.85\] pp unclear$/);
    expect(table).not.toMatch(/e-\d/);
    const csv = parse(formatCompareCsv(res), { columns: true }) as Array<Record<string, string>>;
    expect(csv.find((r) => r['class'] === 'hpa' && r['metric'] === 'rate_503')!['diff_mean']).toBe('0');
  });
});
