import { idleCostText } from '../../cluster-accounting.js';
import { bucketLabel, round, xAt } from '../aggregate.js';
import { type Chart, type ChartContext, type Spec, dataLayer, panel, stack, topLevel, xEncoding } from './common.js';
import { cumulativeCost, levelRows, nodeSteps, sumSteps } from './cluster-levels.js';

const PALETTE = ['#e45756', '#4c78a8', '#f58518', '#54a24b', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d'];

/** A y scale from $0 with ~15 % headroom (headroomScale's +1 is meant for counts). */
const dollarScale = (values: readonly number[]): Spec => ({ domain: [0, Math.max(...values, 0) * 1.15 || 1], nice: true, zero: true });

/**
 * A dollar axis whose ticks read apart: cents for a dollar or more, else enough decimals for a
 * fifth of the largest value (a minute of one $0.20/h node ticked $0.00 five times in cents).
 */
function dollarAxisFormat(values: readonly number[]): string {
  const max = Math.max(...values, 0);
  const digits = max >= 1 || max <= 0 ? 2 : Math.min(8, Math.max(2, Math.ceil(-Math.log10(max / 5))));
  return `$,.${digits}f`;
}

const dollars = (v: number): string => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;

/** What pods are charged: revisions, and DaemonSets when there are some (summaries before knsim charged them have none). */
const chargedText = (revisions: number, daemonSets: number): string =>
  daemonSets > 0 ? `Charged to revisions ${dollars(revisions)}, to DaemonSets ${dollars(daemonSets)}` : `Charged to revisions ${dollars(revisions)}`;

/** Node cost accumulating over the run, and the $/h being spent by node pool (nodes.csv). */
export function costChart(ctx: ChartContext): Chart | undefined {
  const { axis, run } = ctx;
  if (run.nodes === undefined) return undefined;
  const { rateByPool, unlaunched } = nodeSteps(run.nodes);
  const pools = [...rateByPool.keys()];
  const exact = axis.bucketSeconds <= 1;
  const end = axis.durationSeconds;
  // Cumulative cost is piecewise linear with corners at node events: exact at every sample.
  const times = exact
    ? [...new Set([0, ...run.nodes.time.filter((t) => t <= end), end])].sort((a, b) => a - b)
    : [...Array.from({ length: axis.buckets }, (_, b) => b * axis.bucketSeconds).filter((t) => t < end), end];
  const cumulative = cumulativeCost(sumSteps(rateByPool.values()), times);
  const costRows: Spec[] = times.map((t, i) => ({ t: xAt(axis, t), c: round(cumulative[i]!, 6) }));
  // The $/h of each pool, stacked; on coarse grids each bucket's time-weighted mean, so the area is the cost.
  const wide = levelRows(axis, pools.map((p) => [p, rateByPool.get(p)!] as const), 'mean');
  const rateRows: Spec[] = wide.flatMap((r) => pools.map((p) => ({ t: r['t'], s: p, v: r[p] })));
  const totals = wide.map((r) => pools.reduce((a, p) => a + r[p]!, 0));
  const x = xEncoding(axis);
  const costPanel = panel('Node cost so far', 170, [
    dataLayer('data_cost_0', costRows, {
      mark: { type: 'line', interpolate: 'linear', point: exact && costRows.length < 60 },
      encoding: {
        x,
        y: { field: 'c', type: 'quantitative', title: 'cost so far ($)', scale: dollarScale(costRows.map((r) => r['c'] as number)), axis: { format: dollarAxisFormat(costRows.map((r) => r['c'] as number)) } },
        stroke: { datum: 'all node pools', type: 'nominal', scale: { range: ['#222222'] }, legend: { title: 'node cost ($)', symbolType: 'stroke' } },
        tooltip: [{ field: 'c', title: 'cost so far ($)', format: '$,.4f' }],
      },
    }),
  ]);
  const ratePanel = panel('Spending rate', 140, [
    dataLayer('data_cost_1', rateRows, {
      transform: [{ calculate: `indexof(${JSON.stringify(pools).replace(/"/g, "'")}, datum.s)`, as: 'si' }],
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
      encoding: {
        x,
        y: { field: 'v', type: 'quantitative', title: 'rate ($/h)', stack: 'zero', scale: dollarScale(totals), axis: { format: dollarAxisFormat(totals) } },
        fill: { field: 's', type: 'nominal', scale: { domain: pools, range: pools.map((_, i) => PALETTE[i % PALETTE.length]!) }, legend: { title: 'node pool ($/h)', symbolType: 'square' } },
        order: { field: 'si', sort: 'ascending' },
        tooltip: [{ field: 's', title: 'pool' }, { field: 'v', title: '$/h', format: '$,.4f' }],
      },
    }),
  ]);
  const cost = run.summary.cost;
  const split =
    cost === undefined
      ? []
      : [
          `Total ${dollars(cost.total)}, ${dollars(cost.perDay)} per simulated day.`,
          `${chargedText(cost.total - cost.idle - (cost.daemonSets ?? 0), cost.daemonSets ?? 0)} (OpenCost's max(request, usage)); ${idleCostText(cost.total, cost.idle, dollars, 0)}.`,
        ];
  const how = [
    // Only a run with Karpenter launch failures has a node billed from later than its request.
    unlaunched.time.length > 0
      ? 'Each node costs its price × its lifetime, from its launch (the provision request, or its Launched row after a failed create call) to its deletion (nodes.csv).'
      : 'Each node costs its price × its lifetime, from the provision request to its deletion (nodes.csv).',
    exact ? 'The rate steps at each node event.' : `The rate is each ${bucketLabel(axis)} bucket's time-weighted mean, so its area is the cost.`,
  ];
  return {
    id: 'cost',
    heading: 'Cost over time',
    explanation: `What the nodes cost as the run goes on (the line ends at the run's node cost) and the dollars per hour being spent, by node pool. ${split.join(' ')}`,
    spec: topLevel('Cost over time', [...how, ...split], stack([costPanel, ratePanel])),
  };
}
