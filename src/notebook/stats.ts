/** Small statistics for notebooks: mean with a t-based 95 % confidence interval, windowed means, percentiles. */

// Mean ± t-based 95 % CI (and of paired differences, for points run on common seeds): the sweep's implementation, so notebooks and `knsim sweep` agree.
export { meanCI, pairedDifferenceCI, tQuantile975, type MeanCI } from '../sweep/stats.js';

/** Time-weighted mean of a per-second series over [from, to): samples are taken at whole seconds. */
export function meanOver<T extends { time: number }>(rows: readonly T[], value: (row: T) => number, from: number, to: number): number {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    if (r.time >= from && r.time < to) {
      sum += value(r);
      n++;
    }
  }
  if (n === 0) throw new Error(`no samples in [${from}, ${to})`);
  return sum / n;
}

/** The p-th percentile (nearest rank, 0 < p ≤ 100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Rounds for display: `round(3.14159, 2)` is 3.14. */
export function round(v: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
