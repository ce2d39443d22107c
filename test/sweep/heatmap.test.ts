/** Sweep heatmaps: equal cells are not painted as if they differed, and cells painted apart read apart. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKnsim } from '../support/cli.js';
import { METRIC_KEYS, type MetricKey } from '../../src/output/metrics.js';
import type { Axis } from '../../src/sweep/axes.js';
import { renderSvg } from '../../src/output/report/render.js';
import { cellDigits, noMeanText, paretoFront, sweepCharts } from '../../src/sweep/report/charts.js';
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

  it('cells that differ keep the data\'s own domain; the legend takes its precision from its tick step', () => {
    const { color, textRule } = heatmap(points((k, p) => (k === 'cold_start_fraction' ? 0.01 + 0.011686 * p : 1)), 'heatmap-cold-start-fraction');
    expect((color['scale'] as { domain?: number[] }).domain).toBeUndefined();
    expect(color['legend']).toEqual({ format: '~%' });
    expect(textRule).toBe(`datum.mean > ${0.01 + (0.011686 * 3) / 2}`);
  });
});

describe('sweep heatmaps of means that differ past the third digit', () => {
  /** The rendered chart's cell numbers (in point order) and legend labels. */
  async function labels(of: (k: MetricKey, p: number) => number, id: string): Promise<{ cells: string[]; legend: string[] }> {
    const svg = await renderSvg(sweepCharts(axes, points(of)).find((c) => c.id === id)!.spec);
    const texts = (role: string): string[] => {
      const group = new RegExp(`<g class="mark-text role-${role}[ "][^>]*>([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
      return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    };
    return { cells: texts('mark'), legend: texts('legend-label') };
  }

  it('cold-start fractions of 1.968 % and 1.9669 % (a sweep of stable-window) read apart, in the cells and the legend', async () => {
    // The colours run from the lowest mean to the highest: the two ends of the scale must not both read 1.97 %.
    const frac = [0.01968, 0.01968, 0.019669, 0.019669];
    const { cells, legend } = await labels((k, p) => (k === 'cold_start_fraction' ? frac[p]! : 1), 'heatmap-cold-start-fraction');
    // Cells in the order drawn: the top row (stable-window 60s: points 2, 3) first.
    expect([...cells].sort()).toEqual(['1.967%', '1.967%', '1.968%', '1.968%']);
    expect(new Set(legend).size).toBe(legend.length);
    expect(legend.length).toBeGreaterThanOrEqual(2);
    for (const l of legend) {
      const v = Number(l.replace('%', '')) / 100;
      expect(v).toBeGreaterThanOrEqual(0.019669 - 1e-12);
      expect(v).toBeLessThanOrEqual(0.01968 + 1e-12);
    }
  }, 60_000);

  it('cells that read apart at 3 digits keep 3 (0.01 % … 4.5 %, 6,377 … 6,727 pod-seconds)', () => {
    expect(cellDigits('cold_start_fraction', 0.01, 0.045)).toBe(3);
    expect(cellDigits('pod_seconds', 6377.2, 6727.7)).toBe(3);
    expect(cellDigits('pod_seconds', 6727.2, 6727.4)).toBe(4);
    expect(cellDigits('cold_start_fraction', 0.019669, 0.01968)).toBe(4);
    expect(cellDigits('error_rate', 0, 0)).toBe(3);
  });
});

describe('sweep heatmaps with points that have no latency (no 200s)', () => {
  // Points 0 and 2 answered no request with a 200: their p99 is NaN; 1 and 3 have 5,940 and 9,773 ms.
  const pts = points((k, p) => (k === 'p99_ms' ? (p % 2 === 0 ? Number.NaN : p === 1 ? 5940 : 9773) : 1));
  const spec = JSON.parse(JSON.stringify(sweepCharts(axes, pts).find((c) => c.id === 'heatmap-p99-ms')!.spec)) as {
    layer: Array<{ transform?: Array<{ filter: string }>; encoding: { text?: { value?: string; field?: string }; color?: { condition?: { test: string } } } }>;
  };

  it('a cell\'s number shows the cell\'s tooltip too (it lies over the cell and takes the pointer)', () => {
    const layers = spec.layer as Array<{ encoding: { tooltip?: unknown } }>;
    expect(layers[1]!.encoding.tooltip).toEqual(layers[0]!.encoding.tooltip);
    expect(layers[1]!.encoding.tooltip).toHaveLength(4);
  });

  it('white text from the middle of the latencies that exist, not from NaN', () => {
    expect(spec.layer[1]!.encoding.color!.condition!.test).toBe(`datum.mean > ${5940 + (9773 - 5940) / 2}`);
  });

  it('the numbers leave those cells out, which say "no 200s" instead of "null"', () => {
    expect(spec.layer[1]!.transform).toEqual([{ filter: 'isValid(datum.mean)' }]);
    expect(spec.layer[3]!.transform).toEqual([{ filter: '!isValid(datum.mean)' }]);
    expect(spec.layer[3]!.encoding.text).toEqual({ field: 'whyText' });
  });

  /** The rendered chart's words in the cells without a mean, and the tooltip of each. */
  async function noMeanCells(without200?: ReadonlyMap<number, number>): Promise<Array<{ text: string; tip: string }>> {
    const svg = await renderSvg(sweepCharts(axes, pts, 'common', without200).find((c) => c.id === 'heatmap-p99-ms')!.spec);
    return [...svg.matchAll(/<text aria-label="([^"]*)"[^>]*fill="#555555">([\s\S]*?)<\/text>/g)].map((m) => ({
      text: m[2]!.replace(/<tspan[^>]*>/g, '').split('</tspan>').filter((l) => l !== '').join(' / '),
      tip: /p99 latency \(ms\): ([^;]*)$/.exec(m[1]!)?.[1] ?? '',
    }));
  }

  it('a point where 1 of its 3 runs got no 200 says so in the cell and its tooltip, not "no 200s"', async () => {
    // Points 0 and 2 have no p99 mean: point 0 because 1 of its 3 runs got no 200, point 2 because all 3 did.
    const cells = await noMeanCells(new Map([[0, 1], [2, 3]]));
    expect(cells).toEqual([
      { text: 'no 200s / in 1 of 3', tip: 'no 200s in 1 of 3 runs, which leaves no mean' },
      { text: 'no 200s', tip: 'no 200s in any of the 3 runs' },
    ]);
  }, 60_000);

  it('knsim sweep passes the counts to the chart: 1 s timeouts against 3 s mean requests, 1 of 3 runs without a 200', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-heat-')), 's');
    const spec = 'services[0].manifest.spec.template.spec';
    const r = runKnsim(['sweep', 'scenarios/hello-world.yaml', '--grid', `${spec}.containerConcurrency=1,2`, '--grid', `${spec}.timeoutSeconds=1,10`, '--replications', '3', '--seed', '1', '--duration', '8s',
      '--set', 'services[0].app.serviceTime={dist: exponential, mean: 3s}', '--set', 'clients[0].closed.users=1', '--workers', '1', '--out', out]);
    expect(r.code).toBe(0);
    const chart = JSON.parse(readFileSync(join(out, 'charts/heatmap-p99-ms.vl.json'), 'utf8')) as { data: { values: Array<{ point: number; why?: string; whyText?: unknown }> } };
    // Points 0 and 2 (timeoutSeconds 1): replication 0 timed out its one request, replications 1 and 2 got 200s.
    expect(chart.data.values.map((v) => [v.point, v.why, v.whyText])).toEqual([
      [0, 'no 200s in 1 of 3 runs, which leaves no mean', ['no 200s', 'in 1 of 3']],
      [1, undefined, undefined],
      [2, 'no 200s in 1 of 3 runs, which leaves no mean', ['no 200s', 'in 1 of 3']],
      [3, undefined, undefined],
    ]);
  }, 60_000);

  it('the words fit the cell, or it reads "–" (its tooltip still says how many)', () => {
    expect(noMeanText('p99_ms', 1, 3, 70)).toEqual({ tip: 'no 200s in 1 of 3 runs, which leaves no mean', text: ['no 200s', 'in 1 of 3'] });
    expect(noMeanText('p99_ms', 1, 3, 100).text).toEqual(['no 200s', 'in 1 of 3 runs']);
    expect(noMeanText('p99_ms', 137, 1000, 46)).toEqual({ tip: 'no 200s in 137 of 1000 runs, which leaves no mean', text: '–' });
    expect(noMeanText('p99_ms', undefined, 3, 70)).toEqual({ tip: 'no 200s', text: 'no 200s' });
  });
});

describe('the Pareto front', () => {
  it('leaves out points without a p99 (no 200s): they are not on the chart, and NaN dominated nothing', () => {
    // Point 0 is the cheapest but answered nothing with a 200; 1 is cheaper than 3 and faster than 2.
    const cost = [50, 100, 80, 150];
    const p99 = [Number.NaN, 400, 900, 300];
    const pts = points((k, p) => (k === 'pod_seconds' ? cost[p]! : k === 'p99_ms' ? p99[p]! : 0));
    expect([...paretoFront(pts)].sort()).toEqual([1, 2, 3]);
  });
});
