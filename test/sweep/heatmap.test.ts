/** Sweep heatmaps: equal cells are not painted as if they differed. */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';

const axes: Axis[] = [
  { path: 'services[0].manifest.spec.template.spec.containerConcurrency', values: ['1', '5'] },
  { path: 'configMaps.config-autoscaler.stable-window', values: ['10s', '60s'] },
];

/** Four points; `of(k, point)` gives each metric's mean. */
function points(of: (k: MetricKey, p: number) => number): PointResult[] {
  return [0, 1, 2, 3].map((p) => ({
    point: p,
    values: [axes[0]!.values[p % 2]!, axes[1]!.values[Math.floor(p / 2)]!],
    replications: 3,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, { mean: of(k, p), lo: of(k, p), hi: of(k, p) } satisfies MetricStat])) as Record<MetricKey, MetricStat>,
  }));
}

/** The heatmap's rect layer colour encoding and its text layer's colour rule. */
function heatmap(pts: PointResult[], id: string): { color: Record<string, unknown>; textRule: string } {
  const chart = sweepCharts(axes, pts).find((c) => c.id === id)!;
  const json = JSON.stringify(chart.spec);
  const spec = JSON.parse(json) as { layer: Array<{ encoding: { color: Record<string, unknown> } }> };
  const color = spec.layer[0]!.encoding.color;
  const textRule = (spec.layer[1]!.encoding.color as { condition: { test: string } }).condition.test;
  return { color, textRule };
}

describe('sweep heatmaps', () => {
  it('all cells 0 %: the colour domain runs 0..1, so 0 is the palest colour, with black text', () => {
    const { color, textRule } = heatmap(points((k) => (k === 'error_rate' ? 0 : 1)), 'heatmap-error-rate');
    expect((color['scale'] as { domain?: number[] }).domain).toEqual([0, 1]);
    expect(textRule).toBe('datum.mean > 0.5');
  });

  it('all cells equal and above 0: the domain runs from 0 to that value', () => {
    const { color } = heatmap(points((k) => (k === 'cold_start_fraction' ? 0.045059 : 1)), 'heatmap-cold-start-fraction');
    expect((color['scale'] as { domain?: number[] }).domain).toEqual([0, 0.045059]);
  });

  it('cells that differ keep the data\'s own domain; the legend reads 3 significant digits, as the cells do', () => {
    const { color, textRule } = heatmap(points((k, p) => (k === 'cold_start_fraction' ? 0.01 + 0.011686 * p : 1)), 'heatmap-cold-start-fraction');
    expect((color['scale'] as { domain?: number[] }).domain).toBeUndefined();
    expect(color['legend']).toEqual({ format: '.3~p' });
    expect(textRule).toBe(`datum.mean > ${0.01 + (0.011686 * 3) / 2}`);
  });
});
