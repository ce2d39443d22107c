/**
 * The resource scorers of kube-scheduler's default profile, on its integer arithmetic:
 * NodeResourcesFit with the LeastAllocated strategy (noderesources/least_allocated.go) and
 * NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go), cpu and memory each
 * weighted 1. Written without closures or arrays: a cycle calls them for every scored node.
 */
import { MAX_NODE_SCORE, type NodeView, type PodResources } from './types.js';

/** `(capacity − requested) × 100 / capacity`, integer; 0 when full, over-full or capacity 0. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * The LeastAllocated score of placing `pod` on `node` (0..100). A resource the node has none of
 * is left out of the average, as upstream's scorer skips it (one left: its score; none: 0).
 */
export function leastAllocatedScore(node: NodeView, pod: PodResources): number {
  const cpu = node.allocatable.cpuMillis;
  const memory = node.allocatable.memoryBytes;
  let sum = 0;
  let weights = 0;
  if (cpu !== 0) {
    sum += leastRequestedScore(node.nonZeroRequested.cpuMillis + pod.nonZeroRequests.cpuMillis, cpu);
    weights += 1;
  }
  if (memory !== 0) {
    sum += leastRequestedScore(node.nonZeroRequested.memoryBytes + pod.nonZeroRequests.memoryBytes, memory);
    weights += 1;
  }
  // Weights cpu 1, memory 1: Σ weight × score / Σ weight, integer division.
  return weights === 0 ? 0 : Math.floor(sum / weights);
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
  const cpu = node.allocatable.cpuMillis;
  const memory = node.allocatable.memoryBytes;
  // Only with both resources is there a spread between them.
  if (!(cpu > 0 && memory > 0)) return MAX_NODE_SCORE;
  const fCpu = Math.min(1, (node.requested.cpuMillis + r.cpuMillis) / cpu);
  const fMemory = Math.min(1, (node.requested.memoryBytes + r.memoryBytes) / memory);
  const std = Math.abs((fCpu - fMemory) / 2);
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The node's resource score for `pod`: LeastAllocated + BalancedAllocation, each weight 1 (0..200). */
export function nodeScore(node: NodeView, pod: PodResources): number {
  return leastAllocatedScore(node, pod) + balancedAllocationScore(node, pod);
}

