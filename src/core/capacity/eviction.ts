/**
 * The kubelet's eviction under node memory pressure (kubernetes pkg/kubelet/eviction).
 *
 * Every 10 s the eviction manager compares the node's free memory with the hard threshold
 * (`memory.available<100Mi` by default). Node allocatable is capacity minus the system and kube
 * reservations and that threshold, so with system daemons using what they reserve, the threshold
 * is crossed when the pods' working sets together exceed allocatable (the pods' cgroup signal,
 * allocatableMemory.available, says the same). The kubelet then reports the node condition
 * MemoryPressure (the node lifecycle controller taints the node
 * node.kubernetes.io/memory-pressure:NoSchedule) and evicts one pod per pass, killing it at once
 * (a hard threshold overrides its grace period with 1 s, immediateEvictionGracePeriodSeconds).
 * After a pass that evicted, the manager does not sleep its period: it polls every second until
 * the pod is cleaned up, then runs the next pass at once. The condition stays True until the
 * threshold has not been crossed for eviction-pressure-transition-period (5 min).
 */
import { requireFinite, requireNonNegative } from '../errors.js';

/** How often the eviction manager checks the node's signals (evictionMonitoringPeriod). */
export const EVICTION_MONITORING_PERIOD_SECONDS = 10;
/**
 * How often, after an eviction, the manager checks whether the evicted pod is cleaned up before its
 * next pass (podCleanupPollFreq; it gives up after 30 s, podCleanupTimeout).
 */
export const EVICTION_POD_CLEANUP_POLL_SECONDS = 1;
/** How long MemoryPressure stays True after the threshold was last crossed (eviction-pressure-transition-period). */
export const EVICTION_PRESSURE_TRANSITION_SECONDS = 300;

/**
 * One pod as the eviction manager ranks it: its working set (undefined: the stats summary has no entry
 * for it yet, as for a pod whose containers are not created), its memory request (Σ containers, or an
 * init container's where larger), its priority.
 */
export interface PodMemoryUse {
  usageBytes: number | undefined;
  requestBytes: number;
  priority: number;
}

/** Whether the node is past the hard memory threshold: its pods' working sets (DaemonSet pods included) above allocatable. */
export function memoryThresholdCrossed(allocatableBytes: number, podsWorkingSetBytes: number): boolean {
  requireNonNegative('allocatableBytes', allocatableBytes);
  requireNonNegative('podsWorkingSetBytes', podsWorkingSetBytes);
  return podsWorkingSetBytes > allocatableBytes;
}

/**
 * The order in which the kubelet evicts pods under memory pressure (rankMemoryPressure): pods
 * using more than their request first, then lower priority first, then the most memory above the
 * request first. A pod without stats goes before any pod with stats on both usage keys
 * (exceedMemoryRequests and memory rank a missing entry first), so among such pods only priority
 * decides. Returns indexes into `pods`; pods equal on all three keep their given order (upstream's
 * sort is not stable, so it may pick either).
 */
export function memoryEvictionOrder(pods: readonly PodMemoryUse[]): number[] {
  for (const p of pods) {
    if (p.usageBytes !== undefined) requireFinite('usageBytes', p.usageBytes);
    requireFinite('requestBytes', p.requestBytes);
    requireFinite('priority', p.priority);
  }
  // 0 goes first: no stats, then over the request, then the rest.
  const exceeds = (p: PodMemoryUse): number => (p.usageBytes === undefined ? 0 : p.usageBytes > p.requestBytes ? 1 : 2);
  // Memory above the request, for the last key; a pod without stats is not compared on it (equal).
  const above = (p: PodMemoryUse): number => (p.usageBytes === undefined ? 0 : p.usageBytes - p.requestBytes);
  return pods
    .map((_, i) => i)
    .sort((a, b) => {
      const pa = pods[a]!;
      const pb = pods[b]!;
      const ka = exceeds(pa);
      const kb = exceeds(pb);
      if (ka !== kb) return ka - kb;
      if (pa.priority !== pb.priority) return pa.priority - pb.priority;
      return (ka === 0 ? 0 : above(pb) - above(pa)) || a - b;
    });
}

/** Whether the MemoryPressure condition is still True at `nowSeconds`, the threshold last crossed at `lastCrossedSeconds`. */
export function memoryPressureHeld(lastCrossedSeconds: number, nowSeconds: number): boolean {
  requireFinite('nowSeconds', nowSeconds);
  return nowSeconds - lastCrossedSeconds < EVICTION_PRESSURE_TRANSITION_SECONDS;
}
