import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, COLORS, WIDTH, keyedLegend, revisionTitle, stack, topLevel, busiest, withLines } from './common.js';
import { logLatencyAxis } from './log-latency.js';

const LABELS = { warm: 'warm (a pod was ready)', cold: 'cold start (waited for a pod)', firstByte: 'first byte, streamed (all 200s)' };
const KINDS = ['warm', 'cold', 'firstByte'] as const;

/** The kinds of request some shown panel draws a curve for: the legend names only those (it listed cold starts under panels that said "no cold starts"). */
function drawnKinds(revs: readonly RevisionData[]): Array<(typeof KINDS)[number]> {
  return KINDS.filter((k) => revs.some((r) => r.cdf[k].length > 0));
}

function panel(ctx: ChartContext, r: RevisionData, i: number, kinds: ReadonlyArray<(typeof KINDS)[number]>, xAxis: Spec): Spec {
  const values: Spec[] = [];
  for (const kind of kinds) {
    for (const p of r.cdf[kind]) values.push({ k: kind, ms: p.ms, f: p.fraction });
  }
  const counts = ` (${r.cdf.cold.length > 0 ? 'with' : 'no'} cold starts)`;
  const labels = Object.fromEntries(kinds.map((k) => [k, LABELS[k]]));
  const legend = keyedLegend('requests (share, %)', labels, { symbolType: 'stroke' });
  return {
    title: revisionTitle(ctx, r) + counts,
    width: WIDTH,
    height: 200,
    data: { values },
    name: `data_cdf_${i}`,
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', ...xAxis },
      y: { field: 'f', type: 'quantitative', title: 'share of 200s (%)', axis: { format: '%' }, scale: { domain: [0, 1] } },
      stroke: { field: 'k', type: 'nominal', scale: { domain: [...kinds], range: kinds.map((k) => COLORS[k]) }, legend },
    },
  };
}

export function latencyCdfChart(ctx: ChartContext): Chart | undefined {
  const revs = ctx.run.revisions.filter((r) => r.cdf.all.length > 0);
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  const kinds = drawnKinds(shown);
  // One latency axis for every panel: with each its own, the same latency sat at different places
  // in revisions stacked to be compared (kpa-vs-hpa: 10,000 ms 80 px apart).
  const xAxis = logLatencyAxis(shown.flatMap((r) => kinds.flatMap((k) => r.cdf[k].map((p) => p.ms))), WIDTH, 12, false);
  // The cold and warm curves (the last byte), and the first byte's when a shown revision streams.
  const whole = kinds.filter((k) => k !== 'firstByte');
  const both = whole.length === 2;
  // Both curves are drawn, yet maybe in different panels: then there is no gap to read.
  const side = shown.some((r) => r.cdf.warm.length > 0 && r.cdf.cold.length > 0);
  const streamed = kinds.includes('firstByte');
  const firstByte = streamed ? ' The first-byte curve is of the streamed responses (app.stream): sending to the first byte, cold and warm together.' : '';
  return {
    id: 'latency-cdf',
    heading: 'Latency distribution',
    explanation:
      (both && side
        ? 'For each latency on the x axis, the share of successful requests that were at least that fast; the gap between the warm and cold-start curves is what scaling from zero costs.'
        : both
        ? 'For each latency on the x axis, the share of successful requests that were at least that fast. No revision shown had both warm and cold-start requests, so each panel has one curve: a revision’s cold-start curve is all its 200s, every one of which waited for a pod.'
        : `For each latency on the x axis, the share of successful requests that were at least that fast; ${whole[0] === 'cold' ? 'every one was a cold start (it waited for a pod)' : 'none was a cold start, so there is no cold-start curve'}.`) + firstByte,
    spec: topLevel(
      `Latency distribution (CDF)${both ? ', cold vs warm' : whole[0] === 'cold' ? ', cold starts only' : ', warm only'}${streamed ? ', and the first byte' : ''}`,
      withLines(
        streamed
          ? 'Client-side latency of 200 responses over the whole run, to the last byte and to the first (streamed); HDR histograms in latency-cdf.csv.'
          : 'Cumulative distribution of client-side latency of 200 responses over the whole run, from the HDR histograms in latency-cdf.csv.',
        note,
      ),
      stack(shown.map((r, i) => panel(ctx, r, i, kinds, xAxis))),
    ),
  };
}
