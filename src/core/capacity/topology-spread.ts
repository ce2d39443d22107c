/**
 * PodTopologySpread scoring as kube-scheduler's default profile runs it (weight 2,
 * apis/config/v1/default_plugins.go) for a pod that sets no topologySpreadConstraints of its
 * own: the system default constraints (podtopologyspread/plugin.go) — hostname maxSkew 3 and zone
 * maxSkew 5, both ScheduleAnyway, so they only score — over the pods its controller's and
 * Services' selectors match (helper/spread.go DefaultSelector), terminating pods left out
 * (common.go countPodsMatchSelector). That selector ANDs the ReplicaSet's, which picks one
 * revision's pods, with those of the Services matching the pod, which a revision's pods all match
 * alike: the counted pods are exactly the revision's own.
 *
 * The zone constraint adds nothing here: with system defaulting a node lacking a zone label is
 * still scored (PreScore's requireAllTopologies is false), but Score only adds a constraint's
 * term for a node that carries its topology key, and knsim's nodes carry no zone label. Every
 * node has a hostname, so the hostname constraint scores every feasible node.
 */
import { MAX_NODE_SCORE } from './types.js';

/** PodTopologySpread's weight in the default profile. */
export const POD_TOPOLOGY_SPREAD_WEIGHT = 2;
/** The system default hostname constraint's maxSkew (the zone one's, 5, never scores here). */
export const HOSTNAME_MAX_SKEW = 3;

/** ln(domains + 2): the weight of one matching pod in a topology with that many domains (scoring.go). */
export function topologyNormalizingWeight(domains: number): number {
  return Math.log(domains + 2);
}

/**
 * A node's hostname score before normalization: round(matching × ln(feasible + 2) + maxSkew − 1),
 * with `matching` the pod's matching pods on the node and `feasible` the nodes that passed the
 * filters (the hostname topology's domains). More matching pods → higher → worse.
 */
export function hostnameSpreadRawScore(matching: number, feasibleNodes: number): number {
  // Values are positive, so Math.round agrees with Go's math.Round (half away from zero).
  return Math.round(matching * topologyNormalizingWeight(feasibleNodes) + (HOSTNAME_MAX_SKEW - 1));
}

/**
 * NormalizeScore: raw scores → 0..100 as 100 × (max + min − s) / max in integer division, so
 * the node with the fewest matching pods gets 100; all 100 when max is 0.
 */
export function normalizeSpreadScores(raw: readonly number[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const s of raw) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (max === 0) return raw.map(() => MAX_NODE_SCORE);
  return raw.map((s) => Math.floor((MAX_NODE_SCORE * (max + min - s)) / max));
}

/**
 * The PodTopologySpread scores (0..100, before the weight) of the feasible nodes, given how
 * many of the pod's matching, non-terminating pods each one holds.
 */
export function podTopologySpreadScores(matching: readonly number[]): number[] {
  const n = matching.length;
  return normalizeSpreadScores(matching.map((c) => hostnameSpreadRawScore(c, n)));
}
