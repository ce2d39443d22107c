/**
 * A one-axis sweep of a single point: its panels show the interval as an error bar on a
 * category axis. On a numeric axis the band over one x had no width (the interval did not
 * show) and the axis's one tick read "30.000000".
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import type { ExploredPoint } from '../../src/sweep/tune.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';

type Panel = { layer: Array<{ mark: { type: string }; encoding: { x: { type: string; axis?: Record<string, unknown> } } }> };

function sweep(values: string[]): Panel[] {
  const axes: Axis[] = [{ path: 'configMaps.config-autoscaler.stable-window', values }];
  // p99 1,143 ms [995, 1,314] at every point.
  const stat = (k: MetricKey): MetricStat => (k === 'p99_ms' ? { mean: 1143, lo: 995, hi: 1314 } : { mean: 1, lo: 1, hi: 1 });
  const points: PointResult[] = values.map((v, i) => ({ point: i, values: [v], replications: 6, metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k)])) as Record<MetricKey, MetricStat> }));
  const chart = sweepCharts(axes, points).find((c) => c.id === 'lines')!;
  return (JSON.parse(JSON.stringify(chart.spec)) as { concat: Panel[] }).concat;
}

describe('the line panels of a one-axis sweep', () => {
  it('one point: the interval is an error bar over a category', () => {
    const p99 = sweep(['30s'])[2]!;
    expect(p99.layer.map((l) => [l.mark.type, l.encoding.x.type])).toEqual([['errorbar', 'ordinal'], ['point', 'ordinal']]);
  });

  it('two points: a band along a numeric axis, as before', () => {
    const p99 = sweep(['30s', '60s'])[2]!;
    expect(p99.layer.map((l) => [l.mark.type, l.encoding.x.type])).toEqual([['errorband', 'quantitative'], ['line', 'quantitative']]);
  });
});

describe('the x axis of a numeric setting', () => {
  it('of whole numbers ticks only whole numbers, at least a grid step apart (no stable-window 32.5 s between 30 s and 35 s)', () => {
    expect(sweep(['30s', '35s', '40s'])[2]!.layer[1]!.encoding.x.axis!['values']).toEqual([30, 35, 40]);
    expect(sweep(['1', '2', '4', '8'].map((v) => `${v}s`))[2]!.layer[1]!.encoding.x.axis!['values']).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('of the tuner\'s 10s..120s:10s ticks every 10 s (in a browser, labels every 5 s ran into each other: "115120")', () => {
    const axes: Axis[] = [{ path: 'configMaps.config-autoscaler.stable-window', values: Array.from({ length: 12 }, (_, i) => `${10 * (i + 1)}s`) }];
    const points = axes[0]!.values.map((v, i) => ({
      point: i,
      values: [v],
      replications: 3,
      status: 'feasible',
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, { mean: 5000 + i, lo: 4900 + i, hi: 5100 + i }])),
    })) as unknown as ExploredPoint[];
    const chart = tuneCharts({ axes, points, objective: 'pod_seconds', slo: undefined, totalPoints: 12 }).find((c) => c.id === 'tune-space')!;
    const layers = (JSON.parse(JSON.stringify(chart.spec)) as { layer: Array<{ encoding: { x: { axis?: unknown } } }> }).layer;
    for (const l of layers) expect((l.encoding.x.axis as { values: number[] }).values).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  });

  it('of fractions ticks at fractions', () => {
    expect(sweep(['500ms', '750ms'])[2]!.layer[1]!.encoding.x.axis).toEqual({ values: [0.5, 0.75], format: ',.2~f' });
  });
});
