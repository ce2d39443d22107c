import { bucketSum, val, xOf } from '../aggregate.js';
import { type Chart, type ChartContext, type Spec, WIDTH, aggregationNote, heldToEnd, topLevel, xEncoding, busiest, withLines } from './common.js';

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

function panel(ctx: ChartContext, service: string, multiService: boolean, i: number): Spec | undefined {
  const { axis } = ctx;
  const revs = ctx.run.revisions.filter((r) => r.service === service && r.timeseries.time.length > 0);
  if (revs.length === 0) return undefined;
  const values: Spec[] = [];
  const names = revs.map((r) => r.revision);
  // Each revision's share is averaged over the service's samples in the bucket, not its own: a
  // revision created (or gone) mid-bucket had 0 % at the others, and a mean over its own samples
  // alone stacked the bucket above 100 %.
  const times = [...new Set(revs.flatMap((r) => r.timeseries.time))];
  const samples = bucketSum(axis, times, times.map(() => 1));
  for (const r of revs) {
    const sum = bucketSum(axis, r.timeseries.time, r.timeseries.trafficPercent);
    const rows: Spec[] = [];
    for (let b = 0; b < axis.buckets; b++) {
      // A bucket without samples (none yet) draws 0, so the stack stays whole.
      rows.push({ t: xOf(axis, b), r: r.revision, v: val(samples[b]! > 0 ? sum[b]! / samples[b]! : 0, 2) });
    }
    values.push(...heldToEnd(axis, rows));
  }
  return {
    title: multiService ? service : `service ${service}`,
    width: WIDTH,
    height: names.length > 1 ? 140 : 80,
    data: { values },
    name: `data_traffic_${i}`,
    mark: { type: 'area', interpolate: 'step-after' },
    encoding: {
      x: xEncoding(axis),
      y: { field: 'v', type: 'quantitative', stack: 'zero', title: 'traffic (%)', scale: { domain: [0, 100] } },
      fill: {
        field: 'r',
        type: 'nominal',
        title: 'revision (% of traffic)',
        scale: { domain: names, range: PALETTE.slice(0, Math.max(1, Math.min(names.length, PALETTE.length))) },
        legend: { symbolType: 'square' },
      },
      order: { field: 'r', sort: 'ascending' },
    },
  };
}

export function trafficChart(ctx: ChartContext): Chart | undefined {
  const services = [...new Set(ctx.run.revisions.map((r) => r.service))];
  const { shown, note } = busiest(ctx.run, services, (s) => ctx.run.revisions.filter((r) => r.service === s), 'services');
  const panels = shown.map((s, i) => panel(ctx, s, ctx.multiService, i)).filter((p): p is Spec => p !== undefined);
  if (panels.length === 0) return undefined;
  return {
    id: 'traffic',
    heading: 'Traffic share per revision',
    explanation:
      'The percentage of each service’s traffic routed to each revision: a split shows as parallel bands, a gradual rollout as a band that widens step by step.',
    spec: topLevel(
      'Traffic share per revision',
      withLines(`Routing percentages from the Route's traffic block (and gradual rollouts), per service.${aggregationNote(ctx.axis, 'bucket average')}`, note),
      { vconcat: panels, resolve: { scale: { fill: 'independent' } } },
    ),
  };
}
