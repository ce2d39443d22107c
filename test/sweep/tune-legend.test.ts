/** The tuner's charts, as written to charts/*.svg and .png: every verdict's legend label whole. */
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import { renderSvg } from '../../src/output/report/render.js';
import type { Axis } from '../../src/sweep/axes.js';
import { tuneCharts } from '../../src/sweep/report/charts.js';
import type { MetricStat } from '../../src/sweep/sweep.js';
import type { ExploredPoint, PointStatus } from '../../src/sweep/tune.js';

const axes: Axis[] = [{ path: 'configMaps.config-autoscaler.stable-window', values: ['10s', '20s', '30s'] }];
const statuses: PointStatus[] = ['screened', 'winner', 'dominated'];
const points = statuses.map((status, i) => ({
  point: i,
  values: [axes[0]!.values[i]!],
  replications: status === 'screened' ? 2 : 3,
  status,
  metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, { mean: 100 + i, lo: 90 + i, hi: 110 + i } satisfies MetricStat])) as Record<MetricKey, MetricStat>,
})) as ExploredPoint[];

/** The legend's labels in a rendered SVG. */
function legendLabels(svg: string): string[] {
  // A symbol legend has a group per entry, each with its label.
  const groups = [...svg.matchAll(/<g class="mark-text role-legend-label"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => m[1]!);
  return groups.flatMap((g) => [...g.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!));
}

describe('tune charts\' legends', () => {
  const charts = tuneCharts({ axes, points, objective: 'pod_seconds', slo: { metric: 'p95_ms', threshold: 420, text: 'p95<=420ms' }, totalPoints: 3 });

  it.each(['tune-explored', 'tune-space'])('%s names every verdict in full (the longest was cut to "not compar…")', async (id) => {
    const svg = await renderSvg(charts.find((c) => c.id === id)!.spec);
    expect(legendLabels(svg)).toEqual([
      'winner',
      'meets every SLO (upper end of its interval)',
      'SLO not met with confidence',
      'violates an SLO (lower end of its interval)',
      'dropped: costlier than a feasible point',
      'screening only (fewer replications, not compared)',
    ]);
  }, 60_000);
});

describe('tune charts of a winner that ties', () => {
  // The quickstart tune's shape: the winner and two feasible points the runs cannot tell from it.
  const tieStatuses: PointStatus[] = ['feasible', 'feasible', 'winner', 'dominated'];
  const tiePoints = tieStatuses.map((status, i) => ({ ...points[0]!, point: i, values: [axes[0]!.values[Math.min(i, 2)]!], status, replications: 3 })) as ExploredPoint[];
  const charts = tuneCharts({ axes, points: tiePoints, objective: 'pod_seconds', slo: { metric: 'p95_ms', threshold: 420, text: 'p95<=420ms' }, totalPoints: 3, ties: [0, 1] });

  it.each(['tune-explored', 'tune-space'])('%s: the winner says it is of a tie, and the tied points have their own colour', async (id) => {
    const chart = charts.find((c) => c.id === id)!;
    const labels = legendLabels(await renderSvg(chart.spec));
    expect(labels.slice(0, 3)).toEqual(['winner (of a tie: see Caveats)', 'meets every SLO, tied with the winner', 'meets every SLO (upper end of its interval)']);
    const data = (chart.spec as unknown as { data: { values: Array<{ point: number; status: string }> } }).data.values;
    expect(data.map((v) => v.status)).toEqual(['meets every SLO, tied with the winner', 'meets every SLO, tied with the winner', 'winner (of a tie: see Caveats)', 'dropped: costlier than a feasible point']);
  }, 60_000);

  it('the explored chart says how many points tie with the winner, and draws the winner large', () => {
    const explored = charts.find((c) => c.id === 'tune-explored')!;
    expect(explored.explanation).toContain('2 other points meeting every SLO tie with it');
    expect(JSON.stringify(explored.spec)).toContain(`"test":"datum.status === 'winner (of a tie: see Caveats)'"`);
  });
});
