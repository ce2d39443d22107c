/**
 * kube-scheduler stops filtering once it has found enough feasible nodes
 * (percentageOfNodesToScore, adaptive by default) and starts the next pod's search where this
 * one stopped (schedule_one.go numFeasibleNodesToFind, findNodesThatPassFilters).
 */
import { describe, expect, it } from 'vitest';
import { feasibleNodesToFind, podResources, scheduleOne, selectNode, type NodeView } from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;
const empty = (name: string): NodeView => ({
  name,
  allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB },
  maxPods: 110,
  requested: { cpuMillis: 0, memoryBytes: 0 },
  nonZeroRequested: { cpuMillis: 0, memoryBytes: 0 },
  pods: 0,
});
const pod = podResources([{ cpuMillis: 1000, memoryBytes: GIB }, { cpuMillis: 25 }]);
const first = (): number => 0;

describe('feasibleNodesToFind (the default, adaptive percentage)', () => {
  it.each([
    [1, 1],
    [50, 50],
    [99, 99],
    // 50 % of 100 is 50, below the floor of 100.
    [100, 100],
    [250, 120], // 48 %
    [500, 230], // 46 %
    [1000, 420], // 42 %
    [5000, 500], // 10 %
    [5625, 281], // 50 − 45 = 5 %
    [6000, 300], // 50 − 48 = 2 %, raised to 5 %
  ])('%i nodes: %i', (all, found) => {
    expect(feasibleNodesToFind(all)).toBe(found);
  });
  it('an explicit percentage is used as given (above 100 as 100), still at least 100 nodes', () => {
    expect(feasibleNodesToFind(1000, 30)).toBe(300);
    expect(feasibleNodesToFind(1000, 5)).toBe(100);
    expect(feasibleNodesToFind(1000, 150)).toBe(1000);
  });
});

describe('feasibleNodesToFind for cluster.scheduler.percentageOfNodesToScore', () => {
  // Columns: nodes, then the nodes found at 0 (the adaptive default), 1, 30 and 100 %.
  it.each([
    [50, 50, 50, 50, 50], // under 100 nodes: every node, whatever the percentage
    [100, 100, 100, 100, 100],
    [500, 230, 100, 150, 500],
    [1000, 420, 100, 300, 1000],
    [5000, 500, 100, 1500, 5000],
  ])('%i nodes: %i at the default, %i at 1 %%, %i at 30 %%, %i at 100 %%', (all, adaptive, one, thirty, hundred) => {
    expect([0, 1, 30, 100].map((p) => feasibleNodesToFind(all, p))).toEqual([adaptive, one, thirty, hundred]);
  });
});

describe('scheduleOne', () => {
  const nodes = Array.from({ length: 250 }, (_, i) => empty(`n${i}`));
  const always = (): boolean => true;

  it('250 nodes: the filters stop after 120 feasible ones; the next search starts at node 120', () => {
    const r = scheduleOne(nodes, pod, first, { start: 0, schedulable: always });
    expect([r.node?.name, r.processed]).toEqual(['n0', 120]);
    // All scores tie, so the first feasible node of the search wins: n120, where selectNode
    // over the whole list would pick n0 again.
    const next = scheduleOne(nodes, pod, first, { start: 120, schedulable: always });
    expect([next.node?.name, next.processed]).toEqual(['n120', 120]);
    expect(selectNode(nodes, pod, first)?.name).toBe('n0');
  });

  it('nodes that fail the filters (tainted, or full) count as processed but not as found', () => {
    const tainted = new Set(['n0', 'n1', 'n2']);
    const r = scheduleOne(nodes, pod, first, { start: 0, schedulable: (n) => !tainted.has(n.name) });
    expect([r.node?.name, r.processed]).toEqual(['n3', 123]);
  });

  it('the search wraps round the list', () => {
    const r = scheduleOne(nodes, pod, first, { start: 200, schedulable: always });
    expect([r.node?.name, r.processed]).toEqual(['n200', 120]);
    // Only the nodes from n200 round to n69 were looked at: a better node at n100 is not seen.
    const busy = nodes.map((n, i) => (i === 100 ? n : { ...n, requested: { cpuMillis: 2000, memoryBytes: 8 * GIB }, nonZeroRequested: { cpuMillis: 2000, memoryBytes: 8 * GIB } }));
    expect(scheduleOne(busy, pod, first, { start: 200, schedulable: always }).node?.name).toBe('n200');
    expect(scheduleOne(busy, pod, first, { start: 50, schedulable: always }).node?.name).toBe('n100');
  });

  it('under 100 nodes every node is processed, so the start never moves and the choice is selectNode\'s', () => {
    const few = nodes.slice(0, 99);
    const r = scheduleOne(few, pod, first, { start: 0, schedulable: always });
    expect([r.node?.name, r.processed]).toEqual(['n0', 99]);
  });

  it('percentageOfNodesToScore 100: every node is filtered and scored, the start never moves, and the best node wins', () => {
    const busy = nodes.map((n, i) => (i === 100 ? n : { ...n, requested: { cpuMillis: 2000, memoryBytes: 8 * GIB }, nonZeroRequested: { cpuMillis: 2000, memoryBytes: 8 * GIB } }));
    expect(scheduleOne(busy, pod, first, { start: 200, schedulable: always, percentageOfNodesToScore: 100 })).toEqual({ node: busy[100], processed: 250 });
    // 40 % of 250 is 100 nodes: from n200 round to n49, so n100 is missed again.
    expect(scheduleOne(busy, pod, first, { start: 200, schedulable: always, percentageOfNodesToScore: 40 })).toMatchObject({ node: { name: 'n200' }, processed: 100 });
  });

  it('no node fits: undefined, every node processed', () => {
    expect(scheduleOne(nodes, pod, first, { start: 7, schedulable: () => false })).toEqual({ node: undefined, processed: 250 });
  });
});

/**
 * Successive pods on 250 empty, equal nodes, each bound where scheduleOne puts it and the next
 * search started where this one stopped (the model's nextStartNodeIndex). Ties go to the first
 * node found, so the rotation alone decides where pods land.
 */
function placeInTurn(pods: number, percentageOfNodesToScore: number): { names: string[]; starts: number[] } {
  const nodes = Array.from({ length: 250 }, (_, i) => empty(`n${i}`));
  const names: string[] = [];
  const starts: number[] = [];
  let start = 0;
  for (let k = 0; k < pods; k++) {
    starts.push(start);
    const r = scheduleOne(nodes, pod, first, { start, schedulable: () => true, percentageOfNodesToScore });
    const i = nodes.indexOf(r.node!);
    const n = nodes[i]!;
    const add = (a: { cpuMillis: number; memoryBytes: number }, b: { cpuMillis: number; memoryBytes: number }) => ({ cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes });
    nodes[i] = { ...n, requested: add(n.requested, pod.requests), nonZeroRequested: add(n.nonZeroRequested, pod.nonZeroRequests), pods: n.pods + 1 };
    names.push(n.name);
    start = (start + r.processed) % nodes.length;
  }
  return { names, starts };
}

describe('the rotating start decides where pods land (250 nodes)', () => {
  it('by default each search looks at 120 nodes from where the last stopped: n0, n120, n240, then n110 (n0 and n120, in its window, are taken)', () => {
    expect(placeInTurn(5, 0)).toEqual({ names: ['n0', 'n120', 'n240', 'n110', 'n230'], starts: [0, 120, 240, 110, 230] });
  });
  it('at 100 % every search looks at all 250 from n0, so the pods fill the first empty nodes in order', () => {
    expect(placeInTurn(5, 100)).toEqual({ names: ['n0', 'n1', 'n2', 'n3', 'n4'], starts: [0, 0, 0, 0, 0] });
  });
});
