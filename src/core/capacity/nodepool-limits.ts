/**
 * A Karpenter NodePool's `spec.limits` (kubernetes-sigs/karpenter apis/v1 nodepool.go Limits) as
 * the provisioner applies them: the pool's usage is the capacity of its nodes in the cluster state
 * (launched NodeClaims, initialized or not, none marked for deletion) plus one `nodes` each
 * (state/cluster.go updateNodePoolResources, statenode.go Capacity); the scheduler opens a NodeClaim
 * only of instance types that fit what the limits leave (scheduler.go addToNewNodeClaim,
 * filterByRemainingResources), and Provisioner.Create refuses a pool whose usage already exceeds a
 * limit (Limits.ExceededBy). A launch that brings usage exactly to a limit is allowed.
 */
import { InvalidArgumentError, requireInteger } from '../errors.js';

/** The resources a knsim node has, in knsim's units; a NodePool may limit any of them. */
export interface LimitedResources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** The kubelet's maxPods: a node's `pods` capacity. */
  readonly pods: number;
  readonly nodes: number;
}

/** A NodePool's limits: a resource left out is not limited. */
export type NodePoolLimits = Partial<LimitedResources>;

/** What one node of an instance type adds to its pool's usage: its capacity, and one node. */
export type NodeCapacity = Omit<LimitedResources, 'nodes'>;

/** Upstream's resource names, in the order knsim checks them (upstream ranges over a map: any order). */
export const LIMITED_RESOURCES = [
  ['cpu', 'cpuMillis'],
  ['memory', 'memoryBytes'],
  ['pods', 'pods'],
  ['nodes', 'nodes'],
] as const satisfies ReadonlyArray<readonly [string, keyof LimitedResources]>;

/** The scheduler's error for a pool it opens no NodeClaim of; a pod refused by every pool carries it in its FailedScheduling event. */
export type LimitRefusal = 'node limits have been exhausted for nodepool' | 'all available instance types exceed limits for nodepool';

/** A pool's usage: `nodes` nodes of `capacity` each (the nodes of a knsim pool are alike). */
export function poolUsage(capacity: NodeCapacity, nodes: number): LimitedResources {
  requireInteger('nodes', nodes, 0);
  return { cpuMillis: capacity.cpuMillis * nodes, memoryBytes: capacity.memoryBytes * nodes, pods: capacity.pods * nodes, nodes };
}

/** What the limits leave of `usage` (scheduler.go: the limits less each state node's capacity): only the limited resources, negative when over. */
export function remainingResources(limits: NodePoolLimits, usage: LimitedResources): NodePoolLimits {
  const out: { -readonly [K in keyof LimitedResources]?: number } = {};
  for (const [, k] of LIMITED_RESOURCES) {
    const limit = limits[k];
    if (limit !== undefined) out[k] = limit - usage[k];
  }
  return out;
}

/**
 * The instance types a new NodeClaim of the pool may be (scheduler.go addToNewNodeClaim): none
 * once no node is left to it; else those whose capacity is at most what remains of every limited
 * resource (an instance type has no `nodes` capacity, so a pool already over its node limit keeps
 * none). A bigger type is skipped for a smaller one that still fits.
 */
export function typesWithinLimits<T>(
  types: readonly T[],
  capacity: (t: T) => NodeCapacity,
  remaining: NodePoolLimits,
): { readonly ok: true; readonly types: T[] } | { readonly ok: false; readonly reason: LimitRefusal } {
  if (remaining.nodes === 0) return { ok: false, reason: 'node limits have been exhausted for nodepool' };
  const fitting = types.filter((t) => {
    const c: LimitedResources = { ...capacity(t), nodes: 0 };
    return LIMITED_RESOURCES.every(([, k]) => remaining[k] === undefined || c[k] <= remaining[k]!);
  });
  return fitting.length > 0 ? { ok: true, types: fitting } : { ok: false, reason: 'all available instance types exceed limits for nodepool' };
}

/**
 * What remains once the scheduler opens a NodeClaim whose instance type options are `options`
 * (scheduler.go subtractMax): the most any of them could take, of each resource. Upstream takes
 * nothing of `nodes` here (instance types have no such capacity; kubernetes-sigs/karpenter#2915),
 * so a pass that starts with room for one node may open many; knsim counts each NodeClaim a pass
 * opens as one node, so that a node limit holds within a pass as it does across passes.
 */
export function subtractOpened(remaining: NodePoolLimits, options: readonly NodeCapacity[]): NodePoolLimits {
  if (options.length === 0) throw new InvalidArgumentError('options', 'must hold at least one instance type');
  const out: { -readonly [K in keyof LimitedResources]?: number } = {};
  for (const [, k] of LIMITED_RESOURCES) {
    const left = remaining[k];
    if (left === undefined) continue;
    out[k] = k === 'nodes' ? left - 1 : left - Math.max(...options.map((o) => o[k]));
  }
  return out;
}

/** The first limited resource whose usage is strictly over its limit (Limits.ExceededBy: Provisioner.Create then creates nothing), or undefined. */
export function limitExceededBy(limits: NodePoolLimits, usage: LimitedResources): (typeof LIMITED_RESOURCES)[number][0] | undefined {
  for (const [name, k] of LIMITED_RESOURCES) {
    const limit = limits[k];
    if (limit !== undefined && usage[k] > limit) return name;
  }
  return undefined;
}
