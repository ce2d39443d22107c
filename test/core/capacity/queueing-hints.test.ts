/** kube-scheduler's queueing hints for knsim's two filters (core queueing-hints.ts). */
import { describe, expect, it } from 'vitest';
import {
  podResources,
  rejectingPlugins,
  requeuedBy,
  REJECTED_BY_FIT,
  REJECTED_BY_TAINT,
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
  it.each([
    ['nothing rejected it (no node): any event', 0, [true, true, true]],
    ['rejected by a taint: a new node or a removed taint, not a deleted pod', REJECTED_BY_TAINT, [true, true, false]],
    ['rejected for room: a new node or a deleted pod, not a removed taint', REJECTED_BY_FIT, [true, false, true]],
    ['rejected by both: any of them', REJECTED_BY_TAINT | REJECTED_BY_FIT, [true, true, true]],
  ])('%s', (_what, rejectedBy, want) => {
    expect(events.map((e) => requeuedBy(rejectedBy as number, e))).toEqual(want);
  });
});
