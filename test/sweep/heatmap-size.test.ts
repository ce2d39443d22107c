/** Sweep heatmaps stay a readable size, and render, however many values an axis has. */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import { renderSvg } from '../../src/output/report/render.js';
import type { Axis } from '../../src/sweep/axes.js';
import { MAX_SPACE_CELLS, sweepCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';

const axis = (path: string, n: number, unit = ''): Axis => ({ path, values: Array.from({ length: n }, (_, i) => `${i + 1}${unit}`) });

/** The p99 heatmap of a full nx × ny grid whose p99 is 100 + the point index. */
function heatmap(nx: number, ny: number): { width: number; height: number } & Record<string, unknown> {
  const axes = [axis('services[0].manifest.spec.template.spec.containerConcurrency', nx), axis('configMaps.config-autoscaler.stable-window', ny, 's')];
  const points: PointResult[] = Array.from({ length: nx * ny }, (_, p) => ({
    point: p,
    values: [axes[0]!.values[p % nx]!, axes[1]!.values[Math.floor(p / nx)]!],
    replications: 3,
    metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, { mean: 100 + p, lo: 99 + p, hi: 101 + p } satisfies MetricStat])) as Record<MetricKey, MetricStat>,
  }));
  return sweepCharts(axes, points).find((c) => c.id === 'heatmap-p99-ms')!.spec as never;
}

describe('sweep heatmap size', () => {
  it.each([
    // values on x and y, width and height in pixels
    [5, 2, 5 * 70, 2 * 70],
    [MAX_SPACE_CELLS, 2, 60 * 22, 2 * 22],
    [MAX_SPACE_CELLS + 1, 2, 560, 2 * 22],
    [1000, 2, 560, 2 * 22],
    [2, 1000, 2 * 22, 560],
    [MAX_SPACE_CELLS + 1, MAX_SPACE_CELLS + 1, 560, 560],
  ])('%i × %i values: %i × %i pixels', (nx, ny, w, h) => {
    const { width, height } = heatmap(nx, ny);
    expect([width, height]).toEqual([w, h]);
  });

  it('1,000 × 2 values renders with every cell (a sort list of 1,000 values overflowed the stack)', async () => {
    const svg = await renderSvg(heatmap(1000, 2) as never);
    // One rect per grid point, the last one ending at the right edge of the 560-pixel plot.
    expect(svg.match(/aria-roledescription="rect mark" d=/g)?.length).toBe(2000);
    expect(svg).toContain('containerConcurrency=1000, stable-window=2s');
  }, 120_000);
});
