/**
 * Mean and 95 % confidence interval with Student's t, for replications of one point.
 *
 * The two-sided 95 % quantile t_{0.975, df} comes from a table for df = 1…30 (values from
 * scipy.stats.t.ppf(0.975, df), 6 decimals) and, for df > 30, from the Cornish–Fisher
 * expansion of t in powers of 1/df around the normal quantile z = 1.959964 (terms up to
 * df⁻⁴; Abramowitz & Stegun 26.7.5). Against scipy the expansion is exact to 6 decimals
 * from df = 20 on, so the switch at 31 loses nothing.
 */

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
 * Rounds to 6 decimals for files: the printed text (String of the rounded double) reads
 * back as exactly the same double, so outputs rebuilt from a file are byte-identical.
 * -0 becomes 0.
 */
export function round6(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}
