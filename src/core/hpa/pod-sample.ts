/**
 * What the HPA class is fed: one revision's pods as the HPA controller sees them at a
 * metrics-server scrape — the pod lister's phase, readiness and start time, the pod's
 * summed requests, and metrics-server's CPU rate and memory working set.
 */
import type { HpaPod, HpaPodMetric, PodPhase } from './replica-calculator.js';

/**
 * One pod of the revision at a metrics-server scrape. Units: CPU in millicores (may be
 * fractional; the HPA's metrics client rounds each pod up to a whole millicore), memory in
 * bytes, times in seconds on the caller's clock.
 */
export interface PodResourceSample {
  /** A stable pod name (the HPA tracks pods by name across syncs). */
  name: string;
  /** Default 'Running'. A pod waiting for a node or for its image is 'Pending'. */
  phase?: PodPhase | undefined;
  /** Being deleted (deletionTimestamp set): ignored by the HPA. */
  deleting?: boolean | undefined;
  /** The Ready condition's status; undefined while the pod has no Ready condition. */
  ready?: boolean | undefined;
  /** When the Ready condition last changed (default: `startTimeSeconds`). */
  readyLastTransitionSeconds?: number | undefined;
  /** When the kubelet started the pod (status.startTime); undefined before that. */
  startTimeSeconds?: number | undefined;
  /** Σ CPU requests of all containers (user + queue-proxy), millicores; undefined if any container has none. */
  cpuRequestMillicores?: number | undefined;
  /** Σ memory requests of all containers, bytes; undefined if any container has none. */
  memoryRequestBytes?: number | undefined;
  /** The first container (in the pod's order) with no CPU or memory request, which the HPA names when it fails. */
  withoutRequest?: HpaPod['withoutRequest'];
  /** metrics-server's CPU usage (rate over its window), millicores; undefined: no metric for this pod. */
  cpuMillicores?: number | undefined;
  /** metrics-server's memory working set, bytes; undefined: no metric for this pod. */
  memoryBytes?: number | undefined;
  /** The metric's timestamp (default: the stat's time). */
  metricTimestampSeconds?: number | undefined;
  /** The metric's window (default: 15 s, metrics-server's shipped resolution). */
  metricWindowSeconds?: number | undefined;
}

/** metrics-server's shipped scrape interval (`--metric-resolution` in its manifests). */
export const DEFAULT_METRIC_WINDOW_SECONDS = 15;

/** The HPA's view of the samples: pods, and per-resource metrics (milli-units). */
export function toHpaInputs(
  samples: readonly PodResourceSample[],
  timeSeconds: number,
): { pods: HpaPod[]; cpu: Map<string, HpaPodMetric>; memory: Map<string, HpaPodMetric> } {
  const pods: HpaPod[] = [];
  const cpu = new Map<string, HpaPodMetric>();
  const memory = new Map<string, HpaPodMetric>();
  for (const s of samples) {
    const requestsMilli: HpaPod['requestsMilli'] = {};
    if (s.cpuRequestMillicores !== undefined) requestsMilli.cpu = Math.ceil(s.cpuRequestMillicores);
    if (s.memoryRequestBytes !== undefined) requestsMilli.memory = Math.ceil(s.memoryRequestBytes) * 1000;
    pods.push({
      name: s.name,
      phase: s.phase ?? 'Running',
      deleting: s.deleting,
      ready: s.ready,
      readyLastTransitionSeconds: s.readyLastTransitionSeconds ?? s.startTimeSeconds,
      startTimeSeconds: s.startTimeSeconds,
      requestsMilli,
      withoutRequest: s.withoutRequest,
    });
    const ts = s.metricTimestampSeconds ?? timeSeconds;
    const window = s.metricWindowSeconds ?? DEFAULT_METRIC_WINDOW_SECONDS;
    if (s.cpuMillicores !== undefined) cpu.set(s.name, { valueMilli: Math.ceil(s.cpuMillicores), timestampSeconds: ts, windowSeconds: window });
    if (s.memoryBytes !== undefined) memory.set(s.name, { valueMilli: Math.ceil(s.memoryBytes) * 1000, timestampSeconds: ts, windowSeconds: window });
  }
  return { pods, cpu, memory };
}
