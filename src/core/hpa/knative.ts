/**
 * Knative's HPA class (`autoscaling.knative.dev/class: hpa.autoscaling.knative.dev`):
 * how the HPA-class reconciler turns a revision's PodAutoscaler into a
 * HorizontalPodAutoscaler (knative/serving pkg/reconciler/autoscaling/hpa/resources,
 * MakeHPA), and the revision settings it reads. No scale to zero: minReplicas is at
 * least 1 (the API default), and the SKS always serves from the pods once one is ready.
 */
import { InvalidArgumentError } from '../errors.js';
import { AnnotationError, AUTOSCALING_ANNOTATION_KEYS, HPA_CLASS, KPA_CLASS, parseAutoscalingAnnotations } from '../autoscaler/annotations.js';
import { resolveRevisionAutoscaling, type RevisionAutoscaling, type RevisionAutoscalingInput } from '../autoscaler/revision.js';
import type { AutoscalerConfig } from '../autoscaler/types.js';
import { MAX_REPLICAS_UNBOUNDED, type HpaMetricSpec, type HpaSpec } from './spec.js';

/** The PodAutoscaler fields MakeHPA reads. */
export interface KnativeHpaSettings {
  /** `autoscaling.knative.dev/metric` (default `cpu` for the HPA class). */
  metric: string;
  /** `autoscaling.knative.dev/target`, if set (cpu: percent of the request; memory: MiB per pod; other: per-pod value). */
  target: number | undefined;
  /** ScaleBounds min: `min-scale`, else config `min-scale`; 0 when the PA is unreachable. */
  minScale: number;
  /** ScaleBounds max: `max-scale`, else config `max-scale`; 0 = no limit. */
  maxScale: number;
  /** `autoscaling.knative.dev/window` in whole seconds, if set (turns on the behavior path). */
  windowSeconds: number | undefined;
}

const MIB = 1024 * 1024;

/** The HPA's metric for a Knative metric and target (undefined target: none, so the API's CPU 80 %). */
export function knativeHpaMetric(metric: string, target: number | undefined): HpaMetricSpec | undefined {
  if (target === undefined) return undefined;
  if (metric === 'cpu') return { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: Math.ceil(target) } };
  // int64(target) MiB, as bytes; milli-units because the HPA compares MilliValues.
  if (metric === 'memory') return { type: 'Resource', resource: 'memory', target: { type: 'AverageValue', averageValueMilli: Math.trunc(target) * MIB * 1000 } };
  return { type: 'Pods', name: metric, target: { type: 'AverageValue', averageValueMilli: Math.trunc(target) * 1000 } };
}

const INT32_MAX = 2147483647;
const INT64_MAX = 9223372036854775807;

/**
 * Why the API server would refuse the HPA MakeHPA builds from `metric` and `target`, or
 * undefined. Knative only checks target ≥ 0.01, but MakeHPA converts it with Go integer
 * casts: below 1 a memory or custom target truncates to an averageValue of 0, and a value
 * beyond int32 (CPU percent) or int64 (bytes, custom value) wraps to a negative one; the
 * HPA's validation wants both positive, so upstream never gets such an HPA created.
 */
export function knativeHpaTargetProblem(metric: string, target: number): string | undefined {
  if (metric === 'cpu') {
    const pct = Math.ceil(target);
    return pct > INT32_MAX ? `the HPA's averageUtilization ceil(${target}) % overflows int32, which the Kubernetes API server rejects` : undefined;
  }
  const whole = Math.trunc(target);
  const what = metric === 'memory' ? `int64(${target}) MiB` : `int64(${target})`;
  if (whole < 1) {
    return `metric ${JSON.stringify(metric)} makes an HPA with averageValue 0 (${what}), which the Kubernetes API server rejects (it must be positive): use a target of at least 1`;
  }
  if ((metric === 'memory' ? whole * MIB : whole) > INT64_MAX) return `the HPA's averageValue ${what} overflows int64, which the Kubernetes API server rejects`;
  return undefined;
}

/**
 * Why the API server would refuse the HPA MakeHPA builds from these scale bounds, or
 * undefined. Knative's webhook compares min-scale with max-scale only when both are
 * annotations; with one of them from config-autoscaler, MakeHPA can write minReplicas above
 * maxReplicas, which the HPA's validation rejects (once the revision is routed: an
 * unreachable one gets no minReplicas; knsim refuses it either way). `maxScale` 0 is no limit.
 */
export function knativeHpaBoundsProblem(minScale: number, maxScale: number): string | undefined {
  if (maxScale === 0 || minScale <= maxScale) return undefined;
  return `the HPA Knative builds would have minReplicas ${minScale} > maxReplicas ${maxScale}, which the Kubernetes API server rejects`;
}

/**
 * MakeHPA: maxReplicas = max-scale or 2147483647; minReplicas only when min > 0 (else the
 * API's 1); the metric from `metric` and `target`; a `window` sets both stabilization
 * windows (the rest of behavior takes the API defaults).
 */
export function makeKnativeHpa(s: KnativeHpaSettings): HpaSpec {
  const metric = knativeHpaMetric(s.metric, s.target);
  const spec: HpaSpec = {
    maxReplicas: s.maxScale === 0 ? MAX_REPLICAS_UNBOUNDED : s.maxScale,
    metrics: metric === undefined ? [] : [metric],
  };
  if (s.minScale > 0) spec.minReplicas = s.minScale;
  if (s.windowSeconds !== undefined) {
    spec.behavior = {
      scaleUp: { stabilizationWindowSeconds: s.windowSeconds },
      scaleDown: { stabilizationWindowSeconds: s.windowSeconds },
    };
  }
  return spec;
}

/** A revision of the HPA class: the usual settings (KPA-only ones unused) plus what MakeHPA reads. */
export interface HpaRevisionAutoscaling extends RevisionAutoscaling {
  hpa: KnativeHpaSettings;
}

/** Whether `a` carries HPA-class settings. */
export function isHpaRevisionAutoscaling(a: RevisionAutoscaling): a is HpaRevisionAutoscaling {
  return a.class === HPA_CLASS && typeof (a as Partial<HpaRevisionAutoscaling>).hpa === 'object';
}

const HPA_ONLY_KEYS = new Set<string>([...AUTOSCALING_ANNOTATION_KEYS.class, ...AUTOSCALING_ANNOTATION_KEYS.metric, ...AUTOSCALING_ANNOTATION_KEYS.target]);

/**
 * Resolves a revision of the HPA class: validates its annotations as upstream's webhook
 * does for that class, and reads `metric` (default `cpu`), `target`, `window` and the
 * scale bounds. The KPA-shaped fields (decider spec, panic window…) are filled as for a
 * KPA revision with the same bounds and windows and are not used by the HPA class.
 * @throws AnnotationError for an invalid annotation; InvalidArgumentError if the class is not the HPA class.
 */
export function resolveHpaRevisionAutoscaling(cfg: AutoscalerConfig, rev: RevisionAutoscalingInput): HpaRevisionAutoscaling {
  const annotations = rev.annotations ?? {};
  const ann = parseAutoscalingAnnotations(annotations, cfg);
  const cls = ann.class ?? cfg.podAutoscalerClass;
  if (cls !== HPA_CLASS) {
    throw new InvalidArgumentError(`annotations[${JSON.stringify(AUTOSCALING_ANNOTATION_KEYS.class[0])}]`, `expected the ${HPA_CLASS} class, got ${JSON.stringify(cls)}`);
  }
  // The shared fields, resolved as for the KPA without the annotations whose meaning differs.
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (!HPA_ONLY_KEYS.has(k)) rest[k] = v;
  const base = resolveRevisionAutoscaling({ ...cfg, podAutoscalerClass: KPA_CLASS }, { ...rev, annotations: rest });
  const metric = ann.metric ?? 'cpu';
  if (ann.target !== undefined) {
    const why = knativeHpaTargetProblem(metric, ann.target);
    if (why !== undefined) {
      const key = AUTOSCALING_ANNOTATION_KEYS.target.find((k) => annotations[k] !== undefined) ?? AUTOSCALING_ANNOTATION_KEYS.target[0]!;
      throw new AnnotationError(key, annotations[key] ?? String(ann.target), why);
    }
  }
  const why = knativeHpaBoundsProblem(ann.minScale ?? cfg.minScale, base.maxScale);
  if (why !== undefined) {
    // The webhook already refuses two annotations out of order, so one bound here is a ConfigMap's.
    const keys: readonly string[] = ann.minScale !== undefined ? AUTOSCALING_ANNOTATION_KEYS.minScale : AUTOSCALING_ANNOTATION_KEYS.maxScale;
    const key = keys.find((k) => annotations[k] !== undefined) ?? keys[0]!;
    throw new AnnotationError(key, annotations[key] ?? '', why);
  }
  return {
    ...base,
    class: HPA_CLASS,
    hpa: {
      metric,
      target: ann.target,
      minScale: base.minScale,
      maxScale: base.maxScale,
      windowSeconds: ann.windowSeconds,
    },
  };
}
