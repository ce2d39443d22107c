import { InvalidArgumentError, requireFinite, requireNonNegative, requirePositive, requireOneOf } from '../errors.js';
import { SCALING_METRICS, type DeciderSpec } from './types.js';

/**
 * Accepts every spec upstream's decider gives a defined, non-negative pod count for, which is
 * looser than the ConfigMap's and the annotations' validation: upstream's own decider tests run
 * with a zero stable window, and a 1.1 scale-up rate or a 100 × panic threshold. Rejects what it
 * would divide by zero (target, scale-down rate), negative windows, rates and thresholds (no
 * Knative object holds one), NaN and ±∞, and a metric outside knsim's two.
 */
export function validateDeciderSpec(spec: DeciderSpec, field = 'spec'): DeciderSpec {
  requireOneOf(`${field}.scalingMetric`, spec.scalingMetric, SCALING_METRICS);
  requirePositive(`${field}.targetValue`, spec.targetValue);
  requireNonNegative(`${field}.totalValue`, spec.totalValue);
  // Any negative value means "activator always in the path", as −1 does.
  requireFinite(`${field}.targetBurstCapacity`, spec.targetBurstCapacity);
  // 0 panics at every evaluation; 0 up-rate never scales above 0.
  requireNonNegative(`${field}.panicThreshold`, spec.panicThreshold);
  requireNonNegative(`${field}.maxScaleUpRate`, spec.maxScaleUpRate);
  requirePositive(`${field}.maxScaleDownRate`, spec.maxScaleDownRate);
  // 0: a panic ends at the first evaluation below the threshold.
  requireNonNegative(`${field}.stableWindowSeconds`, spec.stableWindowSeconds);
  requireNonNegative(`${field}.scaleDownDelaySeconds`, spec.scaleDownDelaySeconds);
  requireNonNegative(`${field}.activationScale`, spec.activationScale);
  if (typeof spec.reachable !== 'boolean') {
    throw new InvalidArgumentError(`${field}.reachable`, `must be a boolean, got ${String(spec.reachable)}`);
  }
  return spec;
}
