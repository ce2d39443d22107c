/**
 * The cost axis of the sweep's Pareto chart, and the objective axis of the tuner's explored
 * points, label every tick they draw. vega ticked a day-long sweep's pod-seconds
 * (356,400..359,400 on 620 pixels) every 200 and hid three labels in four as overlapping;
 * quickstart's 500..9,000 lost every other one.
 */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, METRICS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts, tuneCharts } from '../../src/sweep/report/charts.js';
import { fittedTicks } from '../../src/sweep/report/ticks.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';
import type { ExploredPoint } from '../../src/sweep/tune.js';
import { axisTitled, chartScene } from '../support/chart-scene.js';

const axes: Axis[] = [{ path: 'cluster.nodePools[0].cpu', values: ['4', '8', '16'] }];

/** Points with these pod-seconds means (interval ±0.1 % of the mean) and p99 falling with cost. */
function points(cost: readonly number[]): PointResult[] {
  return cost.map((c, i) => ({
    point: i,
    values: [axes[0]!.values[i]!],
    replications: 2,
    metrics: Object.fromEntries(
      METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, k === 'pod_seconds' ? { mean: c, lo: c * 0.999, hi: c * 1.001 } : k === 'p99_ms' ? { mean: 1510 - i, lo: 1505 - i, hi: 1514 - i } : { mean: 0, lo: 0, hi: 0 }]),
    ) as Record<MetricKey, MetricStat>,
  }));
}

const COST = `mean ${METRICS.pod_seconds.title}`;
const number = (label: string): number => Number(label.replace(/,/g, ''));

describe('the Pareto chart\'s cost axis', () => {
  it.each([
    ['a day on a node pool (capacity-planning)', [357_100, 359_030, 358_200]],
    ['the quickstart\'s containerConcurrency sweep', [534, 2_300, 9_050]],
    ['seconds of one pod', [0.52, 1.7, 3.21]],
    ['millions', [1_234_567, 4_000_000, 9_876_543]],
    ['every point the same', [4_200, 4_200, 4_200]],
  ])('%s: every tick labelled, the labels the tick values, every whisker inside', async (_, cost) => {
    const chart = sweepCharts(axes, points(cost)).find((c) => c.id === 'pareto')!;
    const axis = axisTitled(await chartScene(chart.spec), COST);
    expect(axis.hidden).toEqual([]);
    expect(axis.labels.length).toBeGreaterThanOrEqual(2);
    const ticks = axis.labels.map(number);
    // Evenly spaced, increasing, and around every plotted value (means and interval ends).
    const step = ticks[1]! - ticks[0]!;
    expect(step).toBeGreaterThan(0);
    ticks.forEach((t, i) => expect(t).toBeCloseTo(ticks[0]! + i * step, 9));
    expect(ticks[0]!).toBeLessThanOrEqual(Math.min(...cost) * 0.999);
    expect(ticks.at(-1)!).toBeGreaterThanOrEqual(Math.max(...cost) * 1.001);
  }, 60_000);

  it('a day on a node pool ticks every 500 pod-seconds, not every 200 with three labels in four hidden', async () => {
    const chart = sweepCharts(axes, points([357_100, 359_030, 358_200])).find((c) => c.id === 'pareto')!;
    expect(axisTitled(await chartScene(chart.spec), COST).labels).toEqual(['356,500', '357,000', '357,500', '358,000', '358,500', '359,000', '359,500']);
  }, 60_000);
});

describe('the Pareto chart of one point, one replication', () => {
  // A 1-replication sweep of containerConcurrency=4 on the quickstart: no intervals.
  const one: PointResult[] = points([1220]).map((p) => ({ ...p, replications: 1, metrics: Object.fromEntries(Object.entries(p.metrics).map(([k, m]) => [k, { mean: k === 'p99_ms' ? 2059.263 : m.mean, lo: null, hi: null }])) as Record<MetricKey, MetricStat> }));

  it('ticks its p99 axis from 0 in round numbers (its one value ticked "2,059.263000")', async () => {
    const chart = sweepCharts(axes, one).find((c) => c.id === 'pareto')!;
    const labels = axisTitled(await chartScene(chart.spec), `mean ${METRICS.p99_ms.title}`).labels;
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(labels[0]).toBe('0');
    for (const l of labels) expect(l).toMatch(/^\d{1,3}(,\d{3})*$/);
    expect(labels.at(-1)).toBe('2,000');
  }, 60_000);

  it('names only what it draws: no whiskers, no front line', () => {
    const spec = sweepCharts(axes, one).find((c) => c.id === 'pareto')!.spec as unknown as { title: { subtitle: string[] } };
    expect(spec.title.subtitle).toEqual(['Mean pod-seconds and p99 latency per point; red: the Pareto front.']);
    const three = sweepCharts(axes, points([100, 200, 300])).find((c) => c.id === 'pareto')!.spec as unknown as { title: { subtitle: string[] } };
    expect(three.title.subtitle[0]).toBe('Mean pod-seconds and p99 latency per point; the red line is the Pareto front.');
    // Two replications: a bootstrap of cost and p99 is their range, and the whiskers say so (they read '95 % interval').
    expect(three.title.subtitle[1]).toBe('Whiskers: the range of the 2 replications (not 95 %).');
    expect(sweepCharts(axes, points([100, 200, 300])).find((c) => c.id === 'pareto')!.explanation).toContain(', with the range of the 2 replications as whiskers (not a 95 % interval).');
    const five = sweepCharts(axes, points([100, 200, 300]).map((p) => ({ ...p, replications: 5 }))).find((c) => c.id === 'pareto')!;
    expect((five.spec as unknown as { title: { subtitle: string[] } }).title.subtitle[1]).toBe('Whiskers: 95 % interval: Wilson for rates, bootstrap for latencies, pods and pod-seconds.');
    expect(five.explanation).toContain(', with 95 % intervals as whiskers.');
  });
});

describe('the tuner\'s explored points', () => {
  it('label every tick of the objective axis (a day of pod-seconds hid three in four)', async () => {
    const explored: ExploredPoint[] = points([357_100, 359_030, 358_200]).map((p, i) => ({ ...p, status: i === 0 ? 'winner' : 'feasible' }));
    const chart = tuneCharts({ axes, points: explored, objective: 'pod_seconds', slo: { metric: 'p99_ms', threshold: 1600, text: 'p99<=1600ms' }, totalPoints: 3 }).find((c) => c.id === 'tune-explored')!;
    const axis = axisTitled(await chartScene(chart.spec), COST);
    expect(axis.hidden).toEqual([]);
    expect(axis.labels).toEqual(['357,000', '357,500', '358,000', '358,500', '359,000', '359,500']);
  }, 60_000);
});

describe('fittedTicks', () => {
  it('gives counts whole steps and fractions percent labels that fit', () => {
    expect(fittedTicks(1, 2, 330, { integer: true }).labels).toEqual(['1', '2']);
    expect(fittedTicks(0.0012, 0.0031, 620, { percent: true }).labels).toEqual(['0.12%', '0.14%', '0.16%', '0.18%', '0.20%', '0.22%', '0.24%', '0.26%', '0.28%', '0.30%', '0.32%']);
    expect(fittedTicks(0, 0, 620).domain).toEqual([0, 1]);
  });
});

describe('fittedTicks on an axis too short for any two labels', () => {
  it('gives the two ticks around the values rather than looking for a coarser step for ever', () => {
    const t = fittedTicks(3e40, 7e40, 100);
    expect(t.values).toHaveLength(2);
    expect(t.domain[0]).toBeLessThanOrEqual(3e40);
    expect(t.domain[1]).toBeGreaterThanOrEqual(7e40);
  });
});
