/**
 * The HorizontalPodAutoscaler (autoscaling/v2) as plain data: its spec, the API server's
 * defaults (kubernetes/kubernetes pkg/apis/autoscaling/v2/defaults.go) and the
 * kube-controller-manager flags of the HPA controller
 * (pkg/controller/podautoscaler/config/v1alpha1/defaults.go). Times in seconds.
 */
import { InvalidArgumentError, requireFinite, requireInteger, requireNonNegative } from '../errors.js';

/** A resource the HPA reads from metrics-server. */
export type HpaResource = 'cpu' | 'memory';

/** What a metric aims at: a percentage of the pods' requests, or an average value per pod. */
export type HpaMetricTarget =
  | { type: 'Utilization'; averageUtilization: number }
  /** `averageValue` in milli-units of the metric (CPU: millicores; memory: bytes × 1000), as upstream's MilliValue. */
  | { type: 'AverageValue'; averageValueMilli: number };

/** One entry of `spec.metrics`: a resource metric, or a per-pod custom metric (`Pods`). */
export type HpaMetricSpec =
  | { type: 'Resource'; resource: HpaResource; target: HpaMetricTarget }
  | { type: 'Pods'; name: string; target: { type: 'AverageValue'; averageValueMilli: number } };

export type HpaPolicyType = 'Pods' | 'Percent';
export type HpaSelectPolicy = 'Max' | 'Min' | 'Disabled';

export interface HpaScalingPolicy {
  type: HpaPolicyType;
  value: number;
  periodSeconds: number;
}

/** One direction's rules (`behavior.scaleUp` / `behavior.scaleDown`). */
export interface HpaScalingRules {
  /** Undefined for scale-down: the controller's `--horizontal-pod-autoscaler-downscale-stabilization`. */
  stabilizationWindowSeconds?: number | undefined;
  selectPolicy?: HpaSelectPolicy | undefined;
  policies?: readonly HpaScalingPolicy[] | undefined;
}

export interface HpaBehavior {
  scaleUp?: HpaScalingRules | undefined;
  scaleDown?: HpaScalingRules | undefined;
}

/** `spec` of a HorizontalPodAutoscaler as written (before API defaults). */
export interface HpaSpec {
  /** Undefined: the API server defaults it to 1. */
  minReplicas?: number | undefined;
  maxReplicas: number;
  /** Empty: the API server defaults it to CPU utilization 80 %. */
  metrics?: readonly HpaMetricSpec[] | undefined;
  /** Undefined: the legacy normalization (scale-up ×2 or to 4, 300 s downscale stabilization). */
  behavior?: HpaBehavior | undefined;
}

/** The rules of one direction after API and controller defaults: every field set. */
export interface ResolvedScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: HpaSelectPolicy;
  policies: readonly HpaScalingPolicy[];
}

/** An HPA spec after API defaults, as the controller reads it. */
export interface ResolvedHpaSpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: readonly HpaMetricSpec[];
  /** Undefined: legacy normalization. */
  behavior: { scaleUp: ResolvedScalingRules; scaleDown: ResolvedScalingRules } | undefined;
}

/** The HPA controller's flags. */
export interface HpaControllerConfig {
  /** `--horizontal-pod-autoscaler-sync-period` (15 s). */
  syncPeriodSeconds: number;
  /** `--horizontal-pod-autoscaler-tolerance` (0.1), both directions. */
  tolerance: number;
  /** `--horizontal-pod-autoscaler-downscale-stabilization` (300 s). */
  downscaleStabilizationSeconds: number;
  /** `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s). */
  cpuInitializationPeriodSeconds: number;
  /** `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s). */
  initialReadinessDelaySeconds: number;
}

export const DEFAULT_HPA_CONTROLLER_CONFIG: Readonly<HpaControllerConfig> = Object.freeze({
  syncPeriodSeconds: 15,
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
});

/** The API default metric (DefaultCPUUtilization). */
export const DEFAULT_CPU_UTILIZATION = 80;
/** The legacy path's scale-up limit: max(factor × current, minimum). */
export const SCALE_UP_LIMIT_FACTOR = 2;
export const SCALE_UP_LIMIT_MINIMUM = 4;
export const MAX_REPLICAS_UNBOUNDED = 2147483647;

const DEFAULT_SCALE_UP_POLICIES: readonly HpaScalingPolicy[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
const DEFAULT_SCALE_DOWN_POLICIES: readonly HpaScalingPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

function validatePolicies(field: string, policies: readonly HpaScalingPolicy[]): void {
  policies.forEach((p, i) => {
    if (p.type !== 'Pods' && p.type !== 'Percent') throw new InvalidArgumentError(`${field}[${i}].type`, `must be "Pods" or "Percent", got ${JSON.stringify(p.type)}`);
    requireInteger(`${field}[${i}].value`, p.value, 1);
    requireInteger(`${field}[${i}].periodSeconds`, p.periodSeconds, 1);
    if (p.periodSeconds > 1800) throw new InvalidArgumentError(`${field}[${i}].periodSeconds`, `must be at most 1800, got ${p.periodSeconds}`);
  });
}

function resolveRules(
  field: string,
  r: HpaScalingRules | undefined,
  defaults: { window: number; policies: readonly HpaScalingPolicy[] },
): ResolvedScalingRules {
  const window = r?.stabilizationWindowSeconds ?? defaults.window;
  requireInteger(`${field}.stabilizationWindowSeconds`, window, 0);
  if (window > 3600) throw new InvalidArgumentError(`${field}.stabilizationWindowSeconds`, `must be at most 3600, got ${window}`);
  const selectPolicy = r?.selectPolicy ?? 'Max';
  if (selectPolicy !== 'Max' && selectPolicy !== 'Min' && selectPolicy !== 'Disabled') {
    throw new InvalidArgumentError(`${field}.selectPolicy`, `must be "Max", "Min" or "Disabled", got ${JSON.stringify(selectPolicy)}`);
  }
  const policies = r?.policies ?? defaults.policies;
  validatePolicies(`${field}.policies`, policies);
  return { stabilizationWindowSeconds: window, selectPolicy, policies };
}

/**
 * The spec as the controller sees it: minReplicas 1, CPU 80 % when no metric is given,
 * behavior rules filled (scale-up: no stabilization, max of 4 pods or 100 % per 15 s;
 * scale-down: the controller's downscale stabilization, 100 % per 15 s).
 * @throws InvalidArgumentError for a spec the API server would refuse.
 */
export function resolveHpaSpec(spec: HpaSpec, cfg: HpaControllerConfig = DEFAULT_HPA_CONTROLLER_CONFIG): ResolvedHpaSpec {
  const minReplicas = spec.minReplicas ?? 1;
  requireInteger('spec.minReplicas', minReplicas, 0);
  requireInteger('spec.maxReplicas', spec.maxReplicas, 1);
  if (spec.maxReplicas < minReplicas) throw new InvalidArgumentError('spec.maxReplicas', `must be ≥ minReplicas (${minReplicas}), got ${spec.maxReplicas}`);
  const metrics: readonly HpaMetricSpec[] =
    spec.metrics && spec.metrics.length > 0
      ? spec.metrics
      : [{ type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } }];
  metrics.forEach((m, i) => {
    const t = m.target;
    if (t.type === 'Utilization') requireInteger(`spec.metrics[${i}].target.averageUtilization`, t.averageUtilization, 1);
    else requireInteger(`spec.metrics[${i}].target.averageValueMilli`, t.averageValueMilli, 1);
  });
  const behavior =
    spec.behavior === undefined
      ? undefined
      : {
          scaleUp: resolveRules('spec.behavior.scaleUp', spec.behavior.scaleUp, { window: 0, policies: DEFAULT_SCALE_UP_POLICIES }),
          scaleDown: resolveRules('spec.behavior.scaleDown', spec.behavior.scaleDown, {
            window: cfg.downscaleStabilizationSeconds,
            policies: DEFAULT_SCALE_DOWN_POLICIES,
          }),
        };
  return { minReplicas, maxReplicas: spec.maxReplicas, metrics, behavior };
}

/** Checks the controller flags. */
export function validateHpaControllerConfig(cfg: HpaControllerConfig): HpaControllerConfig {
  requireFinite('cfg.syncPeriodSeconds', cfg.syncPeriodSeconds);
  if (cfg.syncPeriodSeconds <= 0) throw new InvalidArgumentError('cfg.syncPeriodSeconds', `must be > 0, got ${cfg.syncPeriodSeconds}`);
  requireNonNegative('cfg.tolerance', cfg.tolerance);
  requireNonNegative('cfg.downscaleStabilizationSeconds', cfg.downscaleStabilizationSeconds);
  requireNonNegative('cfg.cpuInitializationPeriodSeconds', cfg.cpuInitializationPeriodSeconds);
  requireNonNegative('cfg.initialReadinessDelaySeconds', cfg.initialReadinessDelaySeconds);
  return cfg;
}
