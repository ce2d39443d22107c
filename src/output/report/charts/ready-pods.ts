import { bucketLabel, levelMean, round, xAt, xOf } from '../aggregate.js';
import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, WIDTH, busiest, topLevel, withLines, xEncoding } from './common.js';
import { podDeltas } from './pods.js';
import { levelsAt, sumSteps, type Steps } from './cluster-levels.js';

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

/**
 * A revision's ready-pod changes: from pods.csv (exact times) when the run has it, else
 * from the whole-second samples of timeseries.csv (each sample holds until the next).
 */
function readyChanges(r: RevisionData, exact: boolean): Steps {
  if (exact) return { time: r.pods.time, delta: podDeltas(r).ready };
  const ts = r.timeseries;
  const delta = ts.ready.map((v, i) => v - (i > 0 ? ts.ready[i - 1]! : 0));
  return { time: ts.time, delta };
}

/**
 * Rows {t, s: service, v: ready pods} for a stacked area. On a 1 s grid: the exact step
 * function, a row per service at every instant any service's count changes (and at the
 * end, so the last step is drawn). On a coarser grid: each service's time-weighted mean
 * per bucket, so the bands add up and the area is the ready pod-time.
 */
export function readyPodRows(ctx: ChartContext): { services: string[]; rows: Spec[]; totals: Spec[]; note: string[] } {
  const { axis, run } = ctx;
  const all = [...new Set(run.revisions.map((r) => r.service))];
  const revisionsOf = (svc: string): RevisionData[] => run.revisions.filter((r) => r.service === svc);
  // One colour per band: past the palette, the busiest services keep their own band and the
  // rest share one, so no two bands look alike and the top edge is still the total.
  const { shown } = busiest(run, all, revisionsOf, 'services', PALETTE.length - 1);
  const rest = all.filter((s) => !shown.includes(s));
  const services = rest.length === 0 ? all : [...shown, `${rest.length} other services`];
  const bands = rest.length === 0 ? all.map(revisionsOf) : [...shown.map(revisionsOf), rest.flatMap(revisionsOf)];
  const note = rest.length === 0 ? [] : [`The ${shown.length} services with the most requests each have a band; the other ${rest.length} share the grey one.`];
  const steps = bands.map((revs) => sumSteps(revs.map((r) => readyChanges(r, run.files.pods))));
  const rows: Spec[] = [];
  const totals: Spec[] = [];
  const push = (t: number, values: readonly number[]): void => {
    let total = 0;
    services.forEach((s, k) => {
      rows.push({ t, s, v: values[k]! });
      total += values[k]!;
    });
    totals.push({ t, v: round(total, 3) });
  };
  if (axis.bucketSeconds <= 1) {
    const end = axis.durationSeconds;
    const instants = [...new Set([0, ...steps.flatMap((s) => s.time.filter((t, i) => s.delta[i] !== 0 && t <= end)), end])].sort((a, b) => a - b);
    const levels = steps.map((s) => levelsAt(instants, s));
    instants.forEach((t, i) => push(xAt(axis, t), levels.map((l) => l[i]!)));
  } else {
    const means = steps.map((s) => levelMean(axis, s.time, s.delta));
    for (let b = 0; b < axis.buckets; b++) push(xOf(axis, b), means.map((m) => round(m[b]!, 3)));
    // The last bucket's mean holds to the end of the run.
    push(xAt(axis, axis.durationSeconds), means.map((m) => round(m[axis.buckets - 1]!, 3)));
  }
  return { services, rows, totals, note };
}

export function readyPodsChart(ctx: ChartContext): Chart | undefined {
  const { axis, run } = ctx;
  if (!run.files.pods && !run.files.timeseries) return undefined;
  const { services, rows, totals, note } = readyPodRows(ctx);
  const readyHours = run.summary.overall.readyPodHours;
  const exact = axis.bucketSeconds <= 1;
  const how = exact
    ? `the ready pods of all revisions of each service, stacked, stepping at each ${run.files.pods ? 'pod transition (pods.csv)' : 'whole-second sample (timeseries.csv)'}`
    : `each service's mean ready pods over each ${bucketLabel(axis)} bucket (time-weighted, from ${run.files.pods ? 'pods.csv' : 'timeseries.csv'}), stacked`;
  const area = readyHours === undefined ? '' : `The area under the top edge is the run's ready pod-hours: ${readyHours.toLocaleString('en-US', { maximumSignificantDigits: 4 })} pod-h.`;
  const x = xEncoding(axis);
  // No pod ready yet (a live chart's first seconds, a run that never started one): a domain of
  // the one value 0 has no tick step, and vega would label its tick 0.000000.
  const noneReady = rows.every((r) => !(Number(r['v']) > 0));
  const y = { type: 'quantitative', title: 'ready pods (count)', axis: { tickMinStep: 1 }, ...(noneReady ? { scale: { domain: [0, 1] } } : {}) };
  const layers: Spec[] = [
    {
      data: { values: rows },
      name: 'data_readypods_0',
      transform: [{ calculate: `indexof(${JSON.stringify(services).replace(/"/g, "'")}, datum.s)`, as: 'si' }],
      mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
      encoding: {
        x,
        y: { ...y, field: 'v', stack: 'zero' },
        fill: {
          field: 's',
          type: 'nominal',
          scale: { domain: services, range: services.map((_, i) => PALETTE[i % PALETTE.length]!) },
          legend: { title: 'ready pods by service (count)', symbolType: 'square' },
        },
        order: { field: 'si', sort: 'ascending' },
        tooltip: [{ field: 's', title: 'service' }, { field: 'v', title: 'ready pods' }],
      },
    },
  ];
  if (services.length > 1) {
    layers.push({
      data: { values: totals },
      name: 'data_readytotal_0',
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
      encoding: {
        x,
        y: { ...y, field: 'v' },
        stroke: { datum: 'all services', type: 'nominal', scale: { range: ['#222222'] }, legend: { title: 'ready pods in total (count)', symbolType: 'stroke' } },
      },
    });
  }
  return {
    id: 'ready-pods',
    heading: 'Ready pods, all services',
    explanation: `How many pods were Ready across the whole cluster, by service (the top edge is the total): what a capacity planner has to provision for. ${area}`,
    spec: topLevel('Ready pods, all services', withLines(`${how[0]!.toUpperCase()}${how.slice(1)}.${area === '' ? '' : `\n${area}`}`, note), {
      width: WIDTH,
      height: 220,
      layer: layers,
    }),
  };
}
