/** The sweep and tune points table: a point without a latency (no 200s) says so once, not "– [–, –]". */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import { sweepCharts } from '../../src/sweep/report/charts.js';
import { pointsTable, withCI } from '../../src/sweep/report/report.js';
import type { MetricStat } from '../../src/sweep/sweep.js';

describe('a table cell of mean [95 % interval]', () => {
  it('is "– (no 200s)" for a latency no run had, "–" for another metric without a value', () => {
    expect(withCI('p99_ms', { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN })).toBe('– (no 200s)');
    expect(withCI('node_cost_usd', { mean: Number.NaN, lo: null, hi: null })).toBe('–');
  });

  it('keeps mean [lo, hi] otherwise', () => {
    expect(withCI('p99_ms', { mean: 5939.917, lo: 5246.537, hi: 6599.675 })).toBe('5939.92 [5246.54, 6599.68]');
    expect(withCI('error_rate', { mean: 0.0556, lo: 0.0046, hi: 0.428 })).toBe('5.56% [0.46%, 42.8%]');
  });
});

describe('the points table and line panels of a sweep where requests went unanswered', () => {
  // Point 0 answered none of its requests by the end (error rate 0 % of none answered); point 1 all.
  const axes = [{ path: 'services[0].app.serviceTime', values: ['10m', '1s'] }];
  const stat = (mean: number) => ({ mean, lo: mean, hi: mean });
  const point = (i: number, unanswered: number, p99: number) => ({
    point: i,
    values: [axes[0]!.values[i]!],
    replications: 3,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k === 'unanswered_rate' ? unanswered : k === 'p99_ms' ? p99 : 0)])) as Record<MetricKey, MetricStat>,
  });

  it('show the unanswered share beside the error rate, which is of the answered requests only', () => {
    const pts = [point(0, 1, Number.NaN), point(1, 0, 1001)];
    const html = pointsTable({ axes }, pts);
    expect(html).toContain('<th>error rate, non-200 (%)</th><th>unanswered at the end (%)</th>');
    expect(html).toMatch(/<td>0% \[0%, 0%\]<\/td><td>100% \[100%, 100%\]<\/td>/);
    const titles = (sweepCharts(axes, pts)[0]!.spec as unknown as { concat: Array<{ title: { text: string } }> }).concat.map((c) => c.title.text);
    expect(titles).toContain('unanswered at the end');
  });

  it('leave it out when under 1 % went unanswered (a run under load to its end leaves a few per mille)', () => {
    const pts = [point(0, 0.0009, 900), point(1, 0, 1001)];
    expect(pointsTable({ axes }, pts)).not.toContain('unanswered');
    const titles = (sweepCharts(axes, pts)[0]!.spec as unknown as { concat: Array<{ title: { text: string } }> }).concat.map((c) => c.title.text);
    expect(titles).not.toContain('unanswered at the end');
  });
});

describe('a line panel whose points that have the metric all agree', () => {
  it('gets the 0..v domain even when another point has no value (its tick read 101.055000)', () => {
    const axes = [{ path: 'services[0].app.serviceTime', values: ['10m', '100ms'] }];
    const stat = (mean: number) => ({ mean, lo: mean, hi: mean });
    const pts = [0, 1].map((i) => ({
      point: i,
      values: [axes[0]!.values[i]!],
      replications: 3,
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k === 'p50_ms' ? (i === 0 ? Number.NaN : 101.055) : 0)])) as Record<MetricKey, MetricStat>,
    }));
    const p50 = (sweepCharts(axes, pts)[0]!.spec as unknown as { concat: Array<{ layer: Array<{ encoding: { y: { scale: unknown } } }> }> }).concat[0]!;
    expect(p50.layer.at(-1)!.encoding.y.scale).toEqual({ domain: [0, 101.055], padding: 12 });
  });
});
