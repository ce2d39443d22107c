/**
 * Shapes shared across the autoscaler library. The names follow knative/serving's
 * pkg/autoscaler and are part of knsim's published API: add, never rename.
 */

/** The KPA's scaling metric (`autoscaling.knative.dev/metric`). */
export type ScalingMetric = 'concurrency' | 'rps';
export const SCALING_METRICS: readonly ScalingMetric[] = ['concurrency', 'rps'];

/** The data of the `config-autoscaler` ConfigMap after parsing (durations in seconds, percentages as noted). */
export interface AutoscalerConfig {
  enableScaleToZero: boolean; // enable-scale-to-zero (true)
  containerConcurrencyTargetFraction: number; // container-concurrency-target-percentage (0.7)
  containerConcurrencyTargetDefault: number; // container-concurrency-target-default (100)
  rpsTargetDefault: number; // requests-per-second-target-default (200)
  targetUtilization: number; // not a key: 0.7, used for RPS
  targetBurstCapacity: number; // target-burst-capacity (211)
  activatorCapacity: number; // activator-capacity (100)
  stableWindowSeconds: number; // stable-window (60)
  panicWindowPercentage: number; // panic-window-percentage (10)
  panicThresholdPercentage: number; // panic-threshold-percentage (200)
  maxScaleUpRate: number; // max-scale-up-rate (1000)
  maxScaleDownRate: number; // max-scale-down-rate (2)
  scaleToZeroGracePeriodSeconds: number; // scale-to-zero-grace-period (30)
  scaleToZeroPodRetentionPeriodSeconds: number; // scale-to-zero-pod-retention-period (0)
  scaleDownDelaySeconds: number; // scale-down-delay (0)
  initialScale: number; // initial-scale (1)
  allowZeroInitialScale: boolean; // allow-zero-initial-scale (false)
  minScale: number; // min-scale (0)
  maxScale: number; // max-scale (0 = none)
  maxScaleLimit: number; // max-scale-limit (0 = none)
  podAutoscalerClass: string; // pod-autoscaler-class ('kpa.autoscaling.knative.dev')
}

/** Everything the decider needs for one revision (upstream scaling.DeciderSpec). */
export interface DeciderSpec {
  scalingMetric: ScalingMetric;
  targetValue: number;
  totalValue: number;
  targetBurstCapacity: number;
  /** A ratio: 2.0 means 200 %. */
  panicThreshold: number;
  maxScaleUpRate: number;
  maxScaleDownRate: number;
  stableWindowSeconds: number;
  scaleDownDelaySeconds: number;
  activationScale: number;
  reachable: boolean;
}

/** One decider evaluation (upstream scaling.ScaleResult). */
export interface ScaleResult {
  desiredPodCount: number;
  excessBurstCapacity: number;
  scaleValid: boolean;
}
