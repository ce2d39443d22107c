/**
 * Means and 95 % confidence intervals of the replications of one point: Student's t
 * (meanCI, pairedDifferenceCI, for differences that may be negative), and intervals that
 * respect a metric's bounds (boundedCI: Wilson for proportions, a seeded bootstrap for
 * skewed non-negative values), which the sweep and tune reports show.
 *
 * The two-sided 95 % quantile t_{0.975, df} comes from a table for df = 1…30 (values from
 * scipy.stats.t.ppf(0.975, df), 6 decimals) and, for df > 30, from the Cornish–Fisher
 * expansion of t in powers of 1/df around the normal quantile z = 1.959964 (terms up to
 * df⁻⁴; Abramowitz & Stegun 26.7.5). Against scipy the expansion is exact to 6 decimals
 * from df = 20 on, so the switch at 31 loses nothing.
 */
import seedrandom from 'seedrandom';

const T975: readonly number[] = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985, 2.178813,
  2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
  2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
];

const Z975 = 1.959963984540054;

/** t_{0.975, df}: the multiplier of the standard error for a two-sided 95 % interval. */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be an integer ≥ 1, got ${df}`);
  const tabled = T975[df - 1];
  if (tabled !== undefined) return tabled;
  const z = Z975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export interface MeanCI {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  sd: number;
  /** Half-width of the 95 % interval, t × sd / √n; NaN when n < 2. */
  halfWidth: number;
  /** mean ∓ halfWidth; NaN when n < 2 (one replication says nothing about noise). */
  lo: number;
  hi: number;
}

/** Mean and 95 % confidence interval (Student's t) of independent replications. */
export function meanCI(values: readonly number[]): MeanCI {
  const n = values.length;
  if (n === 0) throw new RangeError('a mean needs at least one value');
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: 0, halfWidth: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth };
}

/** Sample variance (n − 1). */
export function variance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) throw new RangeError('a variance needs at least two values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
}

/** Mean and CI of the paired differences a[r] − b[r] (over the common prefix of the two lists). */
export function pairedDifferenceCI(a: readonly number[], b: readonly number[]): MeanCI {
  const n = Math.min(a.length, b.length);
  const d: number[] = [];
  for (let i = 0; i < n; i++) d.push(a[i]! - b[i]!);
  return meanCI(d);
}

/**
 * Paired seeds a difference that was the same value in every seed must have before it
 * counts as excluding 0. Student's t has no spread to measure then (its interval is that
 * value, [d, d]); with no real difference every seed lands on one given side with chance
 * 2^-n (a sign test), under the 2.5 % of one side of a 95 % interval from 6 seeds on.
 */
export const SAME_SIGN_SEEDS = 6;

export interface PairedDifference extends MeanCI {
  /** Every paired difference the same (as the files print them): the t interval has zero width. */
  sameInEverySeed: boolean;
  /** The first list is larger (above) or smaller (below) with 95 % confidence. */
  above: boolean;
  below: boolean;
}

/**
 * The paired difference a[r] − b[r] and whether it excludes 0: its t interval does, and a
 * difference the same in every seed has at least SAME_SIGN_SEEDS of them. Count metrics
 * (max pods, peak nodes) often differ by the same whole number in 2 or 3 seeds.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  const ci = pairedDifferenceCI(a, b);
  let same = ci.n >= 2;
  // Compared as the files print them, so float noise in a − b does not hide it.
  for (let i = 1; same && i < ci.n; i++) same = round6(a[i]! - b[i]!) === round6(a[0]! - b[0]!);
  const enough = !same || ci.n >= SAME_SIGN_SEEDS;
  return { ...ci, sameInEverySeed: same, above: ci.n >= 2 && ci.lo > 0 && enough, below: ci.n >= 2 && ci.hi < 0 && enough };
}

/**
 * A paired difference's interval within what a difference of the metric can be: two shares
 * in [0, 1] differ by at most 1 either way, so a Student t interval that reaches past ±100
 * percentage points is cut there (the mean is inside already). Unbounded metrics keep it.
 */
export function clampDifference<T extends { lo: number; hi: number }>(ci: T, bounds: readonly [number, number]): T {
  const reach = bounds[1] - bounds[0];
  if (!Number.isFinite(reach)) return ci;
  const clamp = (v: number): number => (Number.isNaN(v) ? v : Math.min(reach, Math.max(-reach, v)));
  return { ...ci, lo: clamp(ci.lo), hi: clamp(ci.hi) };
}

/**
 * Rounds for files: to 6 decimals, and below 0.001 (where 6 decimals keep fewer than 4
 * significant digits) to 6 significant digits: 1 error in 3 million requests is a rate of
 * 3.33333e-7, not 0, and 2 in 3 million 6.66667e-7, not 0.000001. The printed text (String
 * of the rounded double) reads back as exactly the same double, so outputs rebuilt from a
 * file are byte-identical. -0 becomes 0.
 */
export function round6(v: number): number {
  const r = Math.abs(v) < 0.001 ? Number(v.toPrecision(6)) : Math.round(v * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

// ---------------------------------------------------------------- intervals within a metric's bounds

/**
 * How a metric's interval is computed (the metric registry, src/output/metrics.ts, says
 * which applies): `proportion` for shares in [0, 1], `nonNegative` for skewed values ≥ 0.
 */
export type IntervalKind = 'proportion' | 'nonNegative';

export interface BoundedCI {
  n: number;
  mean: number;
  /** The 95 % interval; NaN when n < 2. Always lo ≤ mean ≤ hi, within the metric's bounds. */
  lo: number;
  hi: number;
}

/**
 * Wilson score interval for a proportion p̂ observed over n (possibly fractional,
 * "effective") trials with critical value z. It is the set of p that a score test at
 * that level does not reject, so it always contains p̂ and stays inside [0, 1].
 */
export function wilsonInterval(p: number, n: number, z: number): { lo: number; hi: number } {
  if (!(n > 0)) throw new RangeError(`a Wilson interval needs n > 0, got ${n}`);
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // p̂ is inside in exact arithmetic; min/max keep it there after rounding.
  return { lo: Math.max(0, Math.min(p, centre - half)), hi: Math.min(1, Math.max(p, centre + half)) };
}

/**
 * 95 % interval for the mean of per-replication proportions (each in [0, 1]).
 *
 * A run's requests are not independent trials (cold starts come in bursts), so the
 * request count would overstate the information. The replication is the unit: the
 * effective number of trials is the one a binomial would need to show the observed
 * variance of the mean, n_eff = p̄(1 − p̄) / (s² / r), and the Wilson interval is taken
 * with that n_eff and z = t_{0.975, r−1} (the design-effect adjustment of Korn and
 * Graubard, 1998). Near p̄ = ½ it matches the t interval; near 0 or 1 it is asymmetric
 * and never leaves [0, 1]. Replications that all agree give the zero-width interval.
 */
export function proportionCI(values: readonly number[]): BoundedCI {
  const { n, mean, sd } = meanCI(values);
  // A metric the runs do not have (NaN: sessions closed in a run without WebSocket sessions) has no interval.
  if (n < 2 || Number.isNaN(mean)) return { n, mean, lo: Number.NaN, hi: Number.NaN };
  const p = Math.min(1, Math.max(0, mean));
  const se2 = (sd * sd) / n;
  if (se2 === 0 || p === 0 || p === 1) return { n, mean: p, lo: p, hi: p };
  const { lo, hi } = wilsonInterval(p, (p * (1 - p)) / se2, tQuantile975(n - 1));
  return { n, mean: p, lo, hi };
}

/** Resamples per bootstrap interval: enough for a stable 2.5 % quantile, cheap for a large grid. */
export const BOOTSTRAP_RESAMPLES = 2000;

/**
 * Standard normal CDF, from the complementary error function's Chebyshev fit in
 * Numerical Recipes (relative error < 1.2e-7 everywhere, tails included).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * The lower tail probability of the expanded percentile interval (Hesterberg, 2015): the
 * plain percentile bootstrap is too narrow for few replications, so its percentiles are
 * moved out to where a t interval with the √(n/(n−1)) variance correction would put them.
 * n = 3 gives 7e-8 (the interval is the range of the bootstrap means, i.e. of the values),
 * n = 10 gives 0.0086, n = 30 gives 0.019, and large n approaches 0.025.
 */
export function expandedTail(n: number): number {
  return normalCdf(-Math.sqrt(n / (n - 1)) * tQuantile975(n - 1));
}

/** Resample indices per (seed, n), shared by every metric and point (see bootstrapCI). */
const resampleCache = new Map<string, Uint32Array>();

function resampleIndices(seed: string, n: number): Uint32Array {
  const key = `${seed}\u0000${n}`;
  let idx = resampleCache.get(key);
  if (idx === undefined) {
    const rng = seedrandom.alea(`${seed}/bootstrap/${n}`);
    idx = new Uint32Array(BOOTSTRAP_RESAMPLES * n);
    for (let i = 0; i < idx.length; i++) idx[i] = Math.floor(rng() * n);
    if (resampleCache.size >= 32) resampleCache.delete(resampleCache.keys().next().value!);
    resampleCache.set(key, idx);
  }
  return idx;
}

/**
 * The k-th smallest of a[left..right] (Hoare's selection, middle pivot), leaving every
 * smaller value before index k and every larger one after it. Two order statistics
 * are all the interval needs: a full sort of the resample means took 5× longer.
 */
export function selectKth(a: Float64Array, k: number, left: number, right: number): number {
  let l = left;
  let r = right;
  while (l < r) {
    const pivot = a[(l + r) >>> 1]!;
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k]!;
}

/**
 * 95 % interval for the mean of non-negative, often skewed values (latency percentiles,
 * pod-seconds, max pods): the expanded percentile bootstrap over BOOTSTRAP_RESAMPLES
 * resamples. Every resample mean lies between the smallest and largest value, so the
 * interval does too: never below 0, never above a bound the runs themselves respect
 * (max pods ≤ max-scale). The resamples come from `seed` (the sweep's seed), never from
 * Math.random, so the same replications always give the same interval; every point and
 * metric with the same number of replications uses the same resamples, as common random
 * numbers do for the runs.
 */
export function bootstrapCI(values: readonly number[], seed: string): BoundedCI {
  const n = values.length;
  if (n === 0) throw new RangeError('a mean needs at least one value');
  const { mean } = meanCI(values);
  // A replication without the metric (a latency with no 200 response) leaves the point without it.
  if (Number.isNaN(mean)) return { n, mean, lo: Number.NaN, hi: Number.NaN };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Summation order can put the mean an ulp outside the values.
  const m = Math.min(max, Math.max(min, mean));
  if (n < 2) return { n, mean: m, lo: Number.NaN, hi: Number.NaN };
  if (min === max) return { n, mean: m, lo: m, hi: m };
  const idx = resampleIndices(seed, n);
  const means = new Float64Array(BOOTSTRAP_RESAMPLES);
  for (let b = 0, at = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[idx[at++]!]!;
    means[b] = s / n;
  }
  const tail = expandedTail(n);
  const kLo = Math.min(BOOTSTRAP_RESAMPLES - 1, Math.floor(tail * BOOTSTRAP_RESAMPLES));
  const kHi = Math.max(kLo, Math.ceil((1 - tail) * BOOTSTRAP_RESAMPLES) - 1);
  const lo = selectKth(means, kLo, 0, BOOTSTRAP_RESAMPLES - 1);
  const hi = selectKth(means, kHi, kLo, BOOTSTRAP_RESAMPLES - 1);
  return { n, mean: m, lo: Math.max(min, Math.min(lo, m)), hi: Math.min(max, Math.max(hi, m)) };
}

/**
 * Below this many replications the bootstrap's order statistics are the smallest and largest
 * resample means (expandedTail(n) × BOOTSTRAP_RESAMPLES < 1), so a non-negative metric's
 * "interval" is the range of the replications, whatever the label says.
 */
export const RANGE_INTERVAL_BELOW = 5;

/**
 * What the range of n replications is worth, for the sentence that says so: of a symmetric,
 * continuous metric, the range misses the mean when all n land on one side of it, so it
 * covers it with probability 1 − 2 × 2⁻ⁿ (50 % for 2, 75 % for 3, 88 % for 4), and the
 * largest replication is above it with probability 1 − 2⁻ⁿ (75 %, 88 %, 94 %); a skewed
 * metric does worse. undefined from RANGE_INTERVAL_BELOW on and below 2 (no interval).
 */
export function rangeCoverage(n: number): { twoSided: number; upper: number } | undefined {
  if (!Number.isInteger(n) || n < 2 || n >= RANGE_INTERVAL_BELOW) return undefined;
  return { twoSided: 1 - 2 * 0.5 ** n, upper: 1 - 0.5 ** n };
}

/** Whether a metric's interval over n replications (2 or more) is their range rather than a 95 % interval. */
export const isRangeInterval = (kind: IntervalKind, n: number): boolean => kind !== 'proportion' && n >= 2 && n < RANGE_INTERVAL_BELOW;

/** A coverage as the sentences print it: whole percents (87.5 % reads 88 %). */
export const coveragePercent = (p: number): string => `${Math.round(p * 100)} %`;

/**
 * The 95 % interval of the mean that respects a metric's bounds: Wilson (effective n) for
 * proportions, the expanded percentile bootstrap for non-negative values. Then clamped to
 * [min, max] — only float rounding can reach past them, both methods stay inside.
 */
export function boundedCI(kind: IntervalKind, values: readonly number[], seed: string, bounds: readonly [number, number]): BoundedCI {
  const ci = kind === 'proportion' ? proportionCI(values) : bootstrapCI(values, seed);
  const clamp = (v: number): number => (Number.isNaN(v) ? v : Math.min(bounds[1], Math.max(bounds[0], v)));
  return { n: ci.n, mean: clamp(ci.mean), lo: clamp(ci.lo), hi: clamp(ci.hi) };
}
