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

/** NodeUnschedulable's reason for a cordoned node (spec.unschedulable). */
export const NODE_UNSCHEDULABLE_REASON = 'node(s) were unschedulable';

/**
 * TaintToleration's reason for a node with a NoSchedule or NoExecute taint the pod does not
 * tolerate, as kube-scheduler 1.33 writes it: key and value, e.g. "{karpenter.sh/disrupted: }".
 */
export function untoleratedTaintReason(key: string, value = ''): string {
  return `node(s) had untolerated taint {${key}: ${value}}`;
}

/** Preemption's reasons (default_preemption.go, preemption.go), for a cluster whose pods share one priority. */
const NO_VICTIMS = 'No preemption victims found for incoming pod';
const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** Upstream's histogram: "<count> <reason>" strings sorted as text (FitError.Error), so the count leads. */
function histogram(counts: ReadonlyMap<string, number>): string {
  return [...counts.entries()]
    .map(([reason, c]) => `${c} ${reason}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join(', ');
}

function bump(counts: Map<string, number>, reason: string, by = 1): void {
  if (by > 0) counts.set(reason, (counts.get(reason) ?? 0) + by);
}

/**
 * The message of the FailedScheduling event kube-scheduler 1.33 writes on a pod that fits none of
 * `nodes`, e.g. "0/3 nodes are available: 1 node(s) had untolerated taint {karpenter.sh/disrupted: },
 * 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for
 * scheduling, 2 No preemption victims found for incoming pod." It is 0/N whenever it is written:
 * undefined if some node passes every filter (the pod binds; there is no such event), and
 * upstream's own error with no node at all. `rejectedBefore` gives the reason of a filter that
 * runs before NodeResourcesFit and turns the node away (NODE_UNSCHEDULABLE_REASON,
 * untoleratedTaintReason), if any: only that reason is counted for the node, as the framework
 * stops at the first failing filter. Preemption (PostFilter, run on every failure) skips those
 * nodes as unresolvable and, with every pod of one priority as in knsim, finds no victim on the
 * others.
 */
export function unschedulableMessage<N extends NodeView>(
  nodes: readonly N[],
  pod: PodResources,
  rejectedBefore?: (node: N) => string | undefined,
): string | undefined {
  if (nodes.length === 0) return 'no nodes available to schedule pods';
  const reasons = new Map<string, number>();
  let unresolvable = 0;
  for (const n of nodes) {
    const before = rejectedBefore?.(n);
    if (before !== undefined) {
      bump(reasons, before);
      unresolvable++;
      continue;
    }
    const failures = fitFailures(n, pod);
    if (failures.length === 0) return undefined;
    for (const f of failures) bump(reasons, f);
  }
  const preemption = new Map<string, number>();
  bump(preemption, PREEMPTION_NOT_HELPFUL, unresolvable);
  bump(preemption, NO_VICTIMS, nodes.length - unresolvable);
  const all = `0/${nodes.length} nodes are available`;
  return `${all}: ${histogram(reasons)}. preemption: ${all}: ${histogram(preemption)}.`;
}
