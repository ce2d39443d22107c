import { isHpaRevisionAutoscaling, makeKnativeHpa, type RevisionAutoscaling } from '../core/autoscaler/index.js';

/** The API server's target when an HPA has no metric (MakeHPA sets none without a target annotation). */
const DEFAULT_HPA_CPU_UTILIZATION = 80;

/**
 * The metric a revision scales on and its target, as records show them. KPA: the decider's
 * metric and per-pod target. HPA class: the HPA's metric as MakeHPA builds it — cpu in
 * percent of the pod's request, memory in MiB per pod, a custom metric per pod — or the
 * API server's default (cpu 80 %) when the revision sets no target.
 */
export function scalingMetric(a: RevisionAutoscaling): { metric: string; target: number } {
  if (!isHpaRevisionAutoscaling(a)) return { metric: a.metric, target: a.deciderSpec.targetValue };
  const m = makeKnativeHpa(a.hpa).metrics?.[0];
  if (m === undefined) return { metric: 'cpu', target: DEFAULT_HPA_CPU_UTILIZATION };
  if (m.target.type === 'Utilization') return { metric: 'cpu', target: m.target.averageUtilization };
  const name = m.type === 'Resource' ? m.resource : m.name;
  // Average values are milli-units; memory is shown in MiB, as the annotation gives it.
  const perPod = m.target.averageValueMilli / 1000;
  return { metric: name, target: name === 'memory' ? perPod / (1024 * 1024) : perPod };
}
