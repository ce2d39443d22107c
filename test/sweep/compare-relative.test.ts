/** The compare verdict table's relative difference: a small real difference is not printed "(−0%)". */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS } from '../../src/output/metrics.js';
import { compareResults, verdictTable } from '../../src/sweep/compare.js';

/** Every metric 0 (node metrics NaN: no node pools), then `over`. */
const run = (over: Record<string, number>): Record<string, number> => ({ ...Object.fromEntries(METRIC_KEYS.map((k) => [k, 0])), node_cost_usd: Number.NaN, peak_nodes: Number.NaN, max_pending_s: Number.NaN, ...over });
const def = { classes: [{ label: 'kpa', className: 'kpa.autoscaling.knative.dev' }, { label: 'hpa', className: 'hpa.autoscaling.knative.dev' }], replications: 3, baseSeed: 1 };
/** The verdict table of kpa's replications `a` against hpa's `b`. */
const tableOf = (a: Record<string, number>[], b: Record<string, number>[]): string => verdictTable(def as never, compareResults(def as never, [a, b] as never));

describe('the relative difference in the verdict table', () => {
  it('reads −0.046 % for 2002 against 2001.08 ms, and whole percents from 1 %', () => {
    // p50: 2002 vs 2001.08 ms in every replication (−0.046 %); pod-seconds 772 vs 60 (−92 %).
    const a = [0, 1, 2].map(() => run({ p50_ms: 2002, p95_ms: 2002, p99_ms: 2002, pod_seconds: 772, max_pods: 15 }));
    const b = [0, 1, 2].map(() => run({ p50_ms: 2001.08, p95_ms: 2002, p99_ms: 2002, pod_seconds: 60, max_pods: 1 }));
    const table = tableOf(a, b);
    expect(table).toMatch(/\np50 latency \(ms\) .* −0\.92 \(−0\.046%\) better in all 3 paired seeds\n/);
    expect(table).toMatch(/\np95 latency \(ms\) .* same: no change in any seed\n/);
    expect(table).toMatch(/\npod-seconds .* −712 \(−92%\) better in all 3 paired seeds\n/);
  });

  it('reads −99.6 % for 0.573 against 0.00224, not −100 %, which would say it fell to zero', () => {
    // ready pod-hours 0.573 against 0.00224 (−99.61 %); pod-hours 0.5 against 0 (−100 %); p50 1000 against 0.05 ms (−99.995 %).
    const a = [0, 1, 2].map(() => run({ p50_ms: 1000, p95_ms: 2000, p99_ms: 3000, ready_pod_hours: 0.573, pod_hours: 0.5 }));
    const b = [0, 1, 2].map(() => run({ p50_ms: 0.05, p95_ms: 2000, p99_ms: 3000, ready_pod_hours: 0.00224, pod_hours: 0 }));
    const table = tableOf(a, b);
    expect(table).toMatch(/\nready pod-hours .* \(−99\.6%\) better in all 3 paired seeds\n/);
    expect(table).toMatch(/\npod-hours .* \(−100%\) better in all 3 paired seeds\n/);
    expect(table).toMatch(/\np50 latency \(ms\) .* \(−99\.995%\) better in all 3 paired seeds\n/);
  });

  it('gives a difference of rates in percentage points, then the relative change', () => {
    // Cold-start fraction 0.2 % against 0.15 %: 0.05 percentage points less, 25 % less.
    const a = [0, 1, 2].map(() => run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, cold_start_fraction: 0.002 }));
    const b = [0, 1, 2].map(() => run({ p50_ms: 100, p95_ms: 200, p99_ms: 300, cold_start_fraction: 0.0015 }));
    const table = tableOf(a, b);
    expect(table).toMatch(/\ncold-start fraction \(%\) +0\.2% \[[^\]]*\] +0\.15% \[[^\]]*\] +−0\.05 pp \(−25%\) better in all 3 paired seeds\n/);
    expect(table).toContain('pp: percentage points');
  });
});

describe('rates in the verdict table', () => {
  it('99.987 % of requests refused reads 99.99 %, not 100 % (which would say every one was), in the value and the difference', () => {
    const a = [0, 1, 2].map(() => run({ p50_ms: 1001, p95_ms: 1001, p99_ms: 1001 }));
    const b = [0, 1, 2].map(() => run({ p50_ms: 11001, p95_ms: 11001, p99_ms: 11001, rate_503: 0.99987, error_rate: 0.99987 }));
    const table = tableOf(a, b);
    expect(table).toMatch(/\n503 rate \(%\) +0% \[0%, 0%\] +99\.99% \[99\.99%, 99\.99%\] +\+99\.99 pp worse in all 3 paired seeds\n/);
    expect(table).not.toContain('100%');
  });
});
