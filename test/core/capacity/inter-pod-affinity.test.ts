/**
 * InterPodAffinity scoring of Knative's default anti-affinity (deploy.go
 * makePreferSpreadRevisionOverNodes: preferred, weight 100, hostname, the revision's pods) as
 * interpodaffinity/scoring.go does it: −100 for the incoming pod's term and −100 for each existing
 * pod's own term, per revision pod bound to the node (terminating ones included); NormalizeScore
 * 100 × (s − min) / (max − min), truncated, all 0 when alike; weight 2.
 */
import { describe, expect, it } from 'vitest';
import {
  antiAffinityRawScore,
  INTER_POD_AFFINITY_WEIGHT,
  interPodAffinityScores,
  nodeScore,
  nodeScores,
  normalizeInterPodAffinityScores,
  podResources,
  selectNode,
  type NodeView,
  type PodResources,
} from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;

/** A 4-CPU / 16 GiB node holding `used`, with `matching` live and `bound` bound (terminating included) pods of the revision. */
function node(name: string, used: PodResources[], matching: number, bound: number): NodeView & { matching: number; bound: number } {
  let r = { cpuMillis: 0, memoryBytes: 0 };
  let nz = { cpuMillis: 0, memoryBytes: 0 };
  for (const p of used) {
    r = { cpuMillis: r.cpuMillis + p.requests.cpuMillis, memoryBytes: r.memoryBytes + p.requests.memoryBytes };
    nz = { cpuMillis: nz.cpuMillis + p.nonZeroRequests.cpuMillis, memoryBytes: nz.memoryBytes + p.nonZeroRequests.memoryBytes };
  }
  return { name, allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB }, maxPods: 110, requested: r, nonZeroRequested: nz, pods: used.length, matching, bound };
}
const matching = (n: { matching: number }) => n.matching;
const bound = (n: { bound: number }) => n.bound;

describe('raw score: −200 per revision pod on the node (both pods\' terms, weight 100 each)', () => {
  it.each([
    [0, -0],
    [1, -200],
    [3, -600],
  ])('%i pods → %i', (k, want) => {
    expect(antiAffinityRawScore(k)).toBe(want);
  });
});

describe('NormalizeScore: 100 × (s − min) / (max − min), truncated; all 0 when alike', () => {
  it.each([
    [[-200, -200, 0], [0, 0, 100]],
    [[-600, -400, -200, 0], [0, 33, 66, 100]], // 33.3…, 66.6… truncated
    [[-400, -200], [0, 100]], // the fewest pods get 100 even when every node holds some
    [[-200, -200], [0, 0]], // alike: no preference (not 100 each)
    [[0, 0, 0], [0, 0, 0]], // no pod of the revision anywhere: the plugin skips, 0 each
    [[-200], [0]],
  ])('%j → %j', (raw, want) => {
    expect(normalizeInterPodAffinityScores(raw)).toEqual(want);
  });
  it('from counts', () => {
    expect(interPodAffinityScores([3, 2, 1, 0])).toEqual([0, 33, 66, 100]);
    expect(interPodAffinityScores([1, 1])).toEqual([0, 0]);
  });
});

describe('selectNode with InterPodAffinity (weight 2) beside PodTopologySpread', () => {
  // No node carries a PreferNoSchedule taint: TaintToleration adds 3 × 100 to each.
  // A revision pod: 475m / 1 GiB plus the queue-proxy's 25m.
  const pod = podResources([{ cpuMillis: 475, memoryBytes: GIB }, { cpuMillis: 25 }]);
  // drained: one of the revision's pods, terminating (still bound and requesting, not counted for spread);
  // busy: 1.5 CPUs of DaemonSets, none of the revision's pods.
  const drained = node('drained', [pod], 0, 1);
  const busy = node('busy', [podResources([{ cpuMillis: 1500, memoryBytes: 0 }])], 0, 0);
  it('resources and spread prefer the node of the terminating pod (173 + 2 × 100 against 149 + 2 × 100); the anti-affinity still counts it: 0 against 2 × 100', () => {
    expect([nodeScore(drained, pod), nodeScore(busy, pod)]).toEqual([173, 149]);
    expect(INTER_POD_AFFINITY_WEIGHT).toBe(2);
    expect(nodeScores([drained, busy], pod, matching)).toEqual([173 + 200 + 300, 149 + 200 + 300]);
    expect(nodeScores([drained, busy], pod, matching, bound)).toEqual([173 + 200 + 0 + 300, 149 + 200 + 200 + 300]);
    expect(selectNode([drained, busy], pod, () => 0, matching)?.name).toBe('drained');
    expect(selectNode([drained, busy], pod, () => 0, matching, bound)?.name).toBe('busy');
  });
});
