/**
 * Node scoring and selection as kube-scheduler's default profile does it, on its integer
 * arithmetic: NodeResourcesFit with the LeastAllocated strategy (noderesources/
 * least_allocated.go) and NodeResourcesBalancedAllocation (noderesources/balanced_allocation.go),
 * each weight 1 with cpu and memory weighted 1, plus PodTopologySpread, weight 2, with the
 * system default constraints (topology-spread.ts), InterPodAffinity, weight 2, for the preferred
 * anti-affinity Knative gives revision pods by default (inter-pod-affinity.ts), and
 * TaintToleration, weight 3 (apis/config/v1/default_plugins.go). The other default scorers (node
 * affinity, image locality) are left out: knsim's nodes carry no labels or images and its pods no
 * node affinity, so they score every node alike.
 */
import type { NodeView, PodResources } from './types.js';
import { fits } from './fit.js';
import { nodeScore } from './resource-score.js';
import { TAINT_TOLERATION_WEIGHT, taintTolerationScores } from './taint-toleration.js';
import { ScoringBuffers } from './scoring-buffers.js';
import { POD_TOPOLOGY_SPREAD_WEIGHT, podTopologySpreadScores } from './topology-spread.js';
import { INTER_POD_AFFINITY_WEIGHT, interPodAffinityScores } from './inter-pod-affinity.js';

export { balancedAllocationScore, leastAllocatedScore, leastRequestedScore, nodeScore } from './resource-score.js';
export { TAINT_TOLERATION_WEIGHT, taintTolerationScores } from './taint-toleration.js';

/**
 * The weighted total scores of `feasible` nodes (those that passed the filters) for `pod`:
 * LeastAllocated + BalancedAllocation (each 0..100, weight 1) + 2 × PodTopologySpread (0..100,
 * normalized over these nodes) + 2 × InterPodAffinity (0..100, normalized over these nodes) + 3 ×
 * TaintToleration (0..100, normalized over these nodes, from each node's `preferNoScheduleTaints`).
 * `matchingPods(node)` counts the pods on the node that the pod's ReplicaSet selects, terminating
 * ones left out; without it the pod is one no controller or Service selects, for which
 * PodTopologySpread skips scoring. `antiAffinityPods(node)` counts the pods of the pod's revision
 * bound to the node, terminating ones included, when its pods carry Knative's preferred
 * anti-affinity; without it the pod has no pod affinity and InterPodAffinity scores every node alike.
 */
export function nodeScores<N extends NodeView>(
  feasible: readonly N[],
  pod: PodResources,
  matchingPods?: (node: N) => number,
  antiAffinityPods?: (node: N) => number,
): number[] {
  const spread = matchingPods === undefined ? undefined : podTopologySpreadScores(feasible.map(matchingPods));
  const affinity = antiAffinityPods === undefined ? undefined : interPodAffinityScores(feasible.map(antiAffinityPods));
  const taints = taintTolerationScores(feasible.map((n) => n.preferNoScheduleTaints ?? 0));
  return feasible.map(
    (n, i) =>
      nodeScore(n, pod) +
      (spread === undefined ? 0 : POD_TOPOLOGY_SPREAD_WEIGHT * spread[i]!) +
      (affinity === undefined ? 0 : INTER_POD_AFFINITY_WEIGHT * affinity[i]!) +
      TAINT_TOLERATION_WEIGHT * taints[i]!,
  );
}

/**
 * The node a pod binds to, or undefined when it fits nowhere. Among equal top scores the
 * scheduler picks uniformly at random; core draws nothing, so the caller passes `tieBreak(n)`
 * returning an index in [0, n) (the simulator backs it with a seeded stream). `matchingPods`
 * and `antiAffinityPods` as for nodeScores.
 */
export function selectNode<N extends NodeView>(
  nodes: readonly N[],
  pod: PodResources,
  tieBreak: (n: number) => number,
  matchingPods?: (node: N) => number,
  antiAffinityPods?: (node: N) => number,
): N | undefined {
  return bestScored(nodes.filter((n) => fits(n, pod)), pod, tieBreak, matchingPods, antiAffinityPods);
}

/** The best-scoring of nodes that passed the filters (ties as in selectNode), undefined if none. */
function bestScored<N extends NodeView>(
  feasible: readonly N[],
  pod: PodResources,
  tieBreak: (n: number) => number,
  matchingPods?: (node: N) => number,
  antiAffinityPods?: (node: N) => number,
): N | undefined {
  const b = new ScoringBuffers<N>();
  for (const n of feasible) b.push(n);
  return b.best(pod, tieBreak, matchingPods, antiAffinityPods);
}

/** kube-scheduler looks at every node of a cluster smaller than this (minFeasibleNodesToFind)… */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** …and never at fewer than this share of a larger one, in percent (minFeasibleNodesPercentageToFind). */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes kube-scheduler finds before it stops filtering and scores those
 * (numFeasibleNodesToFind): every node below 100 nodes; else `percentageOfNodesToScore` of them
 * (KubeSchedulerConfiguration, validated to [0, 100]), by default (0) 50 % less 1 % per 125
 * nodes, at least 5 %, in integer arithmetic, and never fewer than 100. So 500 nodes: 46 % =
 * 230; 5,000 nodes: 10 % = 500.
 */
export function feasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * Math.min(100, percentage)) / 100);
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, n);
}

/** A scheduling cycle's choice, and how far it moves the next cycle's starting node. */
export interface ScheduleResult<N> {
  node: N | undefined;
  /** The nodes the filters looked at (feasible or not): the next cycle starts that many nodes on. */
  processed: number;
}

/**
 * One scheduling cycle of kube-scheduler over the cluster's registered nodes (schedule_one.go
 * findNodesThatPassFilters): the filters run from node `start` round the list, and stop once
 * feasibleNodesToFind nodes passed; only those are scored, and the best wins (ties as in
 * selectNode). `schedulable(node)` is the filters other than fit (a tainted node fails them).
 * `percentageOfNodesToScore` as for feasibleNodesToFind.
 * The caller keeps the next start, (start + processed) mod the node count, so every node gets
 * its turn across pods; in a cluster under 100 nodes every node is processed and the start
 * never moves.
 */
export function scheduleOne<N extends NodeView>(
  nodes: readonly N[],
  pod: PodResources,
  tieBreak: (n: number) => number,
  opts: {
    start: number;
    schedulable: (node: N) => boolean;
    matchingPods?: (node: N) => number;
    antiAffinityPods?: ((node: N) => number) | undefined;
    /** KubeSchedulerConfiguration's percentageOfNodesToScore (0, the default: adaptive). */
    percentageOfNodesToScore?: number | undefined;
    /** The caller's buffers, kept from cycle to cycle (absent: this cycle's own). */
    buffers?: ScoringBuffers<N> | undefined;
  },
): ScheduleResult<N> {
  const all = nodes.length;
  if (all === 0) return { node: undefined, processed: 0 };
  const want = feasibleNodesToFind(all, opts.percentageOfNodesToScore);
  const feasible = opts.buffers ?? new ScoringBuffers<N>();
  feasible.clear();
  let processed = 0;
  for (let i = 0; i < all && feasible.count < want; i++) {
    const n = nodes[(opts.start + i) % all]!;
    processed++;
    if (opts.schedulable(n) && fits(n, pod)) feasible.push(n);
  }
  return { node: feasible.best(pod, tieBreak, opts.matchingPods, opts.antiAffinityPods), processed };
}
