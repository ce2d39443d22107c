/**
 * Warnings for HPA-class revisions the HPA cannot scale. Knative accepts them (any
 * non-empty metric is valid for the HPA class), and so does knsim, but upstream's HPA then
 * reports ScalingActive=False at every sync and the revision stays at its initial scale:
 * the pods have no CPU request (the utilization denominator), the metric has no source
 * (knsim's metrics-server reports CPU only with a CPU model and memory only with a memory
 * model), or the metric is a custom one no custom-metrics adapter serves (Knative ships none).
 */
import { AUTOSCALING_ANNOTATION_KEYS, HPA_CLASS, isHpaRevisionAutoscaling, type RevisionAutoscaling } from '../core/autoscaler/index.js';
import type { MemoryModelSpec, PodResourcesSpec, WorkModelSpec } from '../model/spec.js';
import { formatPath, type PathSegment } from './errors.js';

const [CLASS_ANNOTATION] = AUTOSCALING_ANNOTATION_KEYS.class;
const [TARGET_ANNOTATION] = AUTOSCALING_ANNOTATION_KEYS.target;
const [METRIC_ANNOTATION] = AUTOSCALING_ANNOTATION_KEYS.metric;

/** What the HPA reads of one revision. */
export interface HpaWarningInput {
  autoscaling: RevisionAutoscaling;
  revision: string;
  resources: PodResourcesSpec;
  work: WorkModelSpec | undefined;
  memory: MemoryModelSpec | undefined;
  /** Pods running before the run (initialPods), if any: the Deployment then starts with them. */
  initialPods?: number | undefined;
}

/** Why the HPA cannot scale this revision, or undefined if it can. */
export function hpaScalingProblem(i: HpaWarningInput): string | undefined {
  const a = i.autoscaling;
  if (!isHpaRevisionAutoscaling(a)) return undefined;
  // No target: MakeHPA sets no metric and the API server defaults to CPU utilization 80 %.
  const metric = a.hpa.target === undefined ? 'cpu' : a.hpa.metric;
  if (metric === 'cpu') {
    const cpuUsage = i.work?.kind === 'cpu' || (i.work?.kind === 'profile' && i.work.cpuMillis !== undefined);
    if (!cpuUsage) return 'metrics-server has no CPU usage for its pods (no CPU model: set app.cpu, or app.profile with cpu)';
    const r = i.resources;
    const missing = [r.user, r.queueProxy, ...r.sidecars].some((c) => c.cpuRequestMillis === undefined);
    if (missing) return 'a container of its pods has no CPU request (set resources.requests.cpu, or config-defaults revision-cpu-request), so the HPA cannot compute utilization';
    return undefined;
  }
  if (metric === 'memory') {
    return i.memory === undefined ? 'metrics-server has no memory usage for its pods (no memory model: set app.memory)' : undefined;
  }
  return `no custom-metrics adapter serves the pods metric ${JSON.stringify(metric)} (Knative ships none)`;
}

/** The warning line for a revision the HPA cannot scale, written at `path` in `file`. */
export function hpaWarning(i: HpaWarningInput, file: string, path: readonly PathSegment[]): string | undefined {
  const a = i.autoscaling;
  // The Deployment starts at initial-scale replicas, and the HPA controller leaves a target at 0
  // replicas alone (ScalingActive=False, ScalingDisabled), whatever its minReplicas.
  if (isHpaRevisionAutoscaling(a) && a.initialScale === 0 && i.initialPods === undefined) {
    return `${file}: ${formatPath(path)}: revision ${i.revision} (${HPA_CLASS}): initial-scale 0 starts its Deployment with no replicas, and the HPA never scales a Deployment up from 0 (ScalingActive=False, ScalingDisabled): it never gets a pod, so its SKS never has a ready endpoint and the revision never becomes Ready: the route never sends it a request`;
  }
  const why = hpaScalingProblem(i);
  if (why === undefined) return undefined;
  return `${file}: ${formatPath(path)}: revision ${i.revision} (${HPA_CLASS}): ${why}; the HPA fails to scale it on load (ScalingActive=False): it keeps its replicas within min-scale/max-scale`;
}

/**
 * `knsim compare --class hpa` on a revision written for another class with a target and no metric:
 * the HPA class reads that target as CPU utilization percent (its default metric), as Knative does
 * when only the class annotation changes, which is rarely what the comparison means.
 */
export function forcedHpaTargetWarning(
  annotations: Readonly<Record<string, string>>,
  classOverride: string | undefined,
  revision: string,
  file: string,
  path: readonly PathSegment[],
): string | undefined {
  if (classOverride !== HPA_CLASS || annotations[CLASS_ANNOTATION] === HPA_CLASS) return undefined;
  const target = annotations[TARGET_ANNOTATION];
  if (target === undefined || annotations[METRIC_ANNOTATION] !== undefined) return undefined;
  return (
    `${file}: ${formatPath([...path, TARGET_ANNOTATION])}: revision ${revision}: with the class forced to ${HPA_CLASS}, its target ${target} ` +
    `(concurrent requests per pod under the KPA) is read as ${target} % CPU utilization, the HPA class's default metric; ` +
    `set ${METRIC_ANNOTATION} and a target for it in the scenario to compare like with like`
  );
}
