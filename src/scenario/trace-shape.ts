/** Trace arrivals placed on the run's clock: pure, no file access (the browser playground uses it too). */

/** Arrivals (seconds, unsorted, as read) and optional per-request durations. */
export interface RawTrace {
  arrivals: number[];
  durations: number[] | undefined;
}

export interface TraceData {
  /** Sorted arrival times, seconds from the start of the run. */
  arrivals: Float64Array;
  /** Per-request service times in arrival order, or undefined to use the revision's app model. */
  durations: Float64Array | undefined;
}

export type TraceFormat = 'simple' | 'azure2021';

export interface TraceShaping {
  format: TraceFormat;
  /** Multiplies the gaps between arrivals (2 = half the rate). */
  timeScale: number;
  /** simple: added to every arrival; azure2021: where the first kept arrival lands. Seconds. */
  offsetSeconds: number;
  /** Keep per-request durations (when the trace has them). */
  useDurations: boolean;
}

/**
 * Sorts the arrivals (durations follow their requests) and places them on the
 * run's clock: simple traces as `offset + t × timeScale`, Azure traces shifted
 * so the first arrival is at `offset`, gaps multiplied by `timeScale`.
 */
export function shapeTrace(raw: RawTrace, opts: TraceShaping): TraceData {
  const n = raw.arrivals.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => raw.arrivals[x]! - raw.arrivals[y]! || x - y);
  const origin = opts.format === 'azure2021' && n > 0 ? raw.arrivals[order[0]!]! : 0;
  const arrivals = new Float64Array(n);
  const keepDurations = opts.useDurations && raw.durations !== undefined;
  const durations = keepDurations ? new Float64Array(n) : undefined;
  order.forEach((src, k) => {
    arrivals[k] = opts.offsetSeconds + (raw.arrivals[src]! - origin) * opts.timeScale;
    if (durations !== undefined) durations[k] = raw.durations![src]!;
  });
  return { arrivals, durations };
}
