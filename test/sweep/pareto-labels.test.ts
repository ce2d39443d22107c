/**
 * Front points of the sweep's Pareto chart that sit at the same means (grid values the runs did
 * not react to: quickstart's target=50 and target=100 at stable-window=30s both averaged 184.3
 * pod-seconds and a 1,035 ms p99) each drew its name at the same spot, an unreadable smear, and
 * the subtitle promised a red front line that, between two equal places, had no length.
 */
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { sweepCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat, PointResult } from '../../src/sweep/sweep.js';

const axes: Axis[] = [
  { path: 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target"]', values: ['10', '50', '100'] },
  { path: 'configMaps.config-autoscaler.stable-window', values: ['30s', '60s'] },
];

/** The quickstart sweep's means: (target, stable-window) → pod-seconds; p99 1,034.85 ms everywhere. */
const COST: Array<[string, string, number]> = [
  ['10', '30s', 388.6536], ['10', '60s', 497.4536], ['50', '30s', 184.2536],
  ['50', '60s', 214.2536], ['100', '30s', 184.2536], ['100', '60s', 214.2536],
];

function points(cost: ReadonlyArray<[string, string, number]>): PointResult[] {
  return cost.map(([t, w, c], i) => ({
    point: i,
    values: [t, w],
    replications: 5,
    metrics: Object.fromEntries(
      METRIC_KEYS.map((k): [MetricKey, MetricStat] => [k, k === 'pod_seconds' ? { mean: c, lo: c * 0.99, hi: c * 1.01 } : k === 'p99_ms' ? { mean: 1034.85, lo: 800.77, hi: 1256.65 } : { mean: 0, lo: 0, hi: 0 }]),
    ) as Record<MetricKey, MetricStat>,
  }));
}

interface Label { lines: string[]; x: number; y: number }

/** The text marks vega draws in the plot (not axes, legends or titles), with their lines. */
async function plotTexts(spec: TopLevelSpec): Promise<Label[]> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    type Item = { x?: number; y?: number; text?: string | string[]; items?: Mark[] };
    type Mark = { marktype: string; role: string; items: Item[] };
    const out: Label[] = [];
    const walk = (m: Mark): void => {
      if (m.marktype === 'text' && m.role === 'mark') for (const t of m.items) out.push({ lines: ([] as string[]).concat(t.text ?? []), x: t.x!, y: t.y! });
      if (m.marktype === 'group') for (const g of m.items) for (const c of g.items ?? []) walk(c);
    };
    walk((view.scenegraph() as unknown as { root: Mark }).root);
    return out;
  } finally {
    view.finalize();
  }
}

const pareto = (p: PointResult[]) => sweepCharts(axes, p).find((c) => c.id === 'pareto')!;

describe('coinciding Pareto front points', () => {
  it('share one label with a line per point, not two labels printed over each other', async () => {
    const labels = await plotTexts(pareto(points(COST)).spec);
    expect(labels).toEqual([{ lines: ['autoscaling.knative.dev/target=50, stable-window=30s', 'autoscaling.knative.dev/target=100, stable-window=30s'], x: expect.any(Number), y: expect.any(Number) }]);
  });

  it('promise no red line when the front is one place', () => {
    const spec = pareto(points(COST)).spec as unknown as { title: { subtitle: string[] } };
    expect(spec.title.subtitle[0]).toBe('Mean pod-seconds and p99 latency per point; red: the Pareto front.');
  });

  it('still label two distinct front points apart, and draw the line between them', async () => {
    const two = points(COST).map((p) => (p.point === 4 ? { ...p, metrics: { ...p.metrics, p99_ms: { mean: 1200, lo: 1100, hi: 1300 }, pod_seconds: { mean: 150, lo: 149, hi: 151 } } } : p));
    const chart = pareto(two);
    const labels = await plotTexts(chart.spec);
    expect(labels.map((l) => l.lines)).toEqual([['autoscaling.knative.dev/target=50, stable-window=30s'], ['autoscaling.knative.dev/target=100, stable-window=30s']]);
    expect(new Set(labels.map((l) => `${l.x} ${l.y}`)).size).toBe(2);
    expect((chart.spec as unknown as { title: { subtitle: string[] } }).title.subtitle[0]).toBe('Mean pod-seconds and p99 latency per point; the red line is the Pareto front.');
  });
});
