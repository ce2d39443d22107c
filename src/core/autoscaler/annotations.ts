/**
 * Per-revision `autoscaling.knative.dev/*` annotations: names (with the legacy
 * camelCase spellings upstream still reads), parsing and validation, after
 * knative/serving pkg/apis/autoscaling/register.go and annotation_validation.go.
 *
 * Upstream validates the annotations in the admission webhook against the
 * cluster's `config-autoscaler` (max-scale-limit, allow-zero-initial-scale,
 * the default class) and collects every problem; {@link validateAutoscalingAnnotations}
 * returns them in upstream's order and {@link parseAutoscalingAnnotations}
 * throws the first. Annotations outside the autoscaling group are ignored.
 */

import type { AutoscalerConfig } from './types.js';
import { InvalidArgumentError } from '../errors.js';
import { FieldError } from '../field-error.js';
import { goParseFloat, goParseInt } from '../strconv.js';
import { isWholeSeconds, nanosToSeconds, NANOS_PER_SECOND, tryParseGoDuration } from '../duration.js';

/** The autoscaling annotation group (`autoscaling.knative.dev`). */
export const AUTOSCALING_GROUP = 'autoscaling.knative.dev';
/** The Knative Pod Autoscaler class, the default and the only one knsim simulates. */
export const KPA_CLASS = 'kpa.autoscaling.knative.dev';
/** The Kubernetes HPA-backed class. */
export const HPA_CLASS = 'hpa.autoscaling.knative.dev';
/** Smallest allowed target value (concurrency or RPS per pod). */
export const TARGET_MIN = 0.01;
/** Smallest stable window, in seconds. */
export const WINDOW_MIN_SECONDS = 6;
/** Largest stable window (and largest scale-down delay / pod retention), in seconds. */
export const WINDOW_MAX_SECONDS = 3600;
/** Panic window percentage bounds. */
export const PANIC_WINDOW_PERCENTAGE_MIN = 1;
export const PANIC_WINDOW_PERCENTAGE_MAX = 100;
/** Panic threshold percentage bounds (annotation only; the ConfigMap value is not range-checked). */
export const PANIC_THRESHOLD_PERCENTAGE_MIN = 110;
export const PANIC_THRESHOLD_PERCENTAGE_MAX = 1000;
/** Per-revision override of config-deployment's `progress-deadline`. */
export const PROGRESS_DEADLINE_ANNOTATION = 'serving.knative.dev/progress-deadline';

const G = AUTOSCALING_GROUP;

/**
 * Annotation keys in lookup priority: the canonical kebab-case key first, then
 * any legacy spelling. The first key present wins (upstream kmap.KeyPriority).
 */
export const AUTOSCALING_ANNOTATION_KEYS = {
  class: [`${G}/class`],
  metric: [`${G}/metric`],
  target: [`${G}/target`],
  targetUtilizationPercentage: [`${G}/target-utilization-percentage`, `${G}/targetUtilizationPercentage`],
  window: [`${G}/window`],
  panicWindowPercentage: [`${G}/panic-window-percentage`, `${G}/panicWindowPercentage`],
  panicThresholdPercentage: [`${G}/panic-threshold-percentage`, `${G}/panicThresholdPercentage`],
  minScale: [`${G}/min-scale`, `${G}/minScale`],
  maxScale: [`${G}/max-scale`, `${G}/maxScale`],
  initialScale: [`${G}/initial-scale`, `${G}/initialScale`],
  activationScale: [`${G}/activation-scale`],
  scaleDownDelay: [`${G}/scale-down-delay`, `${G}/scaleDownDelay`],
  scaleToZeroPodRetentionPeriod: [`${G}/scale-to-zero-pod-retention-period`, `${G}/scaleToZeroPodRetentionPeriod`],
  targetBurstCapacity: [`${G}/target-burst-capacity`, `${G}/targetBurstCapacity`],
  metricAggregationAlgorithm: [`${G}/metric-aggregation-algorithm`, `${G}/metricAggregationAlgorithm`],
} as const satisfies Record<string, readonly string[]>;

/** How the collector averages a window (`metric-aggregation-algorithm`). */
export type MetricAggregationAlgorithm = 'linear' | 'weighted-exponential';

/** The valid autoscaling annotations of one revision, typed. Absent annotations are absent fields. */
export interface AutoscalingAnnotations {
  /** `class`, verbatim. */
  class?: string;
  /** `metric`, verbatim (for the KPA class it is validated to be `concurrency` or `rps`). */
  metric?: string;
  /** `target`: soft per-pod target, before utilization is applied. */
  target?: number;
  /** `target-utilization-percentage`, 1–100. */
  targetUtilizationPercentage?: number;
  /** `window`: stable window, whole seconds in [6, 3600]. */
  windowSeconds?: number;
  /** `panic-window-percentage`, 1–100. */
  panicWindowPercentage?: number;
  /** `panic-threshold-percentage`, 110–1000. */
  panicThresholdPercentage?: number;
  /** `min-scale`, int ≥ 0. */
  minScale?: number;
  /** `max-scale`, int ≥ 0 (0 = unbounded). */
  maxScale?: number;
  /** `initial-scale`, int ≥ 0 (0 only where the cluster allows it). */
  initialScale?: number;
  /** `activation-scale`, int ≥ 2. */
  activationScale?: number;
  /** `scale-down-delay`, whole seconds in [0, 3600]. */
  scaleDownDelaySeconds?: number;
  /** `scale-to-zero-pod-retention-period`, seconds in [0, 3600]. */
  scaleToZeroPodRetentionPeriodSeconds?: number;
  /** `target-burst-capacity`, ≥ 0 or -1. */
  targetBurstCapacity?: number;
  /**
   * `metric-aggregation-algorithm`, normalised as the collector reads it:
   * `weighted-exponential` for that value or `weightedExponential`, `linear` for any other value.
   */
  metricAggregationAlgorithm?: MetricAggregationAlgorithm;
  /** `serving.knative.dev/progress-deadline`, whole seconds ≥ 0 (an empty value counts as absent). */
  progressDeadlineSeconds?: number;
}

/**
 * An autoscaling annotation value upstream's webhook would reject: a
 * {@link FieldError} at the annotation's key (`[<key>]`, relative to the
 * annotations map), with a message naming the key, value and rule.
 */
export class AnnotationError extends FieldError {
  override name = 'AnnotationError';
  /** The full annotation key as written, e.g. `autoscaling.knative.dev/minScale`. */
  readonly key: string;
  /** The annotation value as written. */
  readonly value: string;
  constructor(key: string, value: string, rule: string) {
    super(rule, [[{ key }]]);
    this.message = `${key}=${JSON.stringify(value)}: ${rule}`;
    this.key = key;
    this.value = value;
  }
}

/** The cluster settings annotation validation depends on. */
type AnnotationConfig = Pick<AutoscalerConfig, 'maxScaleLimit' | 'allowZeroInitialScale' | 'podAutoscalerClass'>;

interface Found {
  readonly key: string;
  readonly value: string;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const INT32_MAX = 2 ** 31 - 1;

function lookup(m: Readonly<Record<string, string>>, keys: readonly string[]): Found | undefined {
  for (const key of keys) {
    if (!hasOwn(m, key)) continue;
    const value: unknown = m[key];
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`annotations[${JSON.stringify(key)}]`, `annotation values must be strings, got ${typeof value}`);
    }
    return { key, value };
  }
  return undefined;
}

function checkInputs(annotations: unknown, cfg: unknown): asserts cfg is AnnotationConfig {
  if (annotations === null || typeof annotations !== 'object') {
    throw new InvalidArgumentError('annotations', `must be an object of strings, got ${String(annotations)}`);
  }
  if (cfg === null || typeof cfg !== 'object') throw new InvalidArgumentError('cfg', 'must be an AutoscalerConfig');
  const c = cfg as Partial<Record<keyof AnnotationConfig, unknown>>;
  if (typeof c.maxScaleLimit !== 'number' || !Number.isInteger(c.maxScaleLimit) || c.maxScaleLimit < 0) {
    throw new InvalidArgumentError('cfg.maxScaleLimit', `must be an integer ≥ 0, got ${String(c.maxScaleLimit)}`);
  }
  if (typeof c.allowZeroInitialScale !== 'boolean') {
    throw new InvalidArgumentError('cfg.allowZeroInitialScale', `must be a boolean, got ${String(c.allowZeroInitialScale)}`);
  }
  if (typeof c.podAutoscalerClass !== 'string') {
    throw new InvalidArgumentError('cfg.podAutoscalerClass', `must be a string, got ${String(c.podAutoscalerClass)}`);
  }
}

/** A float annotation's range rule: undefined when `v` is allowed, else why not. */
interface FloatRule {
  key: 'panicWindowPercentage' | 'panicThresholdPercentage' | 'target' | 'targetUtilizationPercentage' | 'targetBurstCapacity';
  check: (v: number) => string | undefined;
}

const within = (min: number, max: number) => (v: number): string | undefined => (v < min || v > max ? `must be in [${min}, ${max}]` : undefined);

/** The float annotations, in upstream's validation order. */
const FLOAT_RULES: readonly FloatRule[] = [
  { key: 'panicWindowPercentage', check: within(PANIC_WINDOW_PERCENTAGE_MIN, PANIC_WINDOW_PERCENTAGE_MAX) },
  { key: 'panicThresholdPercentage', check: within(PANIC_THRESHOLD_PERCENTAGE_MIN, PANIC_THRESHOLD_PERCENTAGE_MAX) },
  { key: 'target', check: (v) => (v < TARGET_MIN ? `target should be at least ${TARGET_MIN}` : undefined) },
  { key: 'targetUtilizationPercentage', check: within(1, 100) },
  { key: 'targetBurstCapacity', check: (v) => (v < 0 && v !== -1 ? 'must be ≥ 0, or -1 for unlimited' : undefined) },
];

/** A duration annotation: in [minSeconds, 1h], whole seconds where upstream asks for them. */
interface DurationRule {
  key: 'window' | 'scaleToZeroPodRetentionPeriod' | 'scaleDownDelay';
  field: 'windowSeconds' | 'scaleToZeroPodRetentionPeriodSeconds' | 'scaleDownDelaySeconds';
  minSeconds: number;
  wholeSeconds: boolean;
}

/** The duration annotations, in upstream's validation order. */
const DURATION_RULES: readonly DurationRule[] = [
  { key: 'window', field: 'windowSeconds', minSeconds: WINDOW_MIN_SECONDS, wholeSeconds: true },
  { key: 'scaleToZeroPodRetentionPeriod', field: 'scaleToZeroPodRetentionPeriodSeconds', minSeconds: 0, wholeSeconds: false },
  { key: 'scaleDownDelay', field: 'scaleDownDelaySeconds', minSeconds: 0, wholeSeconds: true },
];

/** Parses and validates in one pass, keeping upstream's rule order. */
function analyse(
  annotations: Readonly<Record<string, string>>,
  cfg: AnnotationConfig,
): { values: AutoscalingAnnotations; errors: AnnotationError[] } {
  const K = AUTOSCALING_ANNOTATION_KEYS;
  const values: AutoscalingAnnotations = {};
  const errors: AnnotationError[] = [];
  const err = (f: Found, rule: string): void => {
    errors.push(new AnnotationError(f.key, f.value, rule));
  };

  /** A float, or undefined after recording why not. Deviation: NaN/±Inf are refused (Go accepts them). */
  const float = (f: Found): number | undefined => {
    const r = goParseFloat(f.value);
    if (!r.ok) {
      err(f, 'not a number');
      return undefined;
    }
    if (!Number.isFinite(r.value)) {
      err(f, 'must be a finite number');
      return undefined;
    }
    return r.value;
  };
  const duration = (f: Found): bigint | undefined => {
    const r = tryParseGoDuration(f.value);
    if (!r.ok) {
      err(f, r.reason);
      return undefined;
    }
    return r.nanos;
  };
  /** Upstream getIntGE0: an int32 ≥ 0; a missing or invalid value reads as 0 for the cross-checks. */
  const intGE0 = (f: Found | undefined): { n: number; ok: boolean } => {
    if (f === undefined) return { n: 0, ok: false };
    const r = goParseInt(f.value, 32);
    if (!r.ok && r.reason === 'syntax') err(f, 'not a decimal integer');
    else if (!r.ok || r.value < 0n) err(f, `must be an integer in [0, ${INT32_MAX}]`);
    else return { n: Number(r.value), ok: true };
    return { n: 0, ok: false };
  };

  // class: a *.knative.dev class must be one Knative ships.
  const cls = lookup(annotations, K.class);
  if (cls) {
    if (cls.value.endsWith('.knative.dev') && cls.value !== KPA_CLASS && cls.value !== HPA_CLASS) {
      err(cls, `unknown autoscaler class (classes ending in .knative.dev must be ${KPA_CLASS} or ${HPA_CLASS})`);
    } else values.class = cls.value;
  }

  // min-scale, max-scale, their limit, and activation-scale. Invalid values count as 0 below, as upstream.
  const minF = lookup(annotations, K.minScale);
  const maxF = lookup(annotations, K.maxScale);
  const { n: min, ok: minOK } = intGE0(minF);
  const { n: max, ok: maxOK } = intGE0(maxF);
  if (minOK) values.minScale = min;
  if (maxOK) values.maxScale = max;
  if (maxF && max !== 0 && max < min) err(maxF, `max-scale=${max} is less than min-scale=${min}`);
  if (maxF && cfg.maxScaleLimit !== 0) {
    if (max > cfg.maxScaleLimit) err(maxF, `must be in [1, ${cfg.maxScaleLimit}] (max-scale-limit=${cfg.maxScaleLimit})`);
    if (max === 0) err(maxF, `max-scale=0 (unlimited) is not allowed when max-scale-limit=${cfg.maxScaleLimit}; it must be at most ${cfg.maxScaleLimit}`);
  }
  const actF = lookup(annotations, K.activationScale);
  if (actF) {
    const r = goParseInt(actF.value, 32);
    if (!r.ok) err(actF, 'not a decimal integer in int32 range');
    else {
      const act = Number(r.value);
      if (min > act) err(actF, `min-scale=${min} is greater than activation-scale=${act}`);
      else if (max !== 0 && max < act) err(actF, `max-scale=${max} is less than activation-scale=${act}`);
      else if (act < 2) err(actF, `activation-scale=${act} must be greater than 1`);
      else values.activationScale = act;
    }
  }

  // Floats, then durations, each against its range (upstream's order).
  for (const rule of FLOAT_RULES) {
    const f = lookup(annotations, K[rule.key]);
    const v = f && float(f);
    if (f === undefined || v === undefined) continue;
    const why = rule.check(v);
    if (why !== undefined) err(f, why);
    else values[rule.key] = v;
  }
  for (const rule of DURATION_RULES) {
    const f = lookup(annotations, K[rule.key]);
    const ns = f && duration(f);
    if (f === undefined || ns === undefined) continue;
    if (ns < BigInt(rule.minSeconds) * NANOS_PER_SECOND || ns > BigInt(WINDOW_MAX_SECONDS) * NANOS_PER_SECOND) {
      err(f, `must be in [${rule.minSeconds}s, ${WINDOW_MAX_SECONDS}s]`);
    } else if (rule.wholeSeconds && !isWholeSeconds(ns)) err(f, 'must be specified with at most second precision');
    else values[rule.field] = nanosToSeconds(ns);
  }

  // metric: checked against the class in force (annotation, else the cluster default).
  const mF = lookup(annotations, K.metric);
  if (mF) {
    const classInForce = cls ? cls.value : cfg.podAutoscalerClass;
    if (classInForce === KPA_CLASS && mF.value !== 'concurrency' && mF.value !== 'rps') {
      err(mF, `the ${KPA_CLASS} class supports only the "concurrency" and "rps" metrics`);
    } else if (classInForce === HPA_CLASS && mF.value === '') {
      err(mF, `the ${HPA_CLASS} class needs a metric`);
    } else values.metric = mF.value;
  }

  // metric-aggregation-algorithm: validated only for an explicit KPA class annotation (upstream quirk).
  const algF = lookup(annotations, K.metricAggregationAlgorithm);
  if (algF) {
    const known = algF.value === 'linear' || algF.value === 'weighted-exponential' || algF.value === 'weightedExponential';
    if (cls?.value === KPA_CLASS && algF.value !== '' && !known) {
      err(algF, 'must be "linear", "weighted-exponential" or "weightedExponential"');
    } else {
      values.metricAggregationAlgorithm =
        algF.value === 'weighted-exponential' || algF.value === 'weightedExponential' ? 'weighted-exponential' : 'linear';
    }
  }

  // initial-scale: ≥ 0, and 0 only where the cluster allows it.
  const isF = lookup(annotations, K.initialScale);
  if (isF) {
    const r = goParseInt(isF.value, 64);
    if (!r.ok) err(isF, 'not a decimal integer');
    else if (r.value < 0n) err(isF, 'must be at least 0');
    else if (r.value === 0n && !cfg.allowZeroInitialScale) err(isF, 'initial-scale=0 is not allowed by the cluster (allow-zero-initial-scale is false)');
    // Deviation: upstream's webhook takes any int64 here, but every reader then wants an int32.
    else if (r.value > BigInt(INT32_MAX)) err(isF, `must be at most ${INT32_MAX}`);
    else values.initialScale = Number(r.value);
  }

  // serving.knative.dev/progress-deadline (validated with the revision, not the autoscaling group).
  const pdF = lookup(annotations, [PROGRESS_DEADLINE_ANNOTATION]);
  if (pdF && pdF.value !== '') {
    const ns = duration(pdF);
    if (ns !== undefined) {
      if (!isWholeSeconds(ns)) err(pdF, 'must be specified with at most second precision');
      else if (ns < 0n) err(pdF, 'must not be negative');
      else values.progressDeadlineSeconds = nanosToSeconds(ns);
    }
  }

  return { values, errors };
}

/**
 * Every problem upstream's webhook would report for these annotations, in
 * upstream's order (class, min/max/activation scale, floats, window, pod
 * retention, scale-down delay, metric, aggregation algorithm, initial scale),
 * followed by the progress-deadline check. Empty when all are valid.
 * @throws InvalidArgumentError if `annotations` or `cfg` is not the right shape.
 */
export function validateAutoscalingAnnotations(
  annotations: Readonly<Record<string, string>>,
  cfg: Pick<AutoscalerConfig, 'maxScaleLimit' | 'allowZeroInitialScale' | 'podAutoscalerClass'>,
): AnnotationError[] {
  checkInputs(annotations, cfg);
  return analyse(annotations, cfg).errors;
}

/**
 * Parses a revision's autoscaling annotations into typed values (durations in
 * seconds), validating them as upstream's webhook does against `cfg`.
 * @throws AnnotationError for the first invalid annotation.
 * @throws InvalidArgumentError if `annotations` or `cfg` is not the right shape.
 */
export function parseAutoscalingAnnotations(
  annotations: Readonly<Record<string, string>>,
  cfg: Pick<AutoscalerConfig, 'maxScaleLimit' | 'allowZeroInitialScale' | 'podAutoscalerClass'>,
): AutoscalingAnnotations {
  checkInputs(annotations, cfg);
  const { values, errors } = analyse(annotations, cfg);
  const first = errors[0];
  if (first) throw first;
  return values;
}

/**
 * Why Kubernetes would refuse the Deployment Knative builds for a revision with these
 * annotations, else undefined. The webhook takes a progress-deadline annotation of "0s"
 * or "" (which the revision reconciler reads as 0), or one past 2^31 − 1 seconds, but a
 * Deployment's progressDeadlineSeconds is an int32 that must be above minReadySeconds
 * (0): such a revision never gets its Deployment, so it never runs.
 */
export function deploymentDeadlineProblem(annotations: Readonly<Record<string, string>>): string | undefined {
  const raw = annotations[PROGRESS_DEADLINE_ANNOTATION];
  if (raw === undefined) return undefined;
  const r = tryParseGoDuration(raw);
  const seconds = r.ok ? Number(r.nanos / NANOS_PER_SECOND) : 0;
  if (seconds > 0 && seconds <= INT32_MAX) return undefined;
  const shown = raw === '' ? '0, from the empty value' : String(seconds);
  return `the revision would never run: Kubernetes refuses its Deployment, whose progressDeadlineSeconds (${shown}) must be in [1, ${INT32_MAX}]`;
}
