/**
 * Node scoring and selection as kube-scheduler's default profile does it for resources:
 * NodeResourcesFit with the LeastAllocated strategy, cpu and memory weight 1
 * (noderesources/least_allocated.go), on integer arithmetic. The other default scorers
 * (balanced allocation, taints, affinity, topology spread, image locality) are left out:
 * knsim's nodes carry none of the inputs they score.
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
    const s = leastAllocatedScore(n, pod);
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
