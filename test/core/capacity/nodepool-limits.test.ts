/**
 * A Karpenter NodePool's spec.limits (apis/v1 nodepool.go Limits.ExceededBy; provisioning/scheduling
 * scheduler.go remainingResources, filterByRemainingResources, subtractMax; state/cluster.go
 * updateNodePoolResources): the exact boundaries, and a smaller instance type taken where a bigger
 * one no longer fits.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  limitExceededBy,
  limitRefusal,
  poolUsage,
  remainingResources,
  subtractOpened,
  typesWithinLimits,
  type NodeCapacity,
  type NodePoolLimits,
} from '../../../src/core/capacity/index.js';

const GI = 2 ** 30;
const small = { name: 'small', cpuMillis: 2000, memoryBytes: 8 * GI, pods: 110 };
const medium = { name: 'medium', cpuMillis: 4000, memoryBytes: 16 * GI, pods: 110 };
const large = { name: 'large', cpuMillis: 8000, memoryBytes: 32 * GI, pods: 110 };
const TYPES = [small, medium, large];
const cap = (t: NodeCapacity): NodeCapacity => t;

describe('poolUsage and remainingResources (the limits less the state nodes\' capacity, one node each)', () => {
  it('three 4-CPU nodes under cpu 100, memory 400Gi, nodes 10', () => {
    const usage = poolUsage(medium, 3);
    expect(usage).toEqual({ cpuMillis: 12000, memoryBytes: 48 * GI, pods: 330, nodes: 3 });
    expect(remainingResources({ cpuMillis: 100_000, memoryBytes: 400 * GI, nodes: 10 }, usage)).toEqual({ cpuMillis: 88_000, memoryBytes: 352 * GI, nodes: 7 });
  });
  it('a resource not limited stays out; one over its limit goes negative', () => {
    expect(remainingResources({ cpuMillis: 10_000 }, poolUsage(medium, 3))).toEqual({ cpuMillis: -2000 });
    expect(remainingResources({}, poolUsage(medium, 3))).toEqual({});
  });
  it('refuses a fractional node count', () => {
    expect(() => poolUsage(medium, 1.5)).toThrow(InvalidArgumentError);
  });
});

describe('typesWithinLimits (scheduler.go addToNewNodeClaim: nodes exhausted, then filterByRemainingResources)', () => {
  it.each<{ name: string; remaining: NodePoolLimits; want: string[] | string }>([
    { name: 'no limit: every type', remaining: {}, want: ['small', 'medium', 'large'] },
    { name: 'cpu left exactly the large type\'s: every type (equal is allowed)', remaining: { cpuMillis: 8000 }, want: ['small', 'medium', 'large'] },
    { name: 'one millicore less: the large type is skipped for the smaller ones', remaining: { cpuMillis: 7999 }, want: ['small', 'medium'] },
    { name: 'cpu left for the small type only', remaining: { cpuMillis: 3999 }, want: ['small'] },
    { name: 'cpu left below the smallest type', remaining: { cpuMillis: 1999 }, want: 'all available instance types exceed limits for nodepool' },
    { name: 'memory left exactly 16Gi: small and medium', remaining: { memoryBytes: 16 * GI }, want: ['small', 'medium'] },
    { name: 'memory left 16Gi less a byte: small only', remaining: { memoryBytes: 16 * GI - 1 }, want: ['small'] },
    { name: 'pods left below a node\'s maxPods: none', remaining: { pods: 109 }, want: 'all available instance types exceed limits for nodepool' },
    { name: 'pods left exactly 110: every type', remaining: { pods: 110 }, want: ['small', 'medium', 'large'] },
    { name: 'one node left: every type', remaining: { nodes: 1 }, want: ['small', 'medium', 'large'] },
    { name: 'no node left: refused whatever cpu remains', remaining: { nodes: 0, cpuMillis: 1e6 }, want: 'node limits have been exhausted for nodepool' },
    { name: 'already a node over: no type (none has a nodes capacity to fit in less than nothing)', remaining: { nodes: -1 }, want: 'all available instance types exceed limits for nodepool' },
    { name: 'one limit fits, another does not', remaining: { cpuMillis: 8000, memoryBytes: 8 * GI }, want: ['small'] },
  ])('$name', ({ remaining, want }) => {
    const r = typesWithinLimits(TYPES, cap, remaining);
    expect(r.ok ? r.types.map((t) => t.name) : r.reason).toEqual(want);
  });
});

describe('subtractOpened (scheduler.go subtractMax: the largest option of each resource)', () => {
  it('a NodeClaim that may be small or large takes the large one\'s cpu and memory, and one node', () => {
    expect(subtractOpened({ cpuMillis: 20_000, memoryBytes: 64 * GI, nodes: 5 }, [small, large])).toEqual({ cpuMillis: 12_000, memoryBytes: 32 * GI, nodes: 4 });
  });
  it('unlimited resources stay unlimited', () => {
    expect(subtractOpened({ pods: 330 }, [medium])).toEqual({ pods: 220 });
  });
  it('refuses a NodeClaim with no instance type', () => {
    expect(() => subtractOpened({ cpuMillis: 1 }, [])).toThrow(InvalidArgumentError);
  });
});

describe('limitExceededBy (Limits.ExceededBy: strictly greater)', () => {
  const limits = { cpuMillis: 12_000, memoryBytes: 48 * GI, nodes: 3 };
  it.each([
    { name: 'usage equal to every limit: not exceeded', usage: poolUsage(medium, 3), want: undefined },
    { name: 'a millicore over', usage: { ...poolUsage(medium, 3), cpuMillis: 12_001 }, want: 'cpu' },
    { name: 'a byte over', usage: { ...poolUsage(medium, 3), memoryBytes: 48 * GI + 1 }, want: 'memory' },
    { name: 'a node over, cpu and memory within', usage: { cpuMillis: 8000, memoryBytes: 16 * GI, pods: 0, nodes: 4 }, want: 'nodes' },
    { name: 'no limits: never', usage: poolUsage(large, 100), want: undefined, limits: {} },
  ])('$name', ({ usage, want, ...rest }) => {
    expect(limitExceededBy('limits' in rest ? rest.limits! : limits, usage)).toBe(want);
  });
});

describe('limitRefusal with resource limits (scheduler, then Provisioner.Create)', () => {
  // 4-CPU nodes under a 12-CPU limit: three of them reach it exactly.
  const room = (stateNodes: number, candidates: number, opened: number, limits: NodePoolLimits = { cpuMillis: 12_000 }) => ({ stateNodes, candidates, opened, capacity: medium, limits });
  it.each([
    { name: 'two nodes: a third brings cpu to exactly 12: allowed', r: room(2, 0, 0), want: undefined },
    { name: 'three nodes: a fourth would be 16 > 12', r: room(3, 0, 0), want: 'all available instance types exceed limits for nodepool' },
    { name: 'one node and one opened in the pass: a third allowed', r: room(1, 0, 1), want: undefined },
    { name: 'two nodes and one opened: a fourth is not', r: room(2, 0, 1), want: 'all available instance types exceed limits for nodepool' },
    { name: 'three nodes, one the candidate: its capacity is free, and usage 12 of 12 is not over', r: room(3, 1, 0), want: undefined },
    { name: 'four nodes (over), two candidates: the scheduler has room, Create refuses', r: room(4, 2, 0), want: 'resource usage exceeds limit' },
    { name: 'a 10-CPU limit: two 4-CPU nodes leave 2, too little for a third', r: room(2, 0, 0, { cpuMillis: 10_000 }), want: 'all available instance types exceed limits for nodepool' },
    { name: 'cpu room but the node limit reached', r: room(2, 0, 0, { cpuMillis: 100_000, nodes: 2 }), want: 'node limits have been exhausted for nodepool' },
    { name: 'memory limit 40Gi: two 16Gi nodes leave 8Gi', r: room(2, 0, 0, { memoryBytes: 40 * GI }), want: 'all available instance types exceed limits for nodepool' },
  ])('$name', ({ r, want }) => {
    expect(limitRefusal(r)).toBe(want);
  });
});
