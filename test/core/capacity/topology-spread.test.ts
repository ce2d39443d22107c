/**
 * PodTopologySpread scoring with kube-scheduler's system default constraints
 * (podtopologyspread/scoring.go, plugin.go): raw score round(count × ln(feasible + 2) + maxSkew − 1),
 * NormalizeScore 100 × (max + min − s) / max, weight 2 beside the resource scores.
 */
import { describe, expect, it } from 'vitest';
import {
  hostnameSpreadRawScore,
  nodeScore,
  nodeScores,
  normalizeSpreadScores,
  podResources,
  podTopologySpreadScores,
  POD_TOPOLOGY_SPREAD_WEIGHT,
  selectNode,
  topologyNormalizingWeight,
  type NodeView,
  type PodResources,
} from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;

/** A 4-CPU / 16 GiB node holding `used` (DaemonSet requests or pods) and `matching` pods of the revision. */
function node(name: string, used: PodResources[], matching: number): NodeView & { matching: number } {
  let r = { cpuMillis: 0, memoryBytes: 0 };
  let nz = { cpuMillis: 0, memoryBytes: 0 };
  for (const p of used) {
    r = { cpuMillis: r.cpuMillis + p.requests.cpuMillis, memoryBytes: r.memoryBytes + p.requests.memoryBytes };
    nz = { cpuMillis: nz.cpuMillis + p.nonZeroRequests.cpuMillis, memoryBytes: nz.memoryBytes + p.nonZeroRequests.memoryBytes };
  }
  const allocatable = { cpuMillis: 4000, memoryBytes: 16 * GIB };
  return { name, allocatable, maxPods: 110, requested: r, nonZeroRequested: nz, pods: used.length, matching };
}
const matching = (n: { matching: number }) => n.matching;

describe('topologyNormalizingWeight: ln(domains + 2)', () => {
  it.each([
    [1, 1.0986],
    [2, 1.3863],
    [4, 1.7918],
    [5000, 8.5176], // upstream's bound for 5000 nodes: 8.52
  ])('%i domains → %f', (domains, want) => {
    expect(topologyNormalizingWeight(domains)).toBeCloseTo(want, 4);
  });
});

describe('hostname raw score: round(count × ln(feasible + 2) + 3 − 1)', () => {
  it.each([
    // [matching pods on the node, feasible nodes, raw]
    [0, 2, 2], // no matching pod: maxSkew − 1
    [1, 2, 3], // 1.386 + 2 = 3.386
    [2, 2, 5], // 2.773 + 2 = 4.773
    [4, 4, 9], // 7.167 + 2 = 9.167
    [3, 4, 7], // 5.375 + 2 = 7.375
    [2, 4, 6], // 3.584 + 2 = 5.584
    [1, 4, 4], // 1.792 + 2 = 3.792
  ])('%i matching pods among %i feasible nodes → %i', (count, feasible, want) => {
    expect(hostnameSpreadRawScore(count, feasible)).toBe(want);
  });
});

describe('NormalizeScore: 100 × (max + min − s) / max, integer division', () => {
  it.each([
    [[9, 7, 6, 4], [44, 66, 77, 100]], // 400/9, 600/9, 700/9, 900/9
    [[3, 2], [66, 100]], // 200/3
    [[5, 2, 2], [40, 100, 100]],
    [[2, 2, 2], [100, 100, 100]], // all alike: no preference
    [[0, 0], [100, 100]], // max 0: all 100
  ])('%j → %j', (raw, want) => {
    expect(normalizeSpreadScores(raw)).toEqual(want);
  });
});

describe('podTopologySpreadScores (counts of the feasible nodes → 0..100)', () => {
  it.each([
    // upstream scoring_test "system defaulting, nodes don't have zone, pods match service": 4/3/2/1.
    [[4, 3, 2, 1], [44, 66, 77, 100]],
    [[1, 0], [66, 100]],
    [[2, 0], [40, 100]],
    [[0, 0, 0], [100, 100, 100]],
    [[5], [100]],
  ])('%j → %j', (counts, want) => {
    expect(podTopologySpreadScores(counts)).toEqual(want);
  });
});

describe('selectNode with PodTopologySpread (weight 2)', () => {
  // None of these nodes carries a PreferNoSchedule taint: TaintToleration adds 3 × 100 to each.
  // A revision pod: 475m / 1 GiB plus the queue-proxy's 25m (no memory request: 200 MiB for scoring).
  const pod = podResources([{ cpuMillis: 475, memoryBytes: GIB }, { cpuMillis: 25 }]);
  const daemonSets = podResources([{ cpuMillis: 1500, memoryBytes: 0 }]);
  // busy: 1.5 CPUs of DaemonSets, none of the revision's pods; idle: one of them.
  const busy = node('busy', [daemonSets], 0);
  const idle = node('idle', [pod], 1);
  it('resources prefer idle (173 > 149), spreading busy: 149 + 2 × 100 (+ 300) = 649 against 173 + 2 × 66 (+ 300) = 605', () => {
    expect([nodeScore(busy, pod), nodeScore(idle, pod)]).toEqual([149, 173]);
    expect(POD_TOPOLOGY_SPREAD_WEIGHT).toBe(2);
    expect(nodeScores([busy, idle], pod, matching)).toEqual([649, 605]);
    expect(selectNode([idle, busy], pod, () => 0, matching)?.name).toBe('busy');
  });
  it('a pod no controller or Service selects (no counts) is scored on resources only (and taints)', () => {
    expect(nodeScores([busy, idle], pod)).toEqual([149 + 300, 173 + 300]);
    expect(selectNode([busy, idle], pod, () => 0)?.name).toBe('idle');
  });
  it('equal resources: the node whose pod is terminating (still requesting, not counted) wins, whatever the tie-break', () => {
    const live = node('live', [pod], 1);
    const terminating = node('terminating', [pod], 0);
    expect(nodeScores([live, terminating], pod, matching)).toEqual([nodeScore(live, pod) + 132 + 300, nodeScore(live, pod) + 200 + 300]);
    expect(selectNode([live, terminating], pod, () => 0, matching)?.name).toBe('terminating');
    expect(selectNode([terminating, live], pod, (n) => n - 1, matching)?.name).toBe('terminating');
  });
  it('only feasible nodes set the weight: beside a full node, ln(2 + 2) still (spread 66 / 100), so the resources keep the pod on idle', () => {
    // 3.4 CPUs of DaemonSets: 101 on resources, 72 under idle; the spread gap is 2 × 34 = 68 among
    // two nodes, but would be 2 × 50 = 100 with ln(3 + 2) had the full node counted.
    const crowded = node('crowded', [podResources([{ cpuMillis: 3400, memoryBytes: 0 }])], 0);
    const full = node('full', [podResources([{ cpuMillis: 4000 }])], 0);
    expect(nodeScores([crowded, idle], pod, matching)).toEqual([101 + 200 + 300, 173 + 132 + 300]);
    expect(selectNode([full, crowded, idle], pod, () => 0, matching)?.name).toBe('idle');
    expect(selectNode([full], pod, () => 0, matching)).toBeUndefined();
  });
});
