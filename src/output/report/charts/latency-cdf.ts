import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, COLORS, WIDTH, keyedLegend, revisionTitle, stack, topLevel, busiest, withLines } from './common.js';

const LABELS = { warm: 'warm (a pod was ready)', cold: 'cold start (waited for a pod)' };

function panel(ctx: ChartContext, r: RevisionData, i: number): Spec {
  const values: Spec[] = [];
  for (const kind of ['warm', 'cold'] as const) {
    for (const p of r.cdf[kind]) values.push({ k: kind, ms: p.ms, f: p.fraction });
  }
  const keys = Object.keys(LABELS);
  const counts = ` (${r.cdf.cold.length > 0 ? 'with' : 'no'} cold starts)`;
  const legend = keyedLegend('requests (share, %)', LABELS, { symbolType: 'stroke' });
  return {
    title: revisionTitle(ctx, r) + counts,
    width: WIDTH,
    height: 200,
    data: { values },
    name: `data_cdf_${i}`,
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', scale: { type: 'log', padding: 12 }, title: 'latency (ms, log)' },
      y: { field: 'f', type: 'quantitative', title: 'share of 200s (%)', axis: { format: '%' }, scale: { domain: [0, 1] } },
      stroke: { field: 'k', type: 'nominal', scale: { domain: keys, range: [COLORS.warm, COLORS.cold] }, legend },
    },
  };
}

export function latencyCdfChart(ctx: ChartContext): Chart | undefined {
  const revs = ctx.run.revisions.filter((r) => r.cdf.all.length > 0);
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  return {
    id: 'latency-cdf',
    heading: 'Latency distribution',
    explanation:
      'For each latency on the x axis, the share of successful requests that were at least that fast; the gap between the warm and cold-start curves is what scaling from zero costs.',
    spec: topLevel(
      'Latency distribution (CDF), cold vs warm',
      withLines('Cumulative distribution of client-side latency of 200 responses over the whole run, from the HDR histograms in latency-cdf.csv.', note),
      stack(shown.map((r, i) => panel(ctx, r, i))),
    ),
  };
}
