/** kube-scheduler's queueing hints for knsim's two filters (core queueing-hints.ts). */
import { describe, expect, it } from 'vitest';
import {
  podResources,
  rejectingPlugins,
  requeuedBy,
  REJECTED_BY_FIT,
  REJECTED_BY_TAINT,
  fitsEmptyNode,
  type EventNode,
  type NodeView,
  type SchedulingEvent,
} from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;

function node(name: string, cpu: number, usedCpu = 0): NodeView {
  return {
    name,
    allocatable: { cpuMillis: cpu, memoryBytes: 16 * GIB },
    maxPods: 110,
    requested: { cpuMillis: usedCpu, memoryBytes: 0 },
    nonZeroRequested: { cpuMillis: usedCpu, memoryBytes: 0 },
    pods: usedCpu > 0 ? 1 : 0,
  };
}

/** 1000m user container + 25m queue-proxy. */
const pod = podResources([{ cpuMillis: 1000 }, { cpuMillis: 25 }]);

describe('rejectingPlugins: the filters that turned the pod away, over every node', () => {
  const tainted = new Set(['t']);
  const schedulable = (n: NodeView): boolean => !tainted.has(n.name);
  it.each([
    ['no node at all', [], 0],
    ['a tainted node only', [node('t', 4000)], REJECTED_BY_TAINT],
    ['a full node only (3000m of 4000m used: 1025m does not fit)', [node('full', 4000, 3000)], REJECTED_BY_FIT],
    ['both', [node('t', 4000), node('full', 4000, 3000)], REJECTED_BY_TAINT | REJECTED_BY_FIT],
    ['a tainted node that would also be full counts as tainted (the taint filter runs first)', [node('t', 4000, 3500)], REJECTED_BY_TAINT],
  ])('%s', (_what, nodes, want) => {
    expect(rejectingPlugins(nodes as NodeView[], pod, schedulable)).toBe(want);
  });
});

describe('requeuedBy: which events move a pod out of the unschedulable pool', () => {
  const events: SchedulingEvent[] = ['NodeAdded', 'NodeTaintRemoved', 'AssignedPodDeleted'];
  /** A 4-CPU node the pod tolerates after the event. */
  const roomy: EventNode = { name: 'n', allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB }, maxPods: 110, schedulable: true };
  it.each([
    ['nothing rejected it (no node): any event', 0, [true, true, true]],
    ['rejected by a taint: a new node or a removed taint, not a deleted pod', REJECTED_BY_TAINT, [true, true, false]],
    ['rejected for room: a new node or a deleted pod, not a removed taint', REJECTED_BY_FIT, [true, false, true]],
    ['rejected by both: any of them', REJECTED_BY_TAINT | REJECTED_BY_FIT, [true, true, true]],
  ])('%s', (_what, rejectedBy, want) => {
    expect(events.map((e) => requeuedBy(rejectedBy as number, e, pod, roomy))).toEqual(want);
  });

  it('a node added too small for the pod (1000m of allocatable, 1025m requested) does not move one that only lacked room', () => {
    const small: EventNode = { ...roomy, allocatable: { cpuMillis: 1000, memoryBytes: 16 * GIB } };
    expect(requeuedBy(REJECTED_BY_FIT, 'NodeAdded', pod, small)).toBe(false);
    // Exactly its request fits (fit.go compares request > free).
    expect(requeuedBy(REJECTED_BY_FIT, 'NodeAdded', pod, { ...small, allocatable: { cpuMillis: 1025, memoryBytes: 16 * GIB } })).toBe(true);
    // TaintToleration's hint does not look at room: a pod a taint turned away tries the small node.
    expect(requeuedBy(REJECTED_BY_TAINT, 'NodeAdded', pod, small)).toBe(true);
    expect(requeuedBy(REJECTED_BY_TAINT | REJECTED_BY_FIT, 'NodeAdded', pod, small)).toBe(true);
  });

  it('the added node is judged empty: its allocatable, not what its DaemonSets leave', () => {
    expect(fitsEmptyNode({ ...roomy, allocatable: { cpuMillis: 1100, memoryBytes: GIB } }, pod)).toBe(true);
    expect(fitsEmptyNode({ ...roomy, maxPods: 0 }, pod)).toBe(false);
  });

  it('a node still tainted or cordoned after the event does not move a pod a taint turned away', () => {
    const stillTainted: EventNode = { ...roomy, schedulable: false };
    expect(requeuedBy(REJECTED_BY_TAINT, 'NodeTaintRemoved', pod, stillTainted)).toBe(false);
    expect(requeuedBy(REJECTED_BY_TAINT, 'NodeAdded', pod, stillTainted)).toBe(false);
    expect(requeuedBy(REJECTED_BY_TAINT | REJECTED_BY_FIT, 'NodeAdded', pod, stillTainted)).toBe(true);
  });
});
