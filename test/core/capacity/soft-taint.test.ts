/**
 * The Cluster Autoscaler's soft taint (actuation/softtaint.go UpdateSoftDeletionTaints) and the
 * scheduler's TaintToleration score that reads it (tainttoleration Score, reversed DefaultNormalizeScore, weight 3).
 */
import { describe, expect, it } from 'vitest';
import { nodeScore, nodeScores, podResources, selectNode, softTaintChanges, taintTolerationScores, type NodeView } from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;
const pod = podResources([{ cpuMillis: 1000, memoryBytes: GIB }]);
const view = (name: string, cpuUsed: number, taints?: number): NodeView => ({
  name,
  allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB },
  maxPods: 110,
  requested: { cpuMillis: cpuUsed, memoryBytes: GIB },
  nonZeroRequested: { cpuMillis: cpuUsed, memoryBytes: GIB },
  pods: 1,
  ...(taints === undefined ? {} : { preferNoScheduleTaints: taints }),
});

describe('TaintToleration score', () => {
  it('no intolerable PreferNoSchedule taint anywhere: every node scores 100', () => {
    expect(taintTolerationScores([0, 0, 0])).toEqual([100, 100, 100]);
  });
  it('scaled against the largest count, truncated, then reversed', () => {
    expect(taintTolerationScores([0, 1, 0])).toEqual([100, 0, 100]);
    expect(taintTolerationScores([1, 2, 0])).toEqual([50, 0, 100]);
    expect(taintTolerationScores([1, 3, 0])).toEqual([67, 0, 100]);
  });
  it('adds 3 × its score to the node total: 300 for an untainted node beside a soft-tainted one, 0 for that one', () => {
    const busy = view('busy', 1300);
    const idle = view('idle', 300, 1);
    expect(nodeScores([busy, idle], pod)).toEqual([nodeScore(busy, pod) + 300, nodeScore(idle, pod)]);
  });
  it('steers a pod off the soft-tainted node that LeastAllocated prefers', () => {
    const tieBreak = () => 0;
    expect(selectNode([view('busy', 1300), view('idle', 300)], pod, tieBreak)?.name).toBe('idle');
    expect(selectNode([view('busy', 1300), view('idle', 300, 1)], pod, tieBreak)?.name).toBe('busy');
    // Where it alone fits, the pod still goes there: PreferNoSchedule only scores.
    expect(selectNode([view('busy', 3500), view('idle', 300, 1)], pod, tieBreak)?.name).toBe('idle');
  });
});

describe('softTaintChanges (UpdateSoftDeletionTaints)', () => {
  const n = (unneeded: boolean, softTainted: boolean, toBeDeleted = false) => ({ unneeded, softTainted, toBeDeleted });
  it('taints unneeded nodes lacking it and untaints needed nodes carrying it; leaves the rest', () => {
    expect(softTaintChanges([n(true, false), n(false, true), n(true, true), n(false, false)], 10)).toEqual({ untaint: [1], taint: [0] });
  });
  it('a node being deleted is left alone', () => {
    expect(softTaintChanges([n(true, false, true), n(false, true, true)], 10)).toEqual({ untaint: [], taint: [] });
  });
  it('one budget for both, untainting first, each in list order', () => {
    const nodes = [n(true, false), n(false, true), n(true, false), n(false, true), n(false, true)];
    expect(softTaintChanges(nodes, 4)).toEqual({ untaint: [1, 3, 4], taint: [0] });
    expect(softTaintChanges(nodes, 2)).toEqual({ untaint: [1, 3], taint: [] });
    expect(softTaintChanges(nodes, 0)).toEqual({ untaint: [], taint: [] });
  });
  it('refuses a budget that is not a whole number ≥ 0', () => {
    expect(() => softTaintChanges([], -1)).toThrow(/maxBulkSoftTaintCount/);
  });
});
