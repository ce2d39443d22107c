import type { DistributionSpec } from '../engine/distributions.js';

/** The least value a distribution can draw, 0 where it has no floor above 0 (exponential, a spread lognormal): for bounds such as the least wait or the quickest node start. */
export function leastValue(d: DistributionSpec): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return d.min;
    case 'lognormal':
      return d.p99 > d.median ? 0 : d.median;
    case 'exponential':
      return 0;
    case 'empirical':
      return Math.min(...d.values);
  }
}
