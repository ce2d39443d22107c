/** The tuner's search-space chart stays a readable size however many values the axes have. */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import { renderSvg } from '../../src/output/report/render.js';
import type { Axis } from '../../src/sweep/axes.js';
import { MAX_SPACE_CELLS, tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat } from '../../src/sweep/sweep.js';
import type { ExploredPoint } from '../../src/sweep/tune.js';

const axis = (path: string, n: number, unit = ''): Axis => ({ path, values: Array.from({ length: n }, (_, i) => `${i + 1}${unit}`) });

function spaceChart(n: number): { width: number; height: number; spec: unknown } {
  const axes = [axis('services[0].manifest.spec.template.spec.containerConcurrency', n), axis('configMaps.config-autoscaler.stable-window', n, 's')];
  // The tuner simulates a few points of the space: here up to 30 of the diagonal.
  const points = Array.from({ length: Math.min(30, n) }, (_, i) => ({
    point: i * (n + 1),
    values: [axes[0]!.values[i]!, axes[1]!.values[i]!],
    replications: 5,
    status: 'feasible',
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, { mean: 10 + i, lo: 9 + i, hi: 11 + i } satisfies MetricStat])) as Record<MetricKey, MetricStat>,
  })) as unknown as ExploredPoint[];
  const chart = tuneCharts({ axes, points, objective: 'pod_seconds', slo: undefined, totalPoints: n * n }).find((c) => c.id === 'tune-space')!;
  const spec = chart.spec as unknown as { width: number; height: number };
  return { width: spec.width, height: spec.height, spec: chart.spec };
}

describe('tune-space chart size', () => {
  it.each([
    // values per axis, width and height in pixels
    [10, 560, 560],
    [MAX_SPACE_CELLS, 60 * 12, 60 * 12],
    [MAX_SPACE_CELLS + 1, 560, 560],
    [1000, 560, 560],
  ])('%i values per axis: %i × %i pixels', (n, w, h) => {
    const { width, height } = spaceChart(n);
    expect([width, height]).toEqual([w, h]);
  });

  it('1,000 × 1,000 values renders (a cell per value overflowed the stack)', async () => {
    const svg = await renderSvg(spaceChart(1000).spec as never);
    // 30 explored points, each a square path in the marks group.
    expect(svg.match(/<path [^>]*transform="translate/g)?.length ?? 0).toBeGreaterThanOrEqual(30);
  }, 120_000);
});
