/**
 * Node scoring and selection as kube-scheduler's default profile does it for resources, on its
 * integer arithmetic: NodeResourcesFit with the LeastAllocated strategy (noderesources/
 * least_allocated.go) plus NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go),
 * each weight 1 with cpu and memory weighted 1 (apis/config/v1/default_plugins.go). The other
 * default scorers (taints, node and pod affinity, topology spread, image locality) are left out:
 * knsim's nodes carry no taints, labels, zones or images for them to score.
 */
import type { NodeView, PodResources } from './types.js';
import { fits } from './fit.js';

export const MAX_NODE_SCORE = 100;

/** `(capacity − requested) × 100 / capacity`, integer; 0 when full, over-full or capacity 0. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** The LeastAllocated score of placing `pod` on `node` (0..100). */
export function leastAllocatedScore(node: NodeView, pod: PodResources): number {
  const cpu = leastRequestedScore(node.nonZeroRequested.cpuMillis + pod.nonZeroRequests.cpuMillis, node.allocatable.cpuMillis);
  const mem = leastRequestedScore(
    node.nonZeroRequested.memoryBytes + pod.nonZeroRequests.memoryBytes,
    node.allocatable.memoryBytes,
  );
  // Weights cpu 1, memory 1: Σ weight × score / Σ weight, integer division.
  return Math.floor((cpu + mem) / 2);
}

/**
 * The BalancedAllocation score of placing `pod` on `node` (0..100): 100 × (1 − |f_cpu − f_mem| / 2),
 * truncated, with f = (requested + the pod's request) / allocatable, capped at 1; the pod's and
 * the node's actual requests count here, not the non-zero defaults. A resource the node has none
 * of is left out (one resource left: 100). A pod requesting nothing is not scored by it (0 on
 * every node: kube-scheduler skips the plugin for best-effort pods).
 */
export function balancedAllocationScore(node: NodeView, pod: PodResources): number {
  const r = pod.requests;
  if (r.cpuMillis === 0 && r.memoryBytes === 0) return 0;
  const fractions: number[] = [];
  const add = (requested: number, allocatable: number) => {
    if (allocatable > 0) fractions.push(Math.min(1, requested / allocatable));
  };
  add(node.requested.cpuMillis + r.cpuMillis, node.allocatable.cpuMillis);
  add(node.requested.memoryBytes + r.memoryBytes, node.allocatable.memoryBytes);
  const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The node's total score for `pod`: LeastAllocated + BalancedAllocation, each weight 1 (0..200). */
export function nodeScore(node: NodeView, pod: PodResources): number {
  return leastAllocatedScore(node, pod) + balancedAllocationScore(node, pod);
}

/**
 * The node a pod binds to, or undefined when it fits nowhere. Among equal top scores the
 * scheduler picks uniformly at random; core draws nothing, so the caller passes `tieBreak(n)`
 * returning an index in [0, n) (the simulator backs it with a seeded stream).
 */
export function selectNode<N extends NodeView>(
  nodes: readonly N[],
  pod: PodResources,
  tieBreak: (n: number) => number,
): N | undefined {
  let best = -1;
  const top: N[] = [];
  for (const n of nodes) {
    if (!fits(n, pod)) continue;
    const s = nodeScore(n, pod);
    if (s > best) {
      best = s;
      top.length = 0;
      top.push(n);
    } else if (s === best) top.push(n);
  }
  if (top.length === 0) return undefined;
  if (top.length === 1) return top[0];
  const i = tieBreak(top.length);
  return top[Math.min(top.length - 1, Math.max(0, Math.floor(i)))];
}
