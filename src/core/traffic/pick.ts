/**
 * The per-request choice of a revision from an ingress path's weighted splits.
 *
 * Knative leaves this to the ingress (Kourier, Istio, Contour, …); like Envoy's
 * weighted clusters each request independently picks a split with probability
 * weight / total. Build the table once per traffic change with
 * {@link buildSplit}; {@link pickRevision} is then a binary search that
 * allocates nothing.
 */

import { InvalidArgumentError, requireNonNegative } from '../errors.js';
import type { WeightedRevision } from './types.js';

/**
 * A precomputed pick table. Only entries with a positive weight are kept, so a
 * zero-percent split can never be picked. Treat it as immutable.
 */
export interface Split {
  /** Revision of each kept entry, in input order (a revision may repeat). */
  readonly revisions: readonly string[];
  /** Running sum of the kept weights: `cumulative[i]` is the sum of weights 0..i. */
  readonly cumulative: readonly number[];
  /** Sum of all weights (equals the last cumulative value). */
  readonly total: number;
}

/**
 * Precomputes the pick table for a list of weighted revisions (percent weights,
 * normally summing to 100 as in an ingress split; any positive total works and
 * is normalised). Duplicated revisions are allowed and simply add up.
 * @throws {InvalidArgumentError} on a negative or non-finite weight, an empty
 *   revision name, or when no weight is positive.
 */
export function buildSplit(weights: readonly WeightedRevision[]): Split {
  const revisions: string[] = [];
  const cumulative: number[] = [];
  let total = 0;
  weights.forEach((w, i) => {
    requireNonNegative(`weights[${i}].percent`, w.percent);
    if (typeof w.revisionName !== 'string' || w.revisionName === '') {
      throw new InvalidArgumentError(`weights[${i}].revisionName`, 'must be a non-empty string');
    }
    if (w.percent === 0) return;
    total += w.percent;
    revisions.push(w.revisionName);
    cumulative.push(total);
  });
  if (revisions.length === 0) {
    throw new InvalidArgumentError('weights', 'need at least one revision with a positive percent');
  }
  return { revisions: Object.freeze(revisions), cumulative: Object.freeze(cumulative), total };
}

/**
 * Index into `split.revisions` chosen by the uniform number `u` in [0, 1):
 * the first entry whose running sum exceeds `u × total`.
 * @throws {InvalidArgumentError} when `u` is NaN or outside [0, 1).
 */
export function pickIndex(split: Split, u: number): number {
  if (!(u >= 0 && u < 1)) throw new InvalidArgumentError('u', `must be in [0, 1), got ${String(u)}`);
  const cum = split.cumulative;
  const x = u * split.total;
  let lo = 0;
  let hi = cum.length - 1;
  // Smallest i with x < cum[i]; u < 1 keeps x below total up to rounding, so
  // hi = last entry is also the answer if rounding pushes x up to total.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < (cum[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The revision a request goes to, given a uniform random number `u` in [0, 1).
 * Deterministic: the same split and `u` always give the same revision, and for
 * `u = (i + 0.5) / N` over i = 0..N−1 each revision is chosen exactly
 * `N × percent / total` times (when that is an integer).
 * @throws {InvalidArgumentError} when `u` is NaN or outside [0, 1).
 */
export function pickRevision(split: Split, u: number): string {
  return split.revisions[pickIndex(split, u)] as string;
}
