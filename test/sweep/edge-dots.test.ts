/**
 * Every dot of the sweep and tune charts is whole inside its plot: the dots at the first and
 * last values swept sat on the plot's edge, half over the axis line (the first one's whisker
 * hidden under it), and so did the tuner's winner, the cheapest point, at the objective's low end.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import type { ExploredPoint, PointStatus } from '../../src/sweep/tune.js';
import { chartScene, dotsOverEdge } from '../support/chart-scene.js';

const axes: Axis[] = [{ path: 'services[0].manifest.spec.template.spec.containerConcurrency', values: ['1', '2', '3', '4', '5', '6', '7', '8'] }];

// The quickstart's shape (a 2 min tune, 2 replications): pod-seconds falling from 6,637 to 534
// and p95 from 430 ms to 360 ms as containerConcurrency grows; the last value is the winner.
const podSeconds = [6637, 3322, 1886, 1452, 1084, 773, 627, 534];
const p95 = [430.5, 424.4, 419.5, 418.4, 409.3, 409, 380.5, 360.4];
const statuses: PointStatus[] = ['uncertain', 'uncertain', 'uncertain', 'uncertain', 'uncertain', 'uncertain', 'feasible', 'winner'];
const points = axes[0]!.values.map((v, i) => {
  const stat = (k: MetricKey): MetricStat => {
    const m = k === 'pod_seconds' ? podSeconds[i]! : k === 'p95_ms' || k === 'p99_ms' ? p95[i]! : 1;
    return { mean: m, lo: m * 0.8, hi: m * 1.2 };
  };
  return { point: i, values: [v], replications: 2, status: statuses[i]!, metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, stat(k)])) as Record<MetricKey, MetricStat> };
}) as ExploredPoint[];

describe('dots on the edge of a plot', () => {
  it('the tuner\'s one-axis chart draws the first and last values whole (1 and 8 sat on the edges)', async () => {
    const chart = tuneCharts({ axes, points, objective: 'pod_seconds', slo: { metric: 'p95_ms', threshold: 420, text: 'p95<=420ms' }, totalPoints: 8 }).find((c) => c.id === 'tune-space')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.flatMap((p) => p.dots)).toHaveLength(8);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);

  it('the tuner\'s one-axis chart of a flat objective (1 pod everywhere) draws its dots whole, not on the top edge', async () => {
    const flat = points.map((p) => ({ ...p, metrics: { ...p.metrics, max_pods: { mean: 1, lo: 1, hi: 1 } } }));
    const chart = tuneCharts({ axes, points: flat, objective: 'max_pods', slo: undefined, totalPoints: 8 }).find((c) => c.id === 'tune-space')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.flatMap((p) => p.dots)).toHaveLength(8);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);

  it('the tuner\'s explored points draw the winner, the cheapest, whole', async () => {
    const chart = tuneCharts({ axes, points, objective: 'pod_seconds', slo: { metric: 'p95_ms', threshold: 420, text: 'p95<=420ms' }, totalPoints: 8 }).find((c) => c.id === 'tune-explored')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.flatMap((p) => p.dots)).toHaveLength(8);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);

  it('the tuner\'s chart of a space too large for a cell per value draws the points at its corners whole', async () => {
    const big: Axis[] = [
      { path: 'services[0].manifest.spec.template.spec.containerConcurrency', values: Array.from({ length: 100 }, (_, i) => String(i + 1)) },
      { path: 'configMaps.config-autoscaler.stable-window', values: Array.from({ length: 100 }, (_, i) => `${i + 6}s`) },
    ];
    const corners = [['1', '6s'], ['100', '6s'], ['1', '105s'], ['100', '105s'], ['50', '50s']].map((values, i) => ({ ...points[i]!, point: i, values }));
    const chart = tuneCharts({ axes: big, points: corners, objective: 'pod_seconds', slo: undefined, totalPoints: 10_000 }).find((c) => c.id === 'tune-space')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.flatMap((p) => p.dots)).toHaveLength(5);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);

  it('the sweep\'s line panels draw the dots at the first and last values whole', async () => {
    // Flat lines too: 1 pod at every point sat on the top edge, 0 % errors on the bottom one.
    const flat = (points as PointResult[]).map((p) => ({ ...p, metrics: { ...p.metrics, max_pods: { mean: 1, lo: 1, hi: 1 }, error_rate: { mean: 0, lo: 0, hi: 0 } } }));
    const chart = sweepCharts(axes, flat).find((c) => c.id === 'lines')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.length).toBeGreaterThanOrEqual(6);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);

  it('the sweep\'s cost-against-p99 chart draws every point whole, with ends on round numbers and no whiskers (one replication)', async () => {
    // Pod-seconds 500..7,000 and p99 300..440 ms: round ends, so nothing widened the domain past them.
    const cost = [7000, 3300, 1900, 1450, 1100, 800, 650, 500];
    const p99 = [440, 420, 410, 400, 390, 380, 340, 300];
    const one: PointResult[] = points.map((p, i) => ({
      ...p,
      replications: 1,
      metrics: { ...p.metrics, pod_seconds: { mean: cost[i]!, lo: null, hi: null }, p99_ms: { mean: p99[i]!, lo: null, hi: null } },
    }));
    const chart = sweepCharts(axes, one).find((c) => c.id === 'pareto')!;
    const scene = await chartScene(chart.spec);
    expect(scene.plots.flatMap((p) => p.dots)).toHaveLength(8);
    expect(dotsOverEdge(scene, true)).toEqual([]);
  }, 60_000);
});
