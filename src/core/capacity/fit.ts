/**
 * The NodeResourcesFit filter (noderesources/fit.go fitsRequest): a pod fits a node when one
 * more pod stays within maxPods and every resource it requests (non-zero) is at most what the
 * node has left after the requests of the pods already bound. Usage plays no part.
 */
import type { NodeView, PodResources } from './types.js';

/** kube-scheduler's failure reasons, in the order it reports them. */
export type FitFailure = 'Too many pods' | 'Insufficient cpu' | 'Insufficient memory';

export function fitFailures(node: NodeView, pod: PodResources): FitFailure[] {
  const out: FitFailure[] = [];
  if (node.pods + 1 > node.maxPods) out.push('Too many pods');
  const r = pod.requests;
  if (r.cpuMillis > 0 && r.cpuMillis > node.allocatable.cpuMillis - node.requested.cpuMillis) out.push('Insufficient cpu');
  if (r.memoryBytes > 0 && r.memoryBytes > node.allocatable.memoryBytes - node.requested.memoryBytes) {
    out.push('Insufficient memory');
  }
  return out;
}

export function fits(node: NodeView, pod: PodResources): boolean {
  return fitFailures(node, pod).length === 0;
}

/**
 * The event message kube-scheduler writes on a pod that fits nowhere, e.g.
 * "0/3 nodes are available: 2 Insufficient cpu, 1 Too many pods."
 */
export function unschedulableMessage(nodes: readonly NodeView[], pod: PodResources): string {
  const counts = new Map<FitFailure, number>();
  for (const n of nodes) for (const f of fitFailures(n, pod)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const reasons = [...counts.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([f, c]) => `${c} ${f}`);
  const available = nodes.filter((n) => fits(n, pod)).length;
  return `${available}/${nodes.length} nodes are available${reasons.length > 0 ? ': ' + reasons.join(', ') : ''}.`;
}
