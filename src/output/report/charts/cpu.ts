import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { breakGaps, bucketMax, type Row, val, xOf } from '../aggregate.js';
import { badCell, type CellRule, Columns, COUNT, MEASURE, readCell, readRunCsv, timeRule } from '../csv.js';
import type { RevisionData } from '../load.js';
import { type Chart, type ChartContext, type Spec, WIDTH, aggregationNote, busiest, withLines, headroomScale, heldToEnd, keyedLegend, revisionTitle, stack, topLevel, xEncoding, xTitle } from './common.js';

// The request is summed over the pods metrics-server has reported, terminating ones included: not every pod, and not only the HPA's.
const LABELS = { u: 'CPU usage (metrics-server)', r: 'CPU request (pods with metrics)' };
const COLOR = { u: '#e45756', r: '#4c78a8' };

/** One revision's CPU columns of timeseries.csv. */
interface CpuSeries {
  time: number[];
  usage: number[];
  request: number[];
  utilization: number[];
  /** pods_with_metrics: the pods both sums are over. */
  pods: number[];
}

/**
 * The CPU columns of timeseries.csv, by "service/revision"; undefined when the run did not
 * model resources (the columns are absent) or no revision ever had metrics.
 */
export function readCpuSeries(dir: string, durationSeconds: number): Map<string, CpuSeries> | undefined {
  const p = join(dir, 'timeseries.csv');
  if (!existsSync(p)) return undefined;
  const time = timeRule(durationSeconds);
  const out = new Map<string, CpuSeries>();
  let any = false;
  readRunCsv(p, (header) => {
    // A run that did not model resources has no CPU columns: the rest of the file is not needed.
    if (!header.includes('cpu_usage_m')) return undefined;
    const c = new Columns(p, header);
    const [iT, iS, iR, iU, iQ, iP] = [c.col('time_s'), c.col('service'), c.col('revision'), c.col('cpu_usage_m'), c.col('cpu_request_m'), c.col('cpu_utilization_pct')];
    // Only for the tooltip: a file without the column still draws, its pod count unknown.
    const iN = c.has('pods_with_metrics') ? c.col('pods_with_metrics') : -1;
    return (row, line) => {
      // Empty CPU cells are seconds when no pod had metrics.
      const at = (index: number, rule: CellRule): number => {
        const v = readCell(row[index], rule);
        if (v === undefined) throw badCell(p, line, header[index]!, row[index], rule);
        return v;
      };
      const key = `${row[iS] ?? ''}/${row[iR] ?? ''}`;
      let s = out.get(key);
      if (s === undefined) out.set(key, (s = { time: [], usage: [], request: [], utilization: [], pods: [] }));
      const u = at(iU, MEASURE);
      if (Number.isFinite(u)) any = true;
      s.time.push(at(iT, time));
      s.usage.push(u);
      s.request.push(at(iQ, MEASURE));
      s.utilization.push(at(iP, MEASURE));
      // A revision that models no resources has every resource cell empty, its pod count too (README: "empty cells for the others").
      const unmodelled = iN >= 0 && row[iN] === '' && [iU, iQ, iP].every((i) => row[i] === '');
      s.pods.push(iN < 0 || unmodelled ? Number.NaN : at(iN, COUNT));
    };
  });
  return any ? out : undefined;
}

/**
 * Seconds when no pod had metrics (all new or restarted) leave a gap: the step before them ends
 * where they begin, and a row of nulls breaks the lines (Vega-Lite's default for lines).
 */
function withGaps(axis: ChartContext['axis'], values: Row[]): Row[] {
  const out = breakGaps(values, ['u', 'r', 'pct', 'n'], xOf(axis, 1), xOf(axis, 1));
  // The last row's closing step would pass the data's end; heldToEnd carries it to the run's end instead.
  if (values.length > 0) out.pop();
  return out;
}

function panel(ctx: ChartContext, r: RevisionData, s: CpuSeries, i: number): Spec {
  const { axis } = ctx;
  const u = bucketMax(axis, s.time, s.usage);
  const q = bucketMax(axis, s.time, s.request);
  const p = bucketMax(axis, s.time, s.utilization);
  // Seconds without metrics have no pods to count: 0 there would read as a sample.
  const n = bucketMax(axis, s.time, s.pods.map((v, k) => (Number.isNaN(s.usage[k]!) ? Number.NaN : v)));
  const values: Row[] = [];
  for (let b = 0; b < axis.buckets; b++) {
    if (Number.isNaN(u[b]!) && Number.isNaN(q[b]!)) continue;
    values.push({ t: xOf(axis, b), u: val(u[b]!, 0), r: val(q[b]!, 0), pct: val(p[b]!, 0), n: val(n[b]!, 0) });
  }
  const keys = Object.keys(LABELS);
  return {
    title: revisionTitle(ctx, r),
    width: WIDTH,
    height: 160,
    layer: [
      {
        data: { values: heldToEnd(axis, withGaps(axis, values)) },
        transform: [{ fold: keys, as: ['k', 'v'] }],
        name: `data_cpu_${i}`,
        // metrics-server's values hold from one scrape to the next: steps, not slopes.
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: xEncoding(axis),
          y: { field: 'v', type: 'quantitative', title: 'CPU (millicores)', scale: headroomScale([...u, ...q]) },
          stroke: { field: 'k', type: 'nominal', scale: { domain: keys, range: [COLOR.u, COLOR.r] }, legend: keyedLegend('revision total', LABELS, { symbolType: 'stroke' }) },
          tooltip: [
            // t is in the time axis' unit (min or h on long runs), not always seconds.
            { field: 't', type: 'quantitative', title: xTitle(axis) },
            // Not the HPA's value while pods terminate: it leaves them out (replica_calculator.go, groupPods).
            { field: 'pct', type: 'quantitative', title: 'usage of these pods (% of their request)' },
            { field: 'n', type: 'quantitative', title: 'pods with metrics (count)' },
          ],
        },
      },
    ],
  };
}

/** CPU usage against the CPU request of the pods metrics-server reports, per revision, when the run modelled CPU. */
export function cpuChart(ctx: ChartContext): Chart | undefined {
  const series = readCpuSeries(ctx.run.dir, Math.max(ctx.run.durationSeconds, ctx.run.summary.simulatedSeconds));
  if (series === undefined) return undefined;
  const revs = ctx.run.revisions
    .map((r) => ({ r, s: series.get(`${r.service}/${r.revision}`) }))
    .filter((x): x is { r: RevisionData; s: CpuSeries } => x.s !== undefined && x.s.usage.some((v) => Number.isFinite(v)));
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (x) => [x.r], 'revisions');
  return {
    id: 'cpu',
    heading: 'CPU usage vs request',
    explanation:
      'The revision’s CPU usage as metrics-server reports it (each pod’s rate over the last scrape interval, summed over every running pod it has a metric for, terminating ones included) against the summed CPU requests of those pods; hover for their ratio and the pod count. The HPA takes the same ratio at each sync but leaves out pods being deleted and pods still starting up, so while pods terminate or start, the utilization it scales on (observed_stable in autoscaler.csv) can differ from this ratio. A gap in the lines is a time when no pod had metrics (every pod new or its container just restarted).',
    spec: topLevel(
      'CPU usage vs request',
      withLines(`Millicores per revision from timeseries.csv: usage and request of the pods metrics-server has reported, updated at each scrape.${aggregationNote(ctx.axis, 'the maximum in each bucket')}`, note),
      stack(shown.map(({ r, s }, i) => panel(ctx, r, s, i))),
    ),
  };
}
