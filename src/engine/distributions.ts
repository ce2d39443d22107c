import type { RandomStream } from './random.js';

/** A non-negative random duration or quantity, as a scenario describes it (seconds for times). */
export type DistributionSpec =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  /** Log-normal given by its median and 99th percentile, which is how people quote latencies. */
  | { dist: 'lognormal'; median: number; p99: number }
  /** Draws uniformly from the listed values. */
  | { dist: 'empirical'; values: readonly number[] };

/** z for the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

export interface Sampler {
  /** A draw from a stream, for pod start phases (a lognormal takes a varying number of uniforms). */
  sample(rng: RandomStream): number;
  /**
   * The inverse CDF at u in (0, 1): one uniform per value, so a value keyed to a request stays
   * the same whatever else draws, and a larger u always gives a value at least as large.
   */
  quantile(u: number): number;
  /** The distribution's mean, for summaries and sanity checks. */
  readonly mean: number;
}

/** Builds a sampler; the spec must already be validated (the scenario loader does that). */
export function makeSampler(spec: DistributionSpec): Sampler {
  switch (spec.dist) {
    case 'constant': {
      const v = spec.value;
      return { mean: v, sample: () => v, quantile: () => v };
    }
    case 'exponential': {
      const m = spec.mean;
      return { mean: m, sample: (r) => r.exponential(m), quantile: (u) => -m * Math.log(1 - u) };
    }
    case 'uniform': {
      const { min, max } = spec;
      return { mean: (min + max) / 2, sample: (r) => r.uniform(min, max), quantile: (u) => min + (max - min) * u };
    }
    case 'lognormal': {
      const mu = Math.log(spec.median);
      const sigma = spec.p99 > spec.median ? Math.log(spec.p99 / spec.median) / Z99 : 0;
      return {
        mean: Math.exp(mu + (sigma * sigma) / 2),
        sample: (r) => Math.exp(mu + sigma * r.normal()),
        quantile: (u) => Math.exp(mu + sigma * normalQuantile(u)),
      };
    }
    case 'empirical': {
      const values = spec.values.slice();
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      // The quantile reads the values in order; sample keeps the listed order, so pod-start draws stay as they were.
      const sorted = values.slice().sort((a, b) => a - b);
      const n = sorted.length;
      return { mean, sample: (r) => values[r.int(values.length)]!, quantile: (u) => sorted[Math.min(n - 1, Math.floor(u * n))]! };
    }
  }
}

// Wichura's coefficients, lowest power first: numerator then denominator for each region.
const CENTRAL_N = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const CENTRAL_D = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const TAIL_N = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const TAIL_D = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const FAR_N = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 2.6532189526576123093e-2, 1.2426609473880784386e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const FAR_D = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

function poly(c: readonly number[], x: number): number {
  let v = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/**
 * The standard normal's inverse CDF by Wichura's rational approximations (Algorithm AS 241,
 * Applied Statistics 37(3), 1988; relative error about 1e-16). p outside (0, 1) gives ∓∞.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0)) return Number.NEGATIVE_INFINITY;
  if (!(p < 1)) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(CENTRAL_N, r)) / poly(CENTRAL_D, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const z = r <= 5 ? poly(TAIL_N, r - 1.6) / poly(TAIL_D, r - 1.6) : poly(FAR_N, r - 5) / poly(FAR_D, r - 5);
  return q < 0 ? -z : z;
}
