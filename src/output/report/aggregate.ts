/**
 * Puts per-second (and per-evaluation) series onto one coarse time grid so a chart never
 * carries more than a few thousand points per revision, however long the run.
 */

/** Bucket widths the grid may use, in seconds. */
const NICE_BUCKETS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400];

export type TimeUnit = 's' | 'min' | 'h';

export interface TimeAxis {
  /** Where the data ends: the run's length (for a run still going, the time it has reached). */
  durationSeconds: number;
  /** Width of one bucket in seconds (1 for short runs). */
  bucketSeconds: number;
  /** Number of buckets: bucket b covers [b·w, (b+1)·w). */
  buckets: number;
  /** The unit the charts' x axis uses. */
  unit: TimeUnit;
  unitSeconds: number;
  /**
   * Where the x axis ends when that is later than the data's end: a run still going is drawn
   * on its whole length's axis. Absent: at `durationSeconds`.
   */
  xEndSeconds?: number;
}

/** The most points a per-revision series may have on the grid. */
export const DEFAULT_MAX_POINTS = 1500;

export function timeAxis(durationSeconds: number, maxPoints = DEFAULT_MAX_POINTS): TimeAxis {
  const d = Math.max(1, durationSeconds);
  const need = d / Math.max(1, maxPoints);
  const bucketSeconds = NICE_BUCKETS.find((b) => b >= need) ?? Math.ceil(need);
  const unit: TimeUnit = d <= 1200 ? 's' : d <= 6 * 3600 ? 'min' : 'h';
  const unitSeconds = unit === 's' ? 1 : unit === 'min' ? 60 : 3600;
  // A run shorter than a second ends where it ends (its panic and levels are not drawn past it); the grid stays 1 s.
  const end = durationSeconds > 0 ? durationSeconds : d;
  return { durationSeconds: end, bucketSeconds, buckets: Math.floor(end / bucketSeconds) + 1, unit, unitSeconds };
}

/** Keeps the whole report's data bounded: fewer points per revision when there are many. */
export function pointsPerRevision(revisions: number, maxPoints = DEFAULT_MAX_POINTS): number {
  return Math.max(300, Math.min(maxPoints, Math.floor(9000 / Math.max(1, revisions))));
}

/**
 * The bucket width the report of a run will chart with (default points): the run writes
 * latency percentiles per bucket of this width so the chart need not combine percentiles.
 */
export function reportBucketSeconds(durationSeconds: number, revisions: number): number {
  return timeAxis(durationSeconds, pointsPerRevision(revisions)).bucketSeconds;
}

/** A human name for the grid, e.g. "1 s" or "1 min". */
export function bucketLabel(axis: TimeAxis): string {
  const b = axis.bucketSeconds;
  if (b % 3600 === 0) return `${b / 3600} h`;
  if (b % 60 === 0) return `${b / 60} min`;
  return `${b} s`;
}

/** The time axes' unit as every label writes it (the summary table uses the same). */
export function timeUnitLabel(axis: TimeAxis): TimeUnit {
  return axis.unit;
}

export function bucketOf(axis: TimeAxis, t: number): number {
  const b = Math.floor(t / axis.bucketSeconds + 1e-9);
  return b < 0 ? 0 : b >= axis.buckets ? axis.buckets - 1 : b;
}

/** The x value (in the axis unit) of a bucket's start. */
export function xOf(axis: TimeAxis, bucket: number): number {
  return round((bucket * axis.bucketSeconds) / axis.unitSeconds, 5);
}

/** The x value of a time in seconds. */
export function xAt(axis: TimeAxis, t: number): number {
  return round(t / axis.unitSeconds, 5);
}

/** Rounds to `digits` decimals; non-finite values become null (JSON-friendly). */
export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** null for a missing value, so JSON keeps the shape and Vega skips it. */
export function val(v: number, digits = 3): number | null {
  return Number.isFinite(v) ? round(v, digits) : null;
}

/** Largest sample in each bucket (NaN where a bucket has none). For levels such as pod counts. */
export function bucketMax(axis: TimeAxis, time: readonly number[], values: readonly number[]): Float64Array {
  const out = new Float64Array(axis.buckets).fill(Number.NaN);
  for (let i = 0; i < time.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = bucketOf(axis, time[i]!);
    const cur = out[b]!;
    if (Number.isNaN(cur) || v > cur) out[b] = v;
  }
  return out;
}

/** Mean of the samples in each bucket (NaN where a bucket has none). */
export function bucketMean(axis: TimeAxis, time: readonly number[], values: readonly number[]): Float64Array {
  const sum = new Float64Array(axis.buckets);
  const n = new Uint32Array(axis.buckets);
  for (let i = 0; i < time.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = bucketOf(axis, time[i]!);
    sum[b]! += v;
    n[b]!++;
  }
  const out = new Float64Array(axis.buckets);
  for (let b = 0; b < axis.buckets; b++) out[b] = n[b]! > 0 ? sum[b]! / n[b]! : Number.NaN;
  return out;
}

/**
 * Sum of counts per bucket (0 where none). `shiftSeconds` moves each row's time first:
 * requests-per-second.csv stamps a window with its end, so -1 puts it at its start.
 */
export function bucketSum(axis: TimeAxis, time: readonly number[], values: readonly number[], shiftSeconds = 0): Float64Array {
  const out = new Float64Array(axis.buckets);
  for (let i = 0; i < time.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    out[bucketOf(axis, time[i]! + shiftSeconds)]! += v;
  }
  return out;
}

/**
 * A step function sampled at irregular times (the decider's desired scale, which holds
 * between evaluations): the largest value set in each bucket, and where no evaluation
 * falls in a bucket, the last value set before it. NaN before the first sample.
 */
export function bucketStep(axis: TimeAxis, time: readonly number[], values: readonly number[]): Float64Array {
  const out = new Float64Array(axis.buckets).fill(Number.NaN);
  const has = new Uint8Array(axis.buckets);
  const last = new Float64Array(axis.buckets).fill(Number.NaN);
  for (let i = 0; i < time.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = bucketOf(axis, time[i]!);
    if (!has[b] || v > out[b]!) out[b] = v;
    has[b] = 1;
    last[b] = v;
  }
  let carry = Number.NaN;
  for (let b = 0; b < axis.buckets; b++) {
    if (has[b]) carry = last[b]!;
    else out[b] = carry;
  }
  return out;
}

export interface Interval {
  start: number;
  end: number;
}

/**
 * Periods where `flag` is 1, from samples that each hold until the next one (the last
 * holds until `endSeconds`). Periods closer than one bucket are merged, and the gap
 * allowed grows until at most `maxIntervals` remain, so shading stays cheap.
 */
export function intervals(
  time: readonly number[],
  flag: readonly number[],
  endSeconds: number,
  mergeGapSeconds: number,
  maxIntervals = 400,
): Interval[] {
  const raw: Interval[] = [];
  let open = Number.NaN;
  for (let i = 0; i < time.length; i++) {
    const on = flag[i] === 1;
    if (on && Number.isNaN(open)) open = time[i]!;
    else if (!on && !Number.isNaN(open)) {
      raw.push({ start: open, end: time[i]! });
      open = Number.NaN;
    }
  }
  if (!Number.isNaN(open)) raw.push({ start: open, end: Math.max(open, endSeconds) });
  let gap = mergeGapSeconds;
  let merged = mergeIntervals(raw, gap);
  while (merged.length > maxIntervals) {
    gap = Math.max(gap * 2, 1);
    merged = mergeIntervals(merged, gap);
  }
  return merged;
}

/** Sorted intervals with those less than `gap` apart (or overlapping) joined. */
export function mergeIntervals(list: readonly Interval[], gap: number): Interval[] {
  const out: Interval[] = [];
  for (const iv of list) {
    const prev = out[out.length - 1];
    if (prev !== undefined && iv.start - prev.end < gap) prev.end = Math.max(prev.end, iv.end);
    else out.push({ ...iv });
  }
  return out;
}

export type Row = Record<string, number | string | null>;

/**
 * Breaks lines where data is missing: after any row whose successor is more than
 * `maxGapX` away (or that is last), adds a row with every key null, which Vega-Lite
 * draws as a gap instead of a line across the hole. With `closeStepX`, a step line's
 * last level before the gap is first held for one more step so isolated points show.
 */
export function breakGaps(rows: readonly Row[], keys: readonly string[], maxGapX: number, closeStepX?: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.push(r);
    const next = rows[i + 1];
    const t = r['t'] as number;
    // x values keep 5 decimals (xOf): neighbouring 5 s buckets on a minute axis are 0.08333 or
    // 0.08334 apart, so the comparison allows that rounding, not only float noise.
    if (next !== undefined && (next['t'] as number) - t <= maxGapX + 2e-5) continue;
    let end = t;
    if (closeStepX !== undefined) {
      end = round(t + closeStepX, 5);
      out.push({ ...r, t: end });
    }
    if (next === undefined) continue;
    const gap: Row = { t: end };
    for (const k of keys) gap[k] = null;
    out.push(gap);
  }
  return out;
}

/**
 * A level changed by events (a pod count from pods.csv), as the largest level it held in
 * each bucket [b·w, (b+1)·w): a bucket shows a change in the second it happened. Events
 * at one instant apply together (a zero-length blip is not a level). NaN before the first
 * event; the last level holds to the end. `times` must be in order.
 */
export function levelMax(axis: TimeAxis, times: readonly number[], deltas: readonly number[]): Float64Array {
  const out = new Float64Array(axis.buckets).fill(Number.NaN);
  const raise = (b: number, v: number): void => {
    const c = out[b]!;
    out[b] = Number.isNaN(c) || v > c ? v : c;
  };
  let level = 0;
  /** The bucket where the current level began (-1 before the first event). */
  let held = -1;
  let i = 0;
  while (i < times.length) {
    const t = times[i]!;
    const b = bucketOf(axis, t);
    // The old level held until t: through bucket b unless t is b's very start.
    const last = t > b * axis.bucketSeconds + 1e-9 ? b : b - 1;
    if (held >= 0) for (let k = held; k <= last; k++) raise(k, level);
    while (i < times.length && times[i] === t) level += deltas[i++]!;
    raise(b, level);
    held = b;
  }
  if (held >= 0) for (let k = held; k < axis.buckets; k++) raise(k, level);
  return out;
}

/**
 * A level changed by events, as its time-weighted mean over each bucket [b·w, (b+1)·w) cut
 * at `axis.durationSeconds`: unlike the maximum, means of levels add up, and Σ mean × width
 * is the level's integral (pod-seconds for a pod count). 0 before the first event; the last
 * level holds to the end. `times` must be in order.
 */
export function levelMean(axis: TimeAxis, times: readonly number[], deltas: readonly number[]): Float64Array {
  const w = axis.bucketSeconds;
  const end = axis.durationSeconds;
  const area = new Float64Array(axis.buckets);
  let level = 0;
  let from = 0;
  /** Adds level × the time in [a, b) to the buckets it covers. */
  const hold = (a: number, b: number): void => {
    for (let k = bucketOf(axis, a); a < b - 1e-12; k++) {
      const stop = Math.min(b, (k + 1) * w);
      area[k]! += level * (stop - a);
      a = stop;
    }
  };
  for (let i = 0; i < times.length; i++) {
    const t = Math.min(Math.max(times[i]!, from), end);
    hold(from, t);
    from = t;
    level += deltas[i]!;
  }
  hold(from, end);
  const out = new Float64Array(axis.buckets);
  for (let k = 0; k < axis.buckets; k++) {
    const width = Math.min(end, (k + 1) * w) - k * w;
    // A bucket that starts at the very end has no width: it shows the level there.
    out[k] = width > 1e-12 ? area[k]! / width : level;
  }
  return out;
}
