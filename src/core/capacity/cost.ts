/**
 * Cost: a node costs its price for its lifetime, from its instance's launch (the provision
 * request, unless a failed create call was retried) to the instance's deletion (per-second billing, no minimum unless set); a pod is charged OpenCost's
 * max(request, usage) per resource at rates that split the node's price between CPU and
 * memory (`cpuShare` of it to CPU, a modelling parameter: OpenCost has no default).
 */
import { InvalidArgumentError, requireNonNegative, requirePositive } from '../errors.js';

const GIB = 1024 * 1024 * 1024;

export interface Billing {
  /** Above 1, seconds billed are rounded up to a multiple of this; 1 bills the exact lifetime, fractions of a second included. */
  readonly granularitySeconds: number;
  readonly minimumSeconds: number;
}

export const PER_SECOND_BILLING: Billing = Object.freeze({ granularitySeconds: 1, minimumSeconds: 0 });

/** Price × lifetime. Lifetimes are billed exactly unless a granularity above 1 s or a minimum is set. */
export function nodeCost(pricePerHour: number, startSeconds: number, endSeconds: number, billing: Billing = PER_SECOND_BILLING): number {
  requireNonNegative('pricePerHour', pricePerHour);
  let seconds = requireNonNegative('lifetime', endSeconds - startSeconds);
  if (billing.granularitySeconds > 1) seconds = Math.ceil(seconds / billing.granularitySeconds) * billing.granularitySeconds;
  seconds = Math.max(seconds, billing.minimumSeconds);
  return (pricePerHour * seconds) / 3600;
}

export interface ResourceRates {
  /** $ per core-hour. */
  readonly cpuCoreHour: number;
  /** $ per GiB-hour. */
  readonly memoryGiBHour: number;
}

/** Split a node's hourly price into a per-core and a per-GiB rate over its allocatable. */
export function splitNodePrice(pricePerHour: number, allocatableMillis: number, allocatableBytes: number, cpuShare = 0.5): ResourceRates {
  requireNonNegative('pricePerHour', pricePerHour);
  requirePositive('allocatableMillis', allocatableMillis);
  requirePositive('allocatableBytes', allocatableBytes);
  if (!(cpuShare >= 0 && cpuShare <= 1)) throw new InvalidArgumentError('cpuShare', `must be within [0, 1], got ${cpuShare}`);
  return {
    cpuCoreHour: (cpuShare * pricePerHour) / (allocatableMillis / 1000),
    memoryGiBHour: ((1 - cpuShare) * pricePerHour) / (allocatableBytes / GIB),
  };
}

/** A pod's cost over `seconds` at constant request and usage: max(request, usage) per resource. */
export function podCost(
  r: { requestMillis: number; usageMillis: number; requestBytes: number; usageBytes: number },
  rates: ResourceRates,
  seconds: number,
): number {
  // Math.max of a NaN is NaN: a bad amount would be billed as $NaN.
  requireNonNegative('requestMillis', r.requestMillis);
  requireNonNegative('usageMillis', r.usageMillis);
  requireNonNegative('requestBytes', r.requestBytes);
  requireNonNegative('usageBytes', r.usageBytes);
  const cores = Math.max(r.requestMillis, r.usageMillis) / 1000;
  const gib = Math.max(r.requestBytes, r.usageBytes) / GIB;
  return ((cores * rates.cpuCoreHour + gib * rates.memoryGiBHour) * requireNonNegative('seconds', seconds)) / 3600;
}
