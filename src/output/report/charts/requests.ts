import { type Row, type TimeAxis, bucketLabel, bucketMax, bucketOf, bucketSum, breakGaps, val, xAt, xOf } from '../aggregate.js';
import type { RevisionData } from '../load.js';
import { logLatencyAxis } from './log-latency.js';
import { type Chart, type ChartContext, type Spec, COLORS, WIDTH, aggregationNote, keyedLegend, revisionTitle, topLevel, xEncoding, busiest, withLines } from './common.js';

/** Every outcome a completion can have, in stacking order (bottom first; cold starts drawn over them), and its legend label. */
const OUTCOMES = { ok: '200 OK', e3: '503 overloaded', e4: '504 timeout', ct: 'client gave up', e2: '502 (app gone or not accepting)', cold: 'cold start (any outcome)' };
type OutcomeKey = keyof typeof OUTCOMES;
/** One colour per outcome, whichever others a run had, so a colour means the same outcome in every report. */
const OUTCOME_COLORS: Record<OutcomeKey, string> = { ok: COLORS.ok, e3: COLORS.s503, e4: COLORS.s504, ct: COLORS.clientTimeout, e2: COLORS.s502, cold: COLORS.cold };
// p99 first so it is drawn first and the lower percentiles stay visible on top of it.
const PERCENTILES = { p99: 'p99', p95: 'p95', p50: 'p50 (median)' };

/**
 * Where the window of a requests-per-second.csv row starts: a row stamps its window's end, the
 * second before it, or (the last row of a run that ends between whole seconds) the part of a
 * second since the last whole one.
 */
const windowStart = (t: number): number => Math.ceil(t - 1e-9) - 1;

type Triple = [Float64Array, Float64Array, Float64Array];

/**
 * Percentiles per bucket, of the latency or (`firstByte`) of the streamed 200s' first byte: each
 * second's own on a 1 s grid; on a coarser grid those of all the bucket's 200s, from
 * latency-buckets.csv when the run wrote it for this grid (with first-byte columns, for those).
 * Without it, the highest per-second value stands in (an upper bound, said so in the title).
 */
function percentileSeries(axis: TimeAxis, r: RevisionData, firstByte: boolean): { p: Triple; exact: boolean } {
  const lb = r.latencyBuckets;
  const exactCols = firstByte ? [lb.fbP50, lb.fbP95, lb.fbP99] : [lb.p50, lb.p95, lb.p99];
  // A run without first-byte columns reads them as NaN in every row.
  const hasCols = !firstByte || lb.fbP99.some((v) => Number.isFinite(v));
  if (axis.bucketSeconds > 1 && lb.start.length > 0 && hasCols && lb.bucketSeconds.every((w) => w === axis.bucketSeconds)) {
    const p = [0, 1, 2].map(() => new Float64Array(axis.buckets).fill(Number.NaN)) as Triple;
    for (let k = 0; k < lb.start.length; k++) {
      const b = bucketOf(axis, lb.start[k]!);
      for (let j = 0; j < 3; j++) p[j]![b] = exactCols[j]![k]!;
    }
    return { p, exact: true };
  }
  const q = r.requests;
  const shifted = q.time.map(windowStart);
  const cols = firstByte ? [q.fbP50, q.fbP95, q.fbP99] : [q.p50, q.p95, q.p99];
  return { p: cols.map((v) => bucketMax(axis, shifted, v)) as Triple, exact: axis.bucketSeconds <= 1 };
}

/** What a percentile panel's values are, for its title. */
function percentilesOf(axis: TimeAxis, exact: boolean, what: string): string {
  if (axis.bucketSeconds <= 1) return 'of each second';
  return exact ? `of all ${what} in each ${bucketLabel(axis)} bucket` : `per second, highest in each ${bucketLabel(axis)} bucket (an upper bound)`;
}

/**
 * Where the run's per-second data ends (its last sample: a live run's last whole second, or
 * a finished run's last whole second), when that cuts the axis' last bucket short: the
 * bucket's rates are then over the `seconds` it covers. Undefined when the last bucket with
 * data is whole (the usual case: the data ends on a bucket boundary).
 */
function partialLastBucket(ctx: ChartContext): { end: number; seconds: number } | undefined {
  const { axis, run } = ctx;
  let end = Number.NEGATIVE_INFINITY;
  for (const r of run.revisions) {
    // A run that ends between whole seconds has its last completions in a row at its end, after the last sample.
    for (const t of [r.timeseries.time, r.requests.time]) if (t.length > 0 && t[t.length - 1]! > end) end = t[t.length - 1]!;
  }
  if (!Number.isFinite(end)) return undefined;
  const start = (axis.buckets - 1) * axis.bucketSeconds;
  const seconds = end - start;
  return seconds > 1e-9 && seconds < axis.bucketSeconds - 1e-9 ? { end, seconds } : undefined;
}

/** A revision's completions per outcome (requests-per-second.csv's columns), as the chart's keys name them. */
function outcomeColumns(r: RevisionData): Record<OutcomeKey, ArrayLike<number>> {
  const q = r.requests;
  return { ok: q.ok, e3: q.status503, e4: q.status504, ct: q.clientTimeouts, e2: q.status502, cold: q.cold };
}

/**
 * The outcomes some shown revision had, in stacking order: the legend lists only these (an outcome
 * no request had is not one of the run's), and the panels, which share its scale, stack only these.
 */
function outcomesSeen(revs: readonly RevisionData[]): OutcomeKey[] {
  const seen = (Object.keys(OUTCOMES) as OutcomeKey[]).filter((k) => revs.some((r) => Array.from(outcomeColumns(r)[k]).some((v) => v > 0)));
  // A run with no completion yet (a playground run's first seconds) still has a scale to draw its zero line with.
  return seen.some((k) => k !== 'cold') ? seen : ['ok', ...seen];
}

function panels(ctx: ChartContext, r: RevisionData, i: number, outcomeKeys: readonly OutcomeKey[]): Spec[] {
  const { axis } = ctx;
  const q = r.requests;
  const w = axis.bucketSeconds;
  // A row covers the second that ends at its time: each is put at its window's start.
  const starts = q.time.map(windowStart);
  const [ok, e3, e4, ct, e2, cold] = [q.ok, q.status503, q.status504, q.clientTimeouts, q.status502, q.cold].map((v) => bucketSum(axis, starts, v));
  // A run without 502s has no status502 column, and its rows no e2.
  const with502 = e2!.some((v) => v > 0);
  const statusKeys = outcomeKeys.filter((k) => k !== 'cold');
  const { p: [p50, p95, p99], exact } = percentileSeries(axis, r, false);
  const rates: Spec[] = [];
  const latency: Row[] = [];
  const coldMarks: Spec[] = [];
  const partial = partialLastBucket(ctx);
  for (let b = 0; b < axis.buckets; b++) {
    const t = xOf(axis, b);
    // The bucket the data ends in is a rate over the seconds it has, not a dip over the whole width.
    const width = partial !== undefined && b === axis.buckets - 1 ? partial.seconds : w;
    const rate: Spec = { t, ok: val(ok![b]! / width, 2), e3: val(e3![b]! / width, 2), e4: val(e4![b]! / width, 2), ct: val(ct![b]! / width, 2) };
    if (with502) rate['e2'] = val(e2![b]! / width, 2);
    rates.push(rate);
    const t2 = width === w ? xOf(axis, b + 1) : xAt(axis, partial!.end);
    if (cold![b]! > 0) coldMarks.push({ t, t2, c: val(cold![b]! / width, 2), n: cold![b]! });
    if (Number.isFinite(p50[b]!)) latency.push({ t, p50: val(p50[b]!, 1), p95: val(p95[b]!, 1), p99: val(p99[b]!, 1) });
  }
  // A step area draws a row up to the next one: the partial bucket's row is held to where its data ends.
  if (partial !== undefined) rates.push({ ...rates[rates.length - 1]!, t: xAt(axis, partial.end) });
  const title = revisionTitle(ctx, r);
  const ratePanel: Spec = {
    title: `${title}: completions per second${axis.bucketSeconds > 1 ? ` (mean over each ${bucketLabel(axis)} bucket)` : ''}`,
    width: WIDTH,
    height: 160,
    layer: [
      {
        data: { values: rates },
        transform: [
          { fold: statusKeys, as: ['outcome', 'v'] },
          { calculate: `indexof(${JSON.stringify(statusKeys).replace(/"/g, "'")}, datum.outcome)`, as: 'oi' },
        ],
        name: `data_rate_${i}`,
        mark: { type: 'area', interpolate: 'step-after' },
        encoding: {
          x: xEncoding(axis),
          y: { field: 'v', type: 'quantitative', stack: 'zero', title: 'rate (requests/s)' },
          fill: {
            field: 'outcome',
            type: 'nominal',
            scale: { domain: [...outcomeKeys], range: outcomeKeys.map((k) => OUTCOME_COLORS[k]) },
            legend: keyedLegend('outcome (requests/s)', Object.fromEntries(outcomeKeys.map((k) => [k, OUTCOMES[k]])), { symbolType: 'square' }),
          },
          order: { field: 'oi', sort: 'ascending' },
        },
      },
      ...(coldMarks.length === 0 ? [] : [{
        data: { values: coldMarks },
        name: `data_cold_${i}`,
        mark: { type: 'rect' },
        encoding: {
          x: xEncoding(axis),
          x2: { field: 't2' },
          y: { field: 'c', type: 'quantitative', title: 'rate (requests/s)' },
          y2: { datum: 0 },
          fill: { datum: 'cold', type: 'nominal' },
          tooltip: [{ field: 'n', title: 'cold-start requests' }],
        },
      }]),
    ],
  };
  const latencyPanel = percentilePanel(
    ctx,
    `${title}: latency of successful (200) requests, percentiles ${percentilesOf(axis, exact, '200s')}`,
    latency,
    `data_latency_${i}`,
  );
  return [ratePanel, latencyPanel, ...firstBytePanel(ctx, r, i)];
}

/**
 * For a revision that streams (app.stream): the first byte of its 200s, percentiles of each second
 * (requests-per-second.csv's first_byte columns), or on a coarser grid of each bucket (latency-buckets.csv's).
 * None for a revision that writes its responses whole.
 */
function firstBytePanel(ctx: ChartContext, r: RevisionData, i: number): Spec[] {
  const { axis } = ctx;
  const q = r.requests;
  if (q.fbP99.length !== q.time.length || !q.fbP99.some((v) => Number.isFinite(v))) return [];
  const { p: [p50, p95, p99], exact } = percentileSeries(axis, r, true);
  const rows: Row[] = [];
  for (let b = 0; b < axis.buckets; b++) {
    if (Number.isFinite(p50[b]!)) rows.push({ t: xOf(axis, b), p50: val(p50[b]!, 1), p95: val(p95[b]!, 1), p99: val(p99[b]!, 1) });
  }
  return [percentilePanel(ctx, `${revisionTitle(ctx, r)}: first byte of streamed 200s, percentiles ${percentilesOf(axis, exact, 'streamed 200s')}`, rows, `data_first_byte_${i}`)];
}

/**
 * The rows with no row in the step before or after them. A step line draws such a row as a dash one
 * step wide (under a pixel on a 1 s grid of a 15 min run), which the eye misses in a sparse run:
 * these get a ring too, in the middle of their step.
 */
export function isolatedRows(rows: readonly Row[], step: number): Row[] {
  const near = (a: Row | undefined, b: Row): boolean => a !== undefined && Math.abs((a['t'] as number) - (b['t'] as number)) <= step + 2e-5;
  return rows.filter((r, i) => !near(rows[i - 1], r) && !near(rows[i + 1], r));
}

/** Percentile lines (p50, p95, p99 in ms, on a log axis) of `rows`, one per bucket with a value; rings for isolated buckets. */
function percentilePanel(ctx: ChartContext, title: string, rows: Row[], name: string): Spec {
  const { axis } = ctx;
  const pKeys = Object.keys(PERCENTILES);
  const xEnd = xAt(axis, axis.durationSeconds);
  const step = xOf(axis, 1);
  const x = xEncoding(axis);
  const y = { field: 'v', type: 'quantitative', ...logLatencyAxis(rows.flatMap((row) => pKeys.map((k) => row[k]).filter((v): v is number => typeof v === 'number')), 160, 6, true) };
  const stroke = {
    field: 'percentile',
    type: 'nominal',
    scale: { domain: pKeys, range: [COLORS.p99, COLORS.p95, COLORS.p50] },
    legend: keyedLegend('percentile (ms)', PERCENTILES, { symbolType: 'stroke' }),
  };
  // The middle of the step, not past the run's end when the last step is cut short by it.
  const isolated = isolatedRows(rows, step).map((row) => ({ ...row, t: round5(Math.min((row['t'] as number) + step / 2, ((row['t'] as number) + xEnd) / 2)) }));
  return {
    title,
    width: WIDTH,
    height: 160,
    layer: [
      {
        // Seconds without a 200 leave a gap rather than a line across it; the last step is held to
        // the run's end, not a whole step past it when the run ends inside its last bucket.
        data: { values: breakGaps(rows, pKeys, step, step).map((row) => ((row['t'] as number) > xEnd ? { ...row, t: xEnd } : row)) },
        transform: [{ fold: pKeys, as: ['percentile', 'v'] }],
        name,
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y, stroke },
      },
      ...(isolated.length === 0
        ? []
        : [
            {
              data: { values: isolated },
              transform: [{ fold: pKeys, as: ['percentile', 'v'] }],
              name: `${name}_isolated`,
              mark: { type: 'point', filled: false, size: 22, strokeWidth: 1.5 },
              encoding: { x, y, stroke },
            },
          ]),
    ],
  };
}

const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;

export function requestsChart(ctx: ChartContext): Chart | undefined {
  const revs = ctx.run.revisions.filter((r) => r.requests.time.length > 0);
  if (revs.length === 0) return undefined;
  const { shown, note } = busiest(ctx.run, revs, (r) => [r], 'revisions');
  const outcomes = outcomesSeen(shown);
  const streaming = shown.filter((r) => r.requests.fbP99.some((v) => Number.isFinite(v)));
  const streams = streaming.length > 0;
  // A run from a knsim whose latency-buckets.csv had no first-byte columns: those panels show per-second highs.
  const firstByteHighs = streaming.some((r) => !r.latencyBuckets.fbP99.some((v) => Number.isFinite(v)));
  return {
    id: 'requests',
    heading: 'Requests and latency',
    explanation:
      // Cold as requests.csv's cold flag: a request that waited at the activator for more pods while one was usable is not one.
      `Completed requests per second by outcome (${outcomes.includes('cold') ? 'orange bars: cold starts, the requests that reached an activator while the revision had no usable pod' : 'no orange bars: no request shown was a cold start, one that reached an activator while its revision had no usable pod'}), and below, the p50, p95 and p99 latency of the successful ones on a log scale.` +
      ' Where fewer than 20 successful requests completed in a step, its p95 and p99 are both its slowest request, so the p95 line covers the p99 line. A step with 200s but none in the steps beside it is ringed, as its line is only one step wide.' +
      (streams ? ' For a revision that streams its responses, a third panel has the same percentiles of the time to the first byte, by completion time.' : ''),
    spec: topLevel(
      'Requests and latency',
      withLines(`Completions per second by outcome, ${outcomes.includes('cold') ? 'cold-start requests in orange' : 'no cold-start request'}; latency percentiles of 200 responses, by completion time.${aggregationNote(
        ctx.axis,
        ctx.run.files.latencyBuckets
          ? `rates are bucket averages; percentiles are of all the 200s completed in the bucket${firstByteHighs ? ', the first byte\'s the highest per-second value' : ''}`
          : 'rates are bucket averages, percentiles the highest per-second value',
      )}`, note),
      { vconcat: shown.flatMap((r, i) => panels(ctx, r, i, outcomes)), resolve: { scale: { fill: 'shared', stroke: 'shared' } } },
    ),
  };
}
