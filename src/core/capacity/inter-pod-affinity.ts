/**
 * InterPodAffinity scoring (weight 2 in the default profile, apis/config/v1/default_plugins.go)
 * for the one pod affinity a Knative revision pod carries by default: with config-deployment
 * `default-affinity-type: prefer-spread-revision-over-nodes` (Knative's default) and a template
 * that sets no `affinity`, Knative gives the pod a preferred podAntiAffinity term of weight 100 on
 * kubernetes.io/hostname selecting its own revision's pods (knative/serving
 * pkg/reconciler/revision/resources/deploy.go makePreferSpreadRevisionOverNodes, makePodSpec).
 *
 * How the plugin scores it (interpodaffinity/scoring.go PreScore, processExistingPod, Score,
 * NormalizeScore, with ignorePreferredTermsOfExistingPods false by default): every pod bound to a
 * node, terminating ones included, that the incoming pod's term selects takes the term's weight off
 * that node's hostname, and every such pod's own term, which selects the incoming pod alike, takes
 * its weight off again; so a node holding k of the revision's pods scores −200 k. NormalizeScore
 * then maps the scored nodes' values linearly onto 0..100 (the fewest pods 100, the most 0),
 * truncated; when they are all alike, all score 0.
 */
import { MAX_NODE_SCORE } from './types.js';

/** InterPodAffinity's weight in the default profile. */
export const INTER_POD_AFFINITY_WEIGHT = 2;
/** The weight of Knative's preferred anti-affinity term (deploy.go). */
export const KNATIVE_SPREAD_TERM_WEIGHT = 100;

/**
 * A node's raw InterPodAffinity score for a pod of a revision whose pods carry Knative's term, given
 * how many of the revision's pods are bound there: the incoming pod's term and each of theirs.
 */
export function antiAffinityRawScore(revisionPodsOnNode: number): number {
  return -2 * KNATIVE_SPREAD_TERM_WEIGHT * revisionPodsOnNode;
}

/**
 * NormalizeScore over the scored nodes: 100 × (s − min) / (max − min) in float64, truncated;
 * all 0 when max = min (no spread to prefer, as when no node holds a matching pod).
 */
export function normalizeInterPodAffinityScores(raw: readonly number[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of raw) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const diff = max - min;
  if (!(diff > 0)) return raw.map(() => 0);
  return raw.map((s) => Math.trunc(MAX_NODE_SCORE * ((s - min) / diff)));
}

/** The InterPodAffinity scores (0..100, before the weight) of the feasible nodes, given the revision's pods bound on each. */
export function interPodAffinityScores(revisionPods: readonly number[]): number[] {
  return normalizeInterPodAffinityScores(revisionPods.map(antiAffinityRawScore));
}
