/**
 * The NodeResourcesFit filter (noderesources/fit.go fitsRequest): a pod fits a node when one
 * more pod stays within maxPods and every resource it requests (non-zero) is at most what the
 * node has left after the requests of the pods already bound. Usage plays no part.
 */
import { addResources, type NodeView, type PodResources } from './types.js';

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

/** fitFailures() is empty: the same three tests, without building the list (simulations ask this per pod and node). */
export function fits(node: NodeView, pod: PodResources): boolean {
  if (node.pods + 1 > node.maxPods) return false;
  const r = pod.requests;
  if (r.cpuMillis > 0 && r.cpuMillis > node.allocatable.cpuMillis - node.requested.cpuMillis) return false;
  return !(r.memoryBytes > 0 && r.memoryBytes > node.allocatable.memoryBytes - node.requested.memoryBytes);
}

/**
 * The node as the scheduler sees it once `pod` is bound to it: one more pod, its requests
 * added. The view is built field by field, not spread from `node`, so that every view has
 * one shape whatever `node` is (a model's node object has many more fields): with a spread,
 * V8's stores into the copies went megamorphic and missed its property lookup cache on
 * every call.
 */
export function bindPod(node: NodeView, pod: PodResources): NodeView {
  return {
    name: node.name,
    allocatable: node.allocatable,
    maxPods: node.maxPods,
    requested: addResources(node.requested, pod.requests),
    nonZeroRequested: addResources(node.nonZeroRequested, pod.nonZeroRequests),
    pods: node.pods + 1,
  };
}

/**
 * The event message kube-scheduler writes on a pod that fits nowhere, e.g.
 * "0/3 nodes are available: 2 Insufficient cpu, 1 Too many pods."
 */
export function unschedulableMessage(nodes: readonly NodeView[], pod: PodResources): string {
  const counts = new Map<FitFailure, number>();
  for (const n of nodes) for (const f of fitFailures(n, pod)) counts.set(f, (counts.get(f) ?? 0) + 1);
  // Upstream sorts the formatted "<count> <reason>" strings (FitError.Error's sortReasonsHistogram), so
  // the count leads: "1 Too many pods, 2 Insufficient cpu".
  const reasons = [...counts.entries()].map(([f, c]) => `${c} ${f}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const available = nodes.filter((n) => fits(n, pod)).length;
  return `${available}/${nodes.length} nodes are available${reasons.length > 0 ? ': ' + reasons.join(', ') : ''}.`;
}
