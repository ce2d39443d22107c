/**
 * Counts (ready pods, nodes) are whole numbers: the sweep and tune charts tick them at whole
 * numbers only. A sweep whose every point held at most 1 pod ticked 0.2, 0.4, …, 1.0 on its
 * max-ready-pods panel, and the tuner printed its one tick as "1.000000".
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, METRICS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import type { ExploredPoint, PointStatus } from '../../src/sweep/tune.js';
import { axisTitled, chartScene } from '../support/chart-scene.js';

const axes: Axis[] = [{ path: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]', values: ['60', '70', '80', '90'] }];

/** Points at the axis values, with `count` as both counts' statistic and p95 410 ms + 5 ms a point. */
function points(count: (i: number) => MetricStat): ExploredPoint[] {
  const statuses: PointStatus[] = ['winner', 'feasible', 'feasible', 'uncertain'];
  return axes[0]!.values.map((v, i) => ({
    point: i,
    values: [v],
    replications: 3,
    status: statuses[i]!,
    metrics: Object.fromEntries(
      METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, k === 'max_pods' || k === 'peak_nodes' ? count(i) : k === 'p95_ms' ? { mean: 410 + 5 * i, lo: 380 + 5 * i, hi: 440 + 5 * i } : { mean: 100 + i, lo: 90 + i, hi: 110 + i }]),
    ) as Record<MetricKey, MetricStat>,
  }));
}

// Every run held 1 pod; means of 1, 4/3, 5/3 and 2 pods (runs of 1 and 2), whose axis spans one pod.
const ones = points(() => ({ mean: 1, lo: 1, hi: 1 }));
const thirds = points((i) => ({ mean: 1 + i / 3, lo: i === 0 ? 1 : 1 + (i - 1) / 3, hi: Math.min(2, 1 + (i + 1) / 3) }));

const notWhole = (labels: readonly string[]): string[] => labels.filter((l) => !/^\d{1,3}(,\d{3})*$/.test(l));

describe('the max-ready-pods panel of a one-axis sweep', () => {
  it.each([
    ['every mean 1 pod', ones],
    ['means between 1 and 2 pods', thirds],
  ])('%s: ticks whole numbers only', async (_, ps) => {
    const chart = sweepCharts(axes, ps as PointResult[]).find((c) => c.id === 'lines')!;
    const labels = axisTitled(await chartScene(chart.spec), METRICS.max_pods.title).labels;
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(notWhole(labels)).toEqual([]);
  }, 60_000);
});

describe('the tuner\'s charts of a count', () => {
  it.each([
    ['every mean 1 pod', ones],
    ['means between 1 and 2 pods', thirds],
  ])('%s: max ready pods as the objective and peak nodes as the SLO tick whole numbers only', async (_, ps) => {
    const charts = tuneCharts({ axes, points: ps, objective: 'max_pods', slo: { metric: 'peak_nodes', threshold: 3, text: 'peakNodes<=3' }, totalPoints: 4 });
    const explored = await chartScene(charts.find((c) => c.id === 'tune-explored')!.spec);
    const space = await chartScene(charts.find((c) => c.id === 'tune-space')!.spec);
    const title = (k: MetricKey): string => `mean ${METRICS[k].title}`;
    for (const labels of [axisTitled(explored, title('max_pods')).labels, axisTitled(explored, title('peak_nodes')).labels, axisTitled(space, title('max_pods')).labels]) {
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(notWhole(labels)).toEqual([]);
    }
  }, 60_000);

  it('a metric that is not a count ticks as before', () => {
    const charts = tuneCharts({ axes, points: ones, objective: 'pod_seconds', slo: undefined, totalPoints: 4 });
    const layers = (charts.find((c) => c.id === 'tune-space')!.spec as unknown as { layer: Array<{ encoding: { y: { axis?: unknown } } }> }).layer;
    expect(layers[0]!.encoding.y.axis).toEqual({});
  });
});
