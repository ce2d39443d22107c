/**
 * The axis of a swept setting labels every tick it draws, ticks within the values swept, at
 * whole numbers for a setting of whole numbers and no closer than the grid's step. vega hid
 * every other label of a line panel's 0..3,600 s retention and 100,000..900,000 rps axes.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { axisScale, sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import type { ExploredPoint } from '../../src/sweep/tune.js';
import { axisTitled, chartScene } from '../support/chart-scene.js';

const seconds = (from: number, to: number, step: number): string[] => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => `${from + i * step}s`);

const cases: Array<[string, Axis]> = [
  ['retention 0s..60m:5m', { path: 'configMaps.config-autoscaler.scale-to-zero-pod-retention-period', values: seconds(0, 3600, 300) }],
  ['rps 100,000..900,000', { path: 'clients[0].open.rate.rps', values: ['100000', '200000', '300000', '400000', '500000', '600000', '700000', '800000', '900000'] }],
  ['an irregular grid 1..100,000', { path: 'clients[0].open.rate.rps', values: ['1', '1000', '2000', '5000', '10000', '20000', '50000', '100000'] }],
  ['two values 2m,10m', { path: 'cluster.nodeAutoscaler.scaleDownUnneededTime', values: ['2m', '10m'] }],
  ['stable-window 10s..120s:10s', { path: 'configMaps.config-autoscaler.stable-window', values: seconds(10, 120, 10) }],
  ['fractions 0.05..0.35', { path: 'clients[0].open.rate.rps', values: ['0.05', '0.1', '0.15', '0.2', '0.25', '0.3', '0.35'] }],
];

function points(axis: Axis): ExploredPoint[] {
  return axis.values.map((v, i) => ({
    point: i,
    values: [v],
    replications: 3,
    status: i === 0 ? 'winner' : 'feasible',
    metrics: Object.fromEntries(METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, { mean: 1000 + 10 * i, lo: 990 + 10 * i, hi: 1010 + 10 * i }])) as Record<MetricKey, MetricStat>,
  }));
}

function check(labels: readonly string[], hidden: readonly string[], axis: Axis): void {
  expect(hidden).toEqual([]);
  expect(labels.length).toBeGreaterThanOrEqual(2);
  const swept = axis.values.map((v) => Number(axisScale(axis, 0).text(v)));
  const [lo, hi] = [Math.min(...swept), Math.max(...swept)];
  const ticks = labels.map((l) => Number(l.replace(/,/g, '')));
  const gap = Math.min(...swept.slice(1).map((v, i) => Math.abs(v - swept[i]!)));
  for (const t of ticks) {
    expect(t).toBeGreaterThanOrEqual(lo - 1e-9);
    expect(t).toBeLessThanOrEqual(hi + 1e-9);
    if (swept.every(Number.isInteger)) expect(Number.isInteger(t), `${t}`).toBe(true);
  }
  for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThanOrEqual(gap - 1e-9);
}

describe('a swept setting\'s axis', () => {
  it.each(cases)('%s: the line panels label every tick', async (_, axis) => {
    const chart = sweepCharts([axis], points(axis) as PointResult[]).find((c) => c.id === 'lines')!;
    const scene = await chartScene(chart.spec);
    const title = axisScale(axis, 0).title;
    const xs = scene.axes.filter((a) => a.title === title);
    expect(xs.length).toBeGreaterThanOrEqual(8);
    for (const x of xs) check(x.labels, x.hidden, axis);
  }, 60_000);

  it.each(cases)('%s: the tuner\'s chart of one setting labels every tick', async (_, axis) => {
    const chart = tuneCharts({ axes: [axis], points: points(axis), objective: 'pod_seconds', slo: undefined, totalPoints: axis.values.length }).find((c) => c.id === 'tune-space')!;
    const x = axisTitled(await chartScene(chart.spec), axisScale(axis, 0).title);
    check(x.labels, x.hidden, axis);
  }, 60_000);

  it('a line panel of 0..3,600 s ticks every 1,500 s (5 grid steps): the labels of every 300 or 600 s do not fit in 330 pixels', async () => {
    const axis = cases[0]![1];
    const chart = sweepCharts([axis], points(axis) as PointResult[]).find((c) => c.id === 'lines')!;
    const x = (await chartScene(chart.spec)).axes.find((a) => a.title === axisScale(axis, 0).title)!;
    expect(x.labels).toEqual(['0', '1,500', '3,000']);
  }, 60_000);
});

describe('the tuner\'s plot of a space too large for a cell per value', () => {
  it('labels every tick of both settings (1,000 values each)', async () => {
    const a: Axis = { path: 'clients[0].open.rate.rps', values: Array.from({ length: 1000 }, (_, i) => String(1000 * (i + 1))) };
    const b: Axis = { path: 'services[0].manifest.spec.template.spec.containerConcurrency', values: Array.from({ length: 1000 }, (_, i) => String(i + 1)) };
    const explored: ExploredPoint[] = [0, 1, 2].map((i) => ({ ...points(a)[i]!, point: i * 1001, values: [a.values[i * 400]!, b.values[i * 300]!] }));
    const chart = tuneCharts({ axes: [a, b], points: explored, objective: 'pod_seconds', slo: undefined, totalPoints: 1_000_000 }).find((c) => c.id === 'tune-space')!;
    const scene = await chartScene(chart.spec);
    for (const axis of [a, b]) {
      const s = axisTitled(scene, axisScale(axis, 0).title);
      check(s.labels, s.hidden, axis);
    }
  }, 60_000);
});
