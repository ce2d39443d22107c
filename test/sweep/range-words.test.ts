/**
 * With 2–4 replications a bootstrapped metric's interval is the range of the replications, so
 * the sweep's and the tuner's charts must not call it a 95 % interval (they did: '95 % low',
 * 'its 95 % confidence interval', 'whiskers: 95 % interval'), while rates keep their 95 % Wilson
 * interval and 5 or more replications keep every word they had.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import type { ExploredPoint } from '../../src/sweep/tune.js';

const one: Axis[] = [{ path: 'services[0].manifest.spec.template.spec.containerConcurrency', values: ['4', '8', '16'] }];
const two: Axis[] = [...one, { path: 'configMaps.config-autoscaler.stable-window', values: ['30s', '60s'] }];

const points = (axes: readonly Axis[], replications: number): PointResult[] =>
  Array.from({ length: axes.reduce((n, a) => n * a.values.length, 1) }, (_, i) => ({
    point: i,
    values: axes.length === 1 ? [axes[0]!.values[i]!] : [axes[0]!.values[Math.floor(i / 2)]!, axes[1]!.values[i % 2]!],
    replications,
    metrics: Object.fromEntries(METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, { mean: 100 + i, lo: 90 + i, hi: 110 + i }])) as Record<MetricKey, MetricStat>,
  }));

type Tip = { field: string; title?: string };
/** Every tooltip title of a spec, by field. */
function tips(spec: unknown): Map<string, string> {
  const out = new Map<string, string>();
  JSON.stringify(spec, (key, v) => {
    if (key === 'tooltip' && Array.isArray(v)) for (const t of v as Tip[]) if (t.title !== undefined) out.set(`${t.field}:${t.title}`, t.title);
    return v;
  });
  return out;
}

describe('sweep charts name the interval they draw', () => {
  it('3 replications: the line panels, tooltips and subtitle say the range for latencies, pods and pod-seconds, 95 % only for rates', () => {
    const lines = sweepCharts(one, points(one, 3)).find((c) => c.id === 'lines')!;
    expect(lines.explanation).toContain('the mean over replications (line and dots) and an interval (band: the 95 % Wilson score interval for rates, which stays within 0–100 %; for latencies, pods and pod-seconds the range of the 3 replications, which covers the mean less often than 95 %).');
    expect(lines.explanation).not.toContain('its 95 % confidence interval');
    expect((lines.spec as unknown as { title: { subtitle: string } }).title.subtitle).toBe('Mean over replications with its interval: Wilson 95 % for rates; for latencies, pods and pod-seconds the range of the 3 replications (not 95 %).');
    const t = [...tips(lines.spec).values()];
    expect(t).toContain('lowest replication');
    expect(t).toContain('95 % low'); // the error rate's Wilson interval
  });

  it('3 replications: the heatmap of p99 hovers for the range, its error-rate map for the 95 % interval', () => {
    const maps = sweepCharts(two, points(two, 3)).filter((c) => c.id.startsWith('heatmap'));
    expect(maps.find((c) => c.id === 'heatmap-p99-ms')!.explanation).toContain('(hover for the range of the 3 replications).');
    expect(maps.find((c) => c.id === 'heatmap-error-rate')!.explanation).toContain('(hover for the 95 % interval).');
  });

  it('5 replications: the words are the 95 % ones', () => {
    const lines = sweepCharts(one, points(one, 5)).find((c) => c.id === 'lines')!;
    expect(lines.explanation).toContain('and its 95 % confidence interval (band: Wilson score interval for rates');
    expect((lines.spec as unknown as { title: { subtitle: string } }).title.subtitle).toBe('Mean over replications with its 95 % interval: Wilson for rates, bootstrap for latencies, pods and pod-seconds.');
    expect([...tips(lines.spec).values()]).not.toContain('lowest replication');
  });
});

describe('tune charts name the interval of each point', () => {
  const explored = (replications: number): ExploredPoint[] => points(one, replications).map((p, i) => ({ ...p, status: i === 0 ? 'winner' : 'feasible' })) as ExploredPoint[];
  const input = (replications: number) => ({ axes: one, points: explored(replications), objective: 'pod_seconds' as const, slo: { metric: 'p95_ms' as const, threshold: 420, text: 'p95<=420ms' }, totalPoints: 3 });

  it('3 replications: the whiskers and the hover say which points have the range', () => {
    const charts = tuneCharts(input(3));
    const ex = charts.find((c) => c.id === 'tune-explored')!;
    expect(ex.explanation).toContain('(whiskers: the 95 % interval, or for a point of fewer than 5 replications the range of its replications)');
    expect([...tips(ex.spec).values()]).toEqual(expect.arrayContaining(['p95 latency (ms), upper end of interval', 'p95 latency (ms), interval']));
    expect(JSON.stringify(ex.spec)).toContain('"sloInterval":"the range of the 3 replications"');
    expect(charts.find((c) => c.id === 'tune-space')!.explanation).toContain('(whiskers: the 95 % interval, or for a point of fewer than 5 replications the range of its replications)');
  });

  it('5 replications: whiskers are the 95 % interval', () => {
    const ex = tuneCharts(input(5)).find((c) => c.id === 'tune-explored')!;
    expect(ex.explanation).toContain('(whiskers: 95 % interval)');
    expect(JSON.stringify(ex.spec)).toContain('"sloInterval":"95 %"');
  });
});
