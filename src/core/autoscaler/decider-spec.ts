import { requireFields, requireFinite, requireNonNegative, requirePositive, requireOneOf } from '../errors.js';
import { requireBoolean } from './kpa-args.js';
import { SCALING_METRICS, type DeciderSpec } from './types.js';

/**
 * Accepts every spec upstream's decider gives a defined, non-negative pod count for, which is
 * looser than the ConfigMap's and the annotations' validation: upstream's own decider tests run
 * with a zero stable window, and a 1.1 scale-up rate or a 100 × panic threshold. Rejects what it
 * would divide by zero (target, scale-down rate), negative windows, rates and thresholds (no
 * Knative object holds one), NaN and ±∞, and a metric outside knsim's two.
 */
export function validateDeciderSpec(spec: DeciderSpec, field = 'spec'): DeciderSpec {
  return requireFields(
    spec,
    {
      scalingMetric: (f, v) => requireOneOf(f, v, SCALING_METRICS),
      targetValue: requirePositive,
      totalValue: requireNonNegative,
      // Any negative value means "activator always in the path", as −1 does.
      targetBurstCapacity: requireFinite,
      // 0 panics at every evaluation; 0 up-rate never scales above 0.
      panicThreshold: requireNonNegative,
      maxScaleUpRate: requireNonNegative,
      maxScaleDownRate: requirePositive,
      // 0: a panic ends at the first evaluation below the threshold.
      stableWindowSeconds: requireNonNegative,
      scaleDownDelaySeconds: requireNonNegative,
      activationScale: requireNonNegative,
      reachable: requireBoolean,
    },
    field,
  );
}
