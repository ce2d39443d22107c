/**
 * The line panels of a one-axis sweep. A setting whose values are categories (true/false) has
 * nothing between them: its panels draw each value's mean and interval as a dot with an error
 * bar, where they drew a line and a band from true to false as if along a scale. And the panels'
 * titles stand level across each row: a y title longer than its plot ("error rate, non-200 (%)")
 * or a tick label on the plot's top edge reached above the plot and raised its panel's title.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import { chartScene } from '../support/chart-scene.js';

const SCALE_TO_ZERO: Axis = { path: 'configMaps.config-autoscaler.enable-scale-to-zero', values: ['true', 'false'] };
const TARGET: Axis = { path: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]', values: ['10', '20'] };

/** Two points as hello-world gave them over two 60 s replications (the unanswered share above 1 % adds a ninth panel). */
function points(axis: Axis): PointResult[] {
  const stat: Partial<Record<MetricKey, MetricStat>> = {
    p50_ms: { mean: 1001.471, lo: 1001.471, hi: 1001.471 },
    p95_ms: { mean: 1001.471, lo: 1001.471, hi: 1001.471 },
    p99_ms: { mean: 4688, lo: 4502, hi: 4874 },
    error_rate: { mean: 0, lo: 0, hi: 0.0017 },
    rate_503: { mean: 0, lo: 0, hi: 0.0017 },
    cold_start_fraction: { mean: 0.0178, lo: 0.0116, hi: 0.0198 },
    pod_seconds: { mean: 1694.5, lo: 1689.4, hi: 1699.6 },
    max_pods: { mean: 29, lo: 29, hi: 29 },
    unanswered_rate: { mean: 0.0176, lo: 0.0113, hi: 0.0186 },
  };
  return axis.values.map((v, i) => ({
    point: i,
    values: [v],
    replications: 2,
    metrics: Object.fromEntries(METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, stat[k] ?? { mean: Number.NaN, lo: null, hi: null }])) as Record<MetricKey, MetricStat>,
  }));
}

const lines = (axis: Axis) => sweepCharts([axis], points(axis)).find((c) => c.id === 'lines')!;

describe('the line panels of a one-axis sweep', () => {
  it('over true/false: a dot and an error bar per value in each of the nine panels, no line or band joining them', async () => {
    const chart = lines(SCALE_TO_ZERO);
    const scene = await chartScene(chart.spec);
    expect(scene.plots).toHaveLength(9);
    for (const p of scene.plots) expect(p.dots).toHaveLength(2);
    expect(scene.lines).toBe(0);
    const text = JSON.stringify(chart.spec);
    expect(text).not.toContain('errorband');
    expect(text).toContain('errorbar');
    expect(chart.explanation).toContain('The values of enable-scale-to-zero are categories, not points on a scale, so no line joins them.');
  }, 60_000);

  it('over a number: still a line and a band through the values', async () => {
    const chart = lines(TARGET);
    const scene = await chartScene(chart.spec);
    expect(scene.lines).toBeGreaterThanOrEqual(9);
    expect(JSON.stringify(chart.spec)).toContain('errorband');
    expect(chart.explanation).not.toContain('categories');
  }, 60_000);

  it('titles every panel level with its neighbour in the row, and as far above its plot', async () => {
    for (const axis of [SCALE_TO_ZERO, TARGET]) {
      const scene = await chartScene(lines(axis).spec);
      const panels = scene.titles.filter((t) => !t.text.startsWith('Sweep:'));
      expect(panels.map((t) => t.text)).toEqual(['p50 latency (ms)', 'p95 latency (ms)', 'p99 latency (ms)', 'error rate (non-200)', 'cold-start fraction', 'pod-seconds', 'max ready pods', '503 rate', 'unanswered at the end']);
      expect(scene.plots).toHaveLength(9);
      // Within a pixel: a tick on the plot's top edge is drawn half a pixel above it.
      for (let i = 0; i < panels.length; i++) {
        // The same distance above its own plot as the first panel's title.
        expect(Math.abs(scene.plots[i]!.y - panels[i]!.y - (scene.plots[0]!.y - panels[0]!.y)), panels[i]!.text).toBeLessThanOrEqual(1);
        if (i % 2 === 1) expect(Math.abs(panels[i]!.y - panels[i - 1]!.y), panels[i]!.text).toBeLessThanOrEqual(1);
      }
    }
  }, 60_000);
});
