/**
 * One scheduling cycle's scoring without per-pod arrays: the same scores as nodeScores (score.ts),
 * each plugin normalized over the feasible nodes, and the same pick among the top ones, worked in
 * buffers that a scheduler keeps from pod to pod. At 5,000 nodes a cycle scores 500, and building
 * seven arrays of 500 per pod (a plugin's counts, raw and normalized scores each) kept the
 * collector busy.
 */
import { MAX_NODE_SCORE, type NodeView, type PodResources } from './types.js';
import { hostnameSpreadRawScore, POD_TOPOLOGY_SPREAD_WEIGHT } from './topology-spread.js';
import { antiAffinityRawScore, INTER_POD_AFFINITY_WEIGHT } from './inter-pod-affinity.js';
import { nodeScore } from './resource-score.js';
import { TAINT_TOLERATION_WEIGHT } from './taint-toleration.js';

/** Grown to `n` entries at least (doubling, so a growing cluster reallocates rarely). */
function atLeast(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, 2 * a.length));
}

export class ScoringBuffers<N extends NodeView> {
  /** The nodes that passed the filters: the first `count` entries (later ones are stale). */
  readonly feasible: N[] = [];
  count = 0;
  private spread = new Float64Array(0);
  private affinity = new Float64Array(0);
  private taints = new Float64Array(0);
  private top = new Float64Array(0);

  /** Forget the last cycle's nodes. */
  clear(): void {
    this.count = 0;
  }

  push(node: N): void {
    this.feasible[this.count++] = node;
  }

  /**
   * The best-scoring feasible node for `pod`, or undefined with none: scores as nodeScores gives
   * them, ties picked by `tieBreak(ties)` among the top nodes in feasible order (as selectNode).
   */
  best(pod: PodResources, tieBreak: (n: number) => number, matchingPods?: (node: N) => number, antiAffinityPods?: (node: N) => number): N | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const nodes = this.feasible;
    this.spread = atLeast(this.spread, n);
    this.affinity = atLeast(this.affinity, n);
    this.taints = atLeast(this.taints, n);
    this.top = atLeast(this.top, n);
    const spread = this.spread;
    const affinity = this.affinity;
    const taints = this.taints;
    // First pass: each plugin's raw score per node, and its range for normalization.
    let spreadMin = Number.POSITIVE_INFINITY;
    let spreadMax = 0;
    let affinityMin = Number.POSITIVE_INFINITY;
    let affinityMax = Number.NEGATIVE_INFINITY;
    let taintMax = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      if (matchingPods !== undefined) {
        const s = hostnameSpreadRawScore(matchingPods(node), n);
        spread[i] = s;
        if (s < spreadMin) spreadMin = s;
        if (s > spreadMax) spreadMax = s;
      }
      if (antiAffinityPods !== undefined) {
        const s = antiAffinityRawScore(antiAffinityPods(node));
        affinity[i] = s;
        if (s < affinityMin) affinityMin = s;
        if (s > affinityMax) affinityMax = s;
      }
      const t = node.preferNoScheduleTaints ?? 0;
      taints[i] = t;
      taintMax = Math.max(taintMax, t);
    }
    const affinityDiff = affinityMax - affinityMin;
    // Second pass: weighted totals, keeping the top ones (indexes) as they come.
    const top = this.top;
    let ties = 0;
    let best = -1;
    for (let i = 0; i < n; i++) {
      const node = nodes[i]!;
      let s = nodeScore(node, pod);
      if (matchingPods !== undefined) {
        // normalizeSpreadScores: the fewest matching pods 100; all 100 when every raw score is 0.
        const v = spreadMax === 0 ? MAX_NODE_SCORE : Math.floor((MAX_NODE_SCORE * (spreadMax + spreadMin - spread[i]!)) / spreadMax);
        s += POD_TOPOLOGY_SPREAD_WEIGHT * v;
      }
      if (antiAffinityPods !== undefined) {
        // normalizeInterPodAffinityScores: all 0 when the nodes are alike.
        const v = !(affinityDiff > 0) ? 0 : Math.trunc(MAX_NODE_SCORE * ((affinity[i]! - affinityMin) / affinityDiff));
        s += INTER_POD_AFFINITY_WEIGHT * v;
      }
      // taintTolerationScores: fewer untolerated PreferNoSchedule taints score higher.
      s += TAINT_TOLERATION_WEIGHT * (taintMax === 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE - Math.floor((MAX_NODE_SCORE * taints[i]!) / taintMax));
      if (s > best) {
        best = s;
        ties = 0;
        top[ties++] = i;
      } else if (s === best) top[ties++] = i;
    }
    if (ties === 1) return nodes[top[0]!];
    const k = tieBreak(ties);
    return nodes[top[Math.min(ties - 1, Math.max(0, Math.floor(k)))]!];
  }
}
