/**
 * Everything the KPA needs to know about one revision, resolved from the
 * cluster's `config-autoscaler`, the revision's annotations and its
 * containerConcurrency. Mirrors the reads knative/serving makes on a
 * PodAutoscaler: MakeDecider and GetInitialScale
 * (pkg/reconciler/autoscaling/kpa/resources/decider.go), MakeMetric's panic
 * window (resources/metric.go), ScaleBounds (pa_lifecycle.go), lastPodRetention
 * and the activation timeout (kpa/scaler.go), and the collector's choice of
 * averaging (metric_lifecycle.go).
 */

import type { AutoscalerConfig, DeciderSpec, ScalingMetric } from './types.js';
import { InvalidArgumentError, requireFields, requireFinite, requireInteger, requireNonNegative, requirePositive } from '../errors.js';
import { requireBoolean, requireTargetBurstCapacity } from './kpa-args.js';
import type { MetricAggregationAlgorithm } from './annotations.js';
import { AUTOSCALING_ANNOTATION_KEYS, KPA_CLASS, parseAutoscalingAnnotations } from './annotations.js';
import { activationTimeoutSeconds } from './scaler.js';
import { resolveMetricTarget, resolveWindows } from './target.js';

/** config-deployment `progress-deadline` default, seconds. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** One revision's resolved autoscaling settings. */
export interface RevisionAutoscaling {
  /** The autoscaler class in force (always the KPA class; other classes are refused). */
  class: string;
  metric: ScalingMetric;
  /** How the metric collector averages its windows. */
  aggregationAlgorithm: MetricAggregationAlgorithm;
  /** The decider's parameters (upstream scaling.DeciderSpec). */
  deciderSpec: DeciderSpec;
  /** The collector's panic window, whole seconds ≥ 1. */
  panicWindowSeconds: number;
  /** ScaleBounds: min-scale (annotation, else ConfigMap), or 0 when unreachable. */
  minScale: number;
  /** ScaleBounds: max-scale (annotation, else ConfigMap); 0 means unbounded. */
  maxScale: number;
  /**
   * GetInitialScale: the `initial-scale` annotation, unless absent or 0 where the
   * cluster disallows 0; then the ConfigMap `initial-scale`. The KPA scaler
   * itself ignores it for unreachable revisions; that is not applied here.
   */
  initialScale: number;
  /** `activation-scale` annotation, else 0 (none). Same as `deciderSpec.activationScale`. */
  activationScale: number;
  /** lastPodRetention: annotation, else ConfigMap; 0 when unreachable. */
  scaleToZeroPodRetentionPeriodSeconds: number;
  scaleToZeroGracePeriodSeconds: number;
  enableScaleToZero: boolean;
  /** Requests one activator is assumed to handle (for the activator count). */
  activatorCapacity: number;
  containerConcurrency: number;
  /** `serving.knative.dev/progress-deadline`, else config-deployment `progress-deadline`. */
  progressDeadlineSeconds: number;
  /** How long the KPA waits for an activating revision before giving up (scaler's activationTimeoutSeconds). */
  activationTimeoutSeconds: number;
}

/** The per-revision inputs of {@link resolveRevisionAutoscaling}. */
export interface RevisionAutoscalingInput {
  /** The revision's annotations (only the autoscaling ones and progress-deadline are read). */
  annotations?: Readonly<Record<string, string>>;
  /** spec.containerConcurrency; 0 means unlimited. */
  containerConcurrency: number;
  /**
   * False when the PA is Unreachable (routing state `reserve`, or an infrastructure
   * failure with no ready pods). Default true (Reachable or Unknown).
   */
  reachable?: boolean;
  /** config-deployment `progress-deadline`, seconds (default 600). */
  progressDeadlineSeconds?: number;
}

/**
 * Upstream GetInitialScale: the revision's `initial-scale` if set, except that
 * 0 falls back to the cluster `initial-scale` unless the cluster allows zero
 * (the cluster may have stopped allowing it after the revision was admitted).
 * @throws InvalidArgumentError if `annotationInitialScale` is not an integer ≥ 0.
 */
export function getInitialScale(cfg: Pick<AutoscalerConfig, 'initialScale' | 'allowZeroInitialScale'>, annotationInitialScale?: number): number {
  if (annotationInitialScale === undefined) return requireInteger('cfg.initialScale', cfg.initialScale, 0);
  requireInteger('annotationInitialScale', annotationInitialScale, 0);
  if (annotationInitialScale === 0 && !cfg.allowZeroInitialScale) return requireInteger('cfg.initialScale', cfg.initialScale, 0);
  return annotationInitialScale;
}

/** Rejects typed-config nonsense that the formulas below would turn into NaN or nonsense. */
function requireUsableConfig(cfg: AutoscalerConfig): void {
  if (cfg === null || typeof cfg !== 'object') throw new InvalidArgumentError('cfg', 'must be an AutoscalerConfig');
  const count = (f: string, v: number): number => requireInteger(f, v, 0);
  requireFields(
    cfg,
    {
      panicThresholdPercentage: requireFinite,
      targetBurstCapacity: requireTargetBurstCapacity,
      maxScaleUpRate: requirePositive,
      maxScaleDownRate: requirePositive,
      scaleDownDelaySeconds: requireNonNegative,
      scaleToZeroPodRetentionPeriodSeconds: requireNonNegative,
      scaleToZeroGracePeriodSeconds: requirePositive,
      activatorCapacity: requirePositive,
      initialScale: count,
      minScale: count,
      maxScale: count,
      maxScaleLimit: count,
      enableScaleToZero: requireBoolean,
      allowZeroInitialScale: requireBoolean,
      podAutoscalerClass: (f, v) => {
        if (typeof v !== 'string') throw new InvalidArgumentError(f, 'must be a string');
      },
    },
    'cfg',
  );
}

/**
 * Resolves one revision's autoscaling settings: the full DeciderSpec, the panic
 * window, scale bounds, initial and activation scale, scale-to-zero timings and
 * the activation timeout. Annotations override the ConfigMap knob by knob;
 * rates and activator capacity come from the ConfigMap only.
 * @throws AnnotationError if an annotation is invalid (validated against `cfg`, as upstream's webhook does).
 * @throws InvalidArgumentError for nonsense inputs (NaN, negative or fractional
 *   containerConcurrency, an unusable config) and for a non-KPA class, which knsim does not simulate.
 */
export function resolveRevisionAutoscaling(cfg: AutoscalerConfig, rev: RevisionAutoscalingInput): RevisionAutoscaling {
  requireUsableConfig(cfg);
  if (rev === null || typeof rev !== 'object') throw new InvalidArgumentError('rev', 'must be an object');
  const containerConcurrency = requireInteger('rev.containerConcurrency', rev.containerConcurrency, 0);
  const reachable = rev.reachable ?? true;
  requireBoolean('rev.reachable', reachable);
  const configProgressDeadline = requirePositive('rev.progressDeadlineSeconds', rev.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS);

  const ann = parseAutoscalingAnnotations(rev.annotations ?? {}, cfg);

  // The PA's class: the annotation, else the cluster default (set on the PA when it is created).
  const cls = ann.class ?? cfg.podAutoscalerClass;
  if (cls !== KPA_CLASS) {
    throw new InvalidArgumentError(
      `annotations[${JSON.stringify(AUTOSCALING_ANNOTATION_KEYS.class[0])}]`,
      `autoscaler class ${JSON.stringify(cls)} is not simulated; knsim models only ${KPA_CLASS}`,
    );
  }
  // Validation has already limited a KPA metric to these two; the default is concurrency.
  const metric: ScalingMetric = ann.metric === 'rps' ? 'rps' : 'concurrency';

  const { targetValue, totalValue } = resolveMetricTarget(cfg, {
    metric,
    containerConcurrency,
    ...(ann.target !== undefined ? { target: ann.target } : {}),
    ...(ann.targetUtilizationPercentage !== undefined ? { targetUtilizationPercentage: ann.targetUtilizationPercentage } : {}),
  });
  const { stableWindowSeconds, panicWindowSeconds } = resolveWindows(cfg, {
    ...(ann.windowSeconds !== undefined ? { windowSeconds: ann.windowSeconds } : {}),
    ...(ann.panicWindowPercentage !== undefined ? { panicWindowPercentage: ann.panicWindowPercentage } : {}),
  });

  const activationScale = ann.activationScale ?? 0;
  const deciderSpec: DeciderSpec = {
    scalingMetric: metric,
    targetValue,
    totalValue,
    targetBurstCapacity: ann.targetBurstCapacity ?? cfg.targetBurstCapacity,
    panicThreshold: (ann.panicThresholdPercentage ?? cfg.panicThresholdPercentage) / 100,
    maxScaleUpRate: cfg.maxScaleUpRate,
    maxScaleDownRate: cfg.maxScaleDownRate,
    stableWindowSeconds,
    // Kept even when unreachable: the decider itself skips the delay then.
    scaleDownDelaySeconds: ann.scaleDownDelaySeconds ?? cfg.scaleDownDelaySeconds,
    activationScale,
    reachable,
  };

  const initialScale = getInitialScale(cfg, ann.initialScale);

  const progressDeadlineSeconds = ann.progressDeadlineSeconds ?? configProgressDeadline;

  return {
    class: cls,
    metric,
    aggregationAlgorithm: ann.metricAggregationAlgorithm ?? 'linear',
    deciderSpec,
    panicWindowSeconds,
    // An unreachable revision may go below min-scale (to zero).
    minScale: reachable ? (ann.minScale ?? cfg.minScale) : 0,
    maxScale: ann.maxScale ?? cfg.maxScale,
    initialScale,
    activationScale,
    // Nothing routes to an unreachable revision, so its last pod need not linger.
    scaleToZeroPodRetentionPeriodSeconds: reachable ? (ann.scaleToZeroPodRetentionPeriodSeconds ?? cfg.scaleToZeroPodRetentionPeriodSeconds) : 0,
    scaleToZeroGracePeriodSeconds: cfg.scaleToZeroGracePeriodSeconds,
    enableScaleToZero: cfg.enableScaleToZero,
    activatorCapacity: cfg.activatorCapacity,
    containerConcurrency,
    progressDeadlineSeconds,
    activationTimeoutSeconds: activationTimeoutSeconds(progressDeadlineSeconds),
  };
}
