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
  sample(rng: RandomStream): number;
  /** The distribution's mean, for summaries and sanity checks. */
  readonly mean: number;
}

/** Builds a sampler; the spec must already be validated (the scenario loader does that). */
export function makeSampler(spec: DistributionSpec): Sampler {
  switch (spec.dist) {
    case 'constant': {
      const v = spec.value;
      return { mean: v, sample: () => v };
    }
    case 'exponential': {
      const m = spec.mean;
      return { mean: m, sample: (r) => r.exponential(m) };
    }
    case 'uniform': {
      const { min, max } = spec;
      return { mean: (min + max) / 2, sample: (r) => r.uniform(min, max) };
    }
    case 'lognormal': {
      const mu = Math.log(spec.median);
      const sigma = spec.p99 > spec.median ? Math.log(spec.p99 / spec.median) / Z99 : 0;
      return { mean: Math.exp(mu + (sigma * sigma) / 2), sample: (r) => Math.exp(mu + sigma * r.normal()) };
    }
    case 'empirical': {
      const values = spec.values.slice();
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, sample: (r) => values[r.int(values.length)]! };
    }
  }
}
