/**
 * TaintToleration's scoring (tainttoleration Score and its reversed DefaultNormalizeScore), weight
 * 3 in the default profile (apis/config/v1/default_plugins.go).
 */
import { MAX_NODE_SCORE } from './types.js';

/** TaintToleration's weight in the default profile (apis/config/v1/default_plugins.go). */
export const TAINT_TOLERATION_WEIGHT = 3;

/**
 * TaintToleration's normalized scores (tainttoleration Score, then DefaultNormalizeScore reversed):
 * each node's count of PreferNoSchedule taints the pod does not tolerate, scaled to 0..100 against
 * the largest count among the scored nodes, integer, and taken from 100, so fewer scores higher;
 * when no node has one, all score 100.
 */
export function taintTolerationScores(counts: readonly number[]): number[] {
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  if (max === 0) return counts.map(() => MAX_NODE_SCORE);
  return counts.map((c) => MAX_NODE_SCORE - Math.floor((MAX_NODE_SCORE * c) / max));
}

