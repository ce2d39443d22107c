import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEMORY_REQUEST,
  fitFailures,
  fits,
  leastAllocatedScore,
  balancedAllocationScore,
  nodeScore,
  leastRequestedScore,
  podResources,
  schedulingBackoffSeconds,
  backoffExpiry,
  requeueOrder,
  selectNode,
  unschedulableMessage,
  untoleratedTaintReason,
  NODE_UNSCHEDULABLE_REASON,
  type NodeView,
  type PodResources,
} from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

function node(name: string, cpu: number, mem: number, used: PodResources[] = [], maxPods = 110): NodeView {
  let r = { cpuMillis: 0, memoryBytes: 0 };
  let nz = { cpuMillis: 0, memoryBytes: 0 };
  for (const p of used) {
    r = { cpuMillis: r.cpuMillis + p.requests.cpuMillis, memoryBytes: r.memoryBytes + p.requests.memoryBytes };
    nz = { cpuMillis: nz.cpuMillis + p.nonZeroRequests.cpuMillis, memoryBytes: nz.memoryBytes + p.nonZeroRequests.memoryBytes };
  }
  return { name, allocatable: { cpuMillis: cpu, memoryBytes: mem }, maxPods, requested: r, nonZeroRequested: nz, pods: used.length };
}

/** A Knative pod: user container 1000m (no memory request) + queue-proxy 25m. */
const knativePod = podResources([{ cpuMillis: 1000 }, { cpuMillis: 25 }]);

describe('pod requests (computePodResourceRequest, GetNonzeroRequests)', () => {
  it('sums containers; containers without a request count 100m / 200 MiB for scoring only', () => {
    expect(knativePod.requests).toEqual({ cpuMillis: 1025, memoryBytes: 0 });
    expect(knativePod.nonZeroRequests).toEqual({ cpuMillis: 1025, memoryBytes: 2 * DEFAULT_MEMORY_REQUEST });
    const bare = podResources([{}, { cpuMillis: 25 }]);
    expect(bare.requests).toEqual({ cpuMillis: 25, memoryBytes: 0 });
    expect(bare.nonZeroRequests).toEqual({ cpuMillis: 125, memoryBytes: 400 * MIB });
  });
  it.each([
    // [containers, requests, nonZeroRequests]: only an unset request takes 100m / 200 MiB; an explicit 0 stays 0 (GetRequestForResource).
    [[{}], { cpuMillis: 0, memoryBytes: 0 }, { cpuMillis: 100, memoryBytes: 200 * MIB }],
    [[{ cpuMillis: 0, memoryBytes: 0 }], { cpuMillis: 0, memoryBytes: 0 }, { cpuMillis: 0, memoryBytes: 0 }],
    [[{ cpuMillis: 0 }, { cpuMillis: 25 }], { cpuMillis: 25, memoryBytes: 0 }, { cpuMillis: 25, memoryBytes: 400 * MIB }],
    [[{ memoryBytes: 0 }, {}], { cpuMillis: 0, memoryBytes: 0 }, { cpuMillis: 200, memoryBytes: 200 * MIB }],
  ])('non-zero defaults apply to unset requests only: %j', (containers, requests, nonZero) => {
    const p = podResources(containers);
    expect(p.requests).toEqual(requests);
    expect(p.nonZeroRequests).toEqual(nonZero);
  });
  it('adds pod overhead to both', () => {
    const p = podResources([{ cpuMillis: 100, memoryBytes: MIB }], { cpuMillis: 10, memoryBytes: MIB });
    expect(p.requests).toEqual({ cpuMillis: 110, memoryBytes: 2 * MIB });
  });
  it('an init container requesting more than the containers together sets the pod\'s request (it runs alone first)', () => {
    // 1000m + 25m against an init container of 3000m and 64 MiB: 3000m, and 64 MiB over the containers' 0.
    const p = podResources([{ cpuMillis: 1000 }, { cpuMillis: 25 }], undefined, [{ cpuMillis: 3000, memoryBytes: 64 * MIB }]);
    expect(p.requests).toEqual({ cpuMillis: 3000, memoryBytes: 64 * MIB });
    // What cost attribution charges stays the containers' own 1025m (OpenCost reads spec.containers).
    expect(p.containerRequests).toEqual({ cpuMillis: 1025, memoryBytes: 0 });
    // A smaller one changes nothing: 1025m.
    expect(podResources([{ cpuMillis: 1000 }, { cpuMillis: 25 }], undefined, [{ cpuMillis: 500 }]).requests).toEqual({ cpuMillis: 1025, memoryBytes: 0 });
    // Overhead comes on top of the larger.
    expect(podResources([{ cpuMillis: 100 }], { cpuMillis: 10, memoryBytes: 0 }, [{ cpuMillis: 300 }]).requests.cpuMillis).toBe(310);
    expect(() => podResources([], undefined, [{ cpuMillis: -1 }])).toThrow('initContainers[0].cpuMillis');
  });
  it('rejects a negative or NaN request naming the container', () => {
    expect(() => podResources([{ cpuMillis: -1 }])).toThrow('containers[0].cpuMillis');
    expect(() => podResources([{}, { memoryBytes: Number.NaN }])).toThrow('containers[1].memoryBytes');
  });
});

describe('NodeResourcesFit (A9: 3 × 1025m on 4000m; a 4th does not fit)', () => {
  const full = node('a', 4000, 16 * GIB, [knativePod, knativePod, knativePod]);
  it.each([
    ['3 pods of 1025m leave 925m: a 4th 1025m pod', full, knativePod, ['Insufficient cpu']],
    ['an empty node takes it', node('b', 4000, 16 * GIB), knativePod, []],
    ['exactly the remaining cpu fits', full, podResources([{ cpuMillis: 925 }]), []],
    ['one millicore more does not', full, podResources([{ cpuMillis: 926 }]), ['Insufficient cpu']],
    ['maxPods reached', node('c', 4000, 16 * GIB, [knativePod], 1), podResources([{ cpuMillis: 1 }]), ['Too many pods']],
    ['memory short', node('d', 4000, GIB), podResources([{ memoryBytes: 2 * GIB }]), ['Insufficient memory']],
    [
      'both short, reasons in upstream order',
      node('e', 100, GIB, [], 0),
      podResources([{ cpuMillis: 200, memoryBytes: 2 * GIB }]),
      ['Too many pods', 'Insufficient cpu', 'Insufficient memory'],
    ],
    ['a pod with no requests only needs a pod slot', node('f', 0, 0, [], 1), podResources([{}]), []],
  ])('%s', (_label, n, p, want) => {
    expect(fitFailures(n, p)).toEqual(want);
    expect(fits(n, p)).toBe(want.length === 0);
  });
  const noVictims = (n: number) => `preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;
  it('writes the scheduler event message, with preemption finding no victim among pods of one priority', () => {
    const nodes = [full, full, node('small', 500, GIB)];
    expect(unschedulableMessage(nodes, knativePod)).toBe(`0/3 nodes are available: 3 Insufficient cpu. ${noVictims(3)}`);
  });
  it('writes none when a node fits (the pod binds there): never "1/4 nodes are available"', () => {
    const nodes = [full, full, node('small', 500, GIB), node('b', 4000, GIB)];
    expect(unschedulableMessage(nodes, knativePod)).toBeUndefined();
  });
  it('no node at all: upstream\'s ErrNoNodesAvailable, not a FitError', () => {
    expect(unschedulableMessage([], knativePod)).toBe('no nodes available to schedule pods');
  });
  it('orders the reasons as upstream sorts the "<count> <reason>" strings: by count first, as text', () => {
    // Two nodes short of cpu, one at maxPods: upstream writes "1 Too many pods" before "2 Insufficient cpu".
    const nodes = [full, full, node('packed', 4000, 16 * GIB, [], 0)];
    expect(unschedulableMessage(nodes, knativePod)).toBe(`0/3 nodes are available: 1 Too many pods, 2 Insufficient cpu. ${noVictims(3)}`);
    // As text, "10 …" sorts before "2 …" (Go's sort.Strings).
    const many = [...Array.from({ length: 10 }, () => full), node('p1', 4000, 16 * GIB, [], 0), node('p2', 4000, 16 * GIB, [], 0)];
    expect(unschedulableMessage(many, knativePod)).toBe(`0/12 nodes are available: 10 Insufficient cpu, 2 Too many pods. ${noVictims(12)}`);
  });
  it('a tainted or cordoned node counts only its first failing filter, and preemption calls it not helpful', () => {
    // "big" has room but Karpenter's disruption taint; "cordoned" has room but is cordoned; two are full.
    const taints = new Map([
      ['big', untoleratedTaintReason('karpenter.sh/disrupted')],
      ['cordoned', NODE_UNSCHEDULABLE_REASON],
      ['full2', untoleratedTaintReason('ToBeDeletedByClusterAutoscaler', '1733550000')],
    ]);
    const nodes = [node('big', 4000, GIB), node('cordoned', 4000, GIB), full, { ...full, name: 'full2' }];
    expect(unschedulableMessage(nodes, knativePod, (n) => taints.get(n.name))).toBe(
      '0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {ToBeDeletedByClusterAutoscaler: 1733550000}, ' +
        '1 node(s) had untolerated taint {karpenter.sh/disrupted: }, 1 node(s) were unschedulable. ' +
        'preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.',
    );
    // Every node tainted: no node is a preemption candidate.
    expect(unschedulableMessage([node('big', 4000, GIB)], knativePod, () => untoleratedTaintReason('node.kubernetes.io/memory-pressure'))).toBe(
      '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. ' +
        'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });
});

describe('LeastAllocated scoring', () => {
  it.each([
    [0, 4000, 100],
    [1000, 4000, 75],
    [1025, 4000, 74], // floor(2975 × 100 / 4000) = 74.375 → 74
    [4000, 4000, 0],
    [5000, 4000, 0],
    [10, 0, 0],
  ])('requested %i of %i → %i', (req, cap, want) => {
    expect(leastRequestedScore(req, cap)).toBe(want);
  });
  it('averages cpu and memory with integer division, counting non-zero defaults', () => {
    // cpu: (4000 − 1025) × 100 / 4000 = 74; memory: (16 GiB − 400 MiB) × 100 / 16 GiB = 97.56 → 97; (74 + 97) / 2 = 85.
    expect(leastAllocatedScore(node('a', 4000, 16 * GIB), knativePod)).toBe(85);
  });
  it('leaves out a resource the node has none of, as least_allocated.go skips allocatable 0', () => {
    // cpu only: (4000 − 1025) × 100 / 4000 = 74, not (74 + 0) / 2 = 37; memory only: 97; neither: 0.
    expect(leastAllocatedScore(node('no-mem', 4000, 0), knativePod)).toBe(74);
    expect(leastAllocatedScore(node('no-cpu', 0, 16 * GIB), knativePod)).toBe(97);
    expect(leastAllocatedScore(node('none', 0, 0), knativePod)).toBe(0);
  });
  it('spreads: the emptier node wins; ties go to tieBreak', () => {
    const busy = node('busy', 4000, 16 * GIB, [knativePod]);
    const idle = node('idle', 4000, 16 * GIB);
    expect(selectNode([busy, idle], knativePod, () => 0)?.name).toBe('idle');
    const idle2 = node('idle2', 4000, 16 * GIB);
    expect(selectNode([idle, idle2], knativePod, () => 0)?.name).toBe('idle');
    expect(selectNode([idle, idle2], knativePod, (n) => n - 1)?.name).toBe('idle2');
    expect(selectNode([busy], podResources([{ cpuMillis: 5000 }]), () => 0)).toBeUndefined();
  });
});

describe('BalancedAllocation scoring (noderesources/balanced_allocation.go, weight 1 beside LeastAllocated)', () => {
  // A memory-heavy pod: 500m, 4 GiB.
  const pod = podResources([{ cpuMillis: 500, memoryBytes: 4 * GIB }]);
  // cpuBusy holds 2000m (no memory); memBusy holds 6.5 GiB (no CPU); both 4000m / 16 GiB.
  const cpuBusy = node('cpu-busy', 4000, 16 * GIB, [podResources([{ cpuMillis: 2000, memoryBytes: 0 }])]);
  const memBusy = node('mem-busy', 4000, 16 * GIB, [podResources([{ cpuMillis: 0, memoryBytes: 6.5 * GIB }])]);
  it('100 × (1 − |f_cpu − f_mem| / 2), truncated: cpu-busy 2500/4000 vs 4/16 → 81; mem-busy 500/4000 vs 10.5/16 → 73', () => {
    expect(balancedAllocationScore(cpuBusy, pod)).toBe(81); // 81.25
    expect(balancedAllocationScore(memBusy, pod)).toBe(73); // 73.4375
  });
  it('the two scores add up: LeastAllocated prefers mem-busy (60 > 56), the sum cpu-busy (56 + 81 = 137 > 60 + 73 = 133), where the pod evens out the node', () => {
    expect([leastAllocatedScore(cpuBusy, pod), leastAllocatedScore(memBusy, pod)]).toEqual([56, 60]);
    expect([nodeScore(cpuBusy, pod), nodeScore(memBusy, pod)]).toEqual([137, 133]);
    expect(selectNode([memBusy, cpuBusy], pod, () => 0)?.name).toBe('cpu-busy');
  });
  it('fractions are capped at 1; a resource with no allocatable is left out (100); a pod with no requests is not scored (0)', () => {
    expect(balancedAllocationScore(node('full', 1000, 16 * GIB, [podResources([{ cpuMillis: 1000 }])]), podResources([{ cpuMillis: 500 }]))).toBe(50);
    expect(balancedAllocationScore(node('no-memory', 4000, 0), pod)).toBe(100);
    expect(balancedAllocationScore(cpuBusy, podResources([{}]))).toBe(0);
  });
  it('uses actual requests, not the non-zero defaults: a 1025m pod with no memory request on an empty 4000m / 16 GiB node → 100 × (1 − 0.2562…/2) = 87', () => {
    expect(balancedAllocationScore(node('a', 4000, 16 * GIB), knativePod)).toBe(87);
  });
});

describe('scheduling back-off (1, 2, 4, 8, 10, 10 s)', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 8],
    [5, 10],
    [6, 10],
    [1000, 10],
  ])('after failed attempt %i → %i s', (k, want) => {
    expect(schedulingBackoffSeconds(k)).toBe(want);
  });
  it('rejects attempt 0', () => {
    expect(() => schedulingBackoffSeconds(0)).toThrow('failedAttempts');
  });
  it('rejects a back-off of 0 or NaN and a NaN time, which came back as 0 or NaN seconds', () => {
    const bad = (f: () => unknown, message: string) => expect(f).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }));
    bad(() => schedulingBackoffSeconds(3, 0), 'initial: must be > 0, got 0');
    bad(() => schedulingBackoffSeconds(3, 1, NaN), 'max: must be a finite number, got NaN');
    bad(() => backoffExpiry(NaN, 1), 'lastFailedAt: must be a finite number, got NaN');
    bad(() => requeueOrder([{ lastFailedAt: 0, failedAttempts: 1 }], NaN), 'now: must be a finite number, got NaN');
    expect(schedulingBackoffSeconds(3, 0.5, 30)).toBe(2); // other flags than the defaults still work: 0.5 × 2²
  });
});

describe('retry order of the pods a cluster event moves out of the unschedulable pool (1.33+ queue)', () => {
  it('back-off ends are truncated to their 1 s window', () => {
    expect(backoffExpiry(19.2, 1)).toBe(20);
    expect(backoffExpiry(15.5, 5)).toBe(25);
  });
  it('done backing off first, oldest failure first; then the backoffQ, earliest window first', () => {
    const pods = [
      { lastFailedAt: 5, failedAttempts: 1 }, // ends 6: done
      { lastFailedAt: 3, failedAttempts: 4 }, // 3 + 8 = 11: done
      { lastFailedAt: 15.5, failedAttempts: 5 }, // 15.5 + 10 → window 25: backing off
      { lastFailedAt: 19.2, failedAttempts: 1 }, // 20.2 → window 20, the current one: still backing off
      { lastFailedAt: 18.7, failedAttempts: 1 }, // 19.7 → window 19: done
    ];
    expect(requeueOrder(pods, 20)).toEqual([1, 0, 4, 3, 2]);
  });
  it('pods alike keep their order', () => {
    const same = { lastFailedAt: 0.5, failedAttempts: 1 };
    expect(requeueOrder([same, same, same], 1)).toEqual([0, 1, 2]);
    expect(requeueOrder([same, same, same], 7)).toEqual([0, 1, 2]);
  });
});
