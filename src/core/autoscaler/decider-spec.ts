import { InvalidArgumentError, requireFinite, requireNonNegative, requirePositive, requireOneOf } from '../errors.js';
import { SCALING_METRICS, type DeciderSpec } from './types.js';

/**
 * Rejects a DeciderSpec no Knative revision could have (NaN, a zero target, a negative
 * window…). Limits are the decider's own needs, looser than the ConfigMap's validation,
 * so tests can use upstream's fixtures (e.g. a 1.1 scale-up rate or a 100 × panic threshold).
 */
export function validateDeciderSpec(spec: DeciderSpec, field = 'spec'): DeciderSpec {
  requireOneOf(`${field}.scalingMetric`, spec.scalingMetric, SCALING_METRICS);
  requirePositive(`${field}.targetValue`, spec.targetValue);
  requireNonNegative(`${field}.totalValue`, spec.totalValue);
  requireFinite(`${field}.targetBurstCapacity`, spec.targetBurstCapacity);
  if (spec.targetBurstCapacity < 0 && spec.targetBurstCapacity !== -1) {
    throw new InvalidArgumentError(`${field}.targetBurstCapacity`, `must be ≥ 0 or exactly -1, got ${spec.targetBurstCapacity}`);
  }
  requirePositive(`${field}.panicThreshold`, spec.panicThreshold);
  requirePositive(`${field}.maxScaleUpRate`, spec.maxScaleUpRate);
  requirePositive(`${field}.maxScaleDownRate`, spec.maxScaleDownRate);
  requirePositive(`${field}.stableWindowSeconds`, spec.stableWindowSeconds);
  requireNonNegative(`${field}.scaleDownDelaySeconds`, spec.scaleDownDelaySeconds);
  requireNonNegative(`${field}.activationScale`, spec.activationScale);
  if (typeof spec.reachable !== 'boolean') {
    throw new InvalidArgumentError(`${field}.reachable`, `must be a boolean, got ${String(spec.reachable)}`);
  }
  return spec;
}
