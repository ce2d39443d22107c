import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLUSTER_AUTOSCALER_CONFIG as CA,
  DEFAULT_KARPENTER_CONFIG,
  ProvisioningBatch,
  UnneededNodes,
  UnremovableNodes,
  allowedDisruptions,
  bestScaleUpOption,
  allPodsAreNew,
  canReschedule,
  cheapestFitting,
  consolidatableAt,
  candidatePods,
  consolidationDecision,
  consolidationStillValid,
  simulateConsolidation,
  driftDecision,
  simulationOrder,
  packProvisioningBatch,
  lastPodEventAfter,
  multiNodeSearchBounds,
  isNominated,
  nominatedNodes,
  nominationWindowSeconds,
  queueCheckAt,
  type SimulatedPod,
  consolidationOrder,
  evictionCost,
  expiresAt,
  instanceTerminationAt,
  karpenterForceDeleteAt,
  limitAllowsLaunch,
  rescheduleDisruptionCost,
  bindPod,
  drainedNodeDeletionAt,
  estimateNodes,
  nodeGroupBackedOff,
  nodeGroupBackoffAfterFailure,
  scaleUpRequestAfter,
  timedOutScaleUpRevert,
  nodeGroupBackoffStale,
  type NodeGroupBackoff,
  nodeUtilization,
  orderScaleDownCandidates,
  podResources,
  removableNodes,
  RemainingDisruptions,
  scaleDownInCooldown,
  templateNode,
  unneededNodesLimit,
  type NodeTemplate,
  type NodeView,
} from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;
const knativePod = podResources([{ cpuMillis: 1000 }, { cpuMillis: 25 }]);
const standard: NodeTemplate = {
  allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB },
  maxPods: 110,
  daemonSetRequests: { cpuMillis: 0, memoryBytes: 0 },
  daemonSetPods: 0,
};

describe('binpacking estimator', () => {
  it('A9: one pending 1025m pod needs one 4-core node', () => {
    const e = estimateNodes([knativePod], standard, CA.maxNodesPerScaleUp);
    expect(e.nodes).toBe(1);
    expect(e.scheduled).toHaveLength(1);
  });
  it('packs 3 Knative pods a node: 10 pods → 4 nodes', () => {
    expect(estimateNodes(Array(10).fill(knativePod), standard, 1000).nodes).toBe(4);
  });
  it('first-fit decreasing: 3000m, 1000m, 3000m, 1000m → 2 nodes', () => {
    const big = podResources([{ cpuMillis: 3000 }]);
    const small = podResources([{ cpuMillis: 1000 }]);
    expect(estimateNodes([small, big, small, big], standard, 10).nodes).toBe(2);
  });
  it('skips pods too big for an empty node and stops opening nodes at the limit', () => {
    const huge = podResources([{ cpuMillis: 5000 }]);
    const e = estimateNodes([huge, knativePod, knativePod, knativePod, knativePod], standard, 1);
    expect(e.nodes).toBe(1);
    expect(e.scheduled).toHaveLength(3);
  });
  it('counts DaemonSet requests on every new node', () => {
    const withDs = { ...standard, daemonSetRequests: { cpuMillis: 1000, memoryBytes: 0 }, daemonSetPods: 1 };
    expect(estimateNodes(Array(3).fill(knativePod), withDs, 10).nodes).toBe(2);
  });
});

describe('least-waste expander', () => {
  const big: NodeTemplate = { ...standard, allocatable: { cpuMillis: 16000, memoryBytes: 64 * GIB } };
  it('prefers the group that wastes less cpu + memory', () => {
    const pods = Array(4).fill(podResources([{ cpuMillis: 3900, memoryBytes: 15 * GIB }]));
    const small = { group: 'small', template: standard, ...estimateNodes(pods, standard, 100) };
    const large = { group: 'large', template: big, ...estimateNodes(pods, big, 100) };
    expect(small.nodes).toBe(4);
    expect(large.nodes).toBe(1);
    // small: (16000 − 15600)/16000 + (64 − 60)/64 = 0.025 + 0.0625; large is the same totals on one node.
    const choice = bestScaleUpOption([small, large], () => 1);
    expect(choice?.group).toBe('large'); // a tie: tieBreak picks the second
    expect(bestScaleUpOption([small, large], () => 0)?.group).toBe('small');
    const half = podResources([{ cpuMillis: 2000, memoryBytes: 8 * GIB }]);
    const s2 = { group: 'small', template: standard, ...estimateNodes([half], standard, 100) };
    const l2 = { group: 'large', template: big, ...estimateNodes([half], big, 100) };
    expect(bestScaleUpOption([l2, s2], () => 0)?.group).toBe('small');
  });
  it('ignores options that place no pod', () => {
    expect(bestScaleUpOption([{ group: 'x', template: standard, nodes: 0, scheduled: [] }], () => 0)).toBeUndefined();
  });
});

describe('scale-down', () => {
  function withPods(name: string, pods: number, dsMillis = 0): NodeView {
    const n = templateNode(name, standard);
    return {
      ...n,
      requested: { cpuMillis: pods * 1025 + dsMillis, memoryBytes: 0 },
      nonZeroRequested: { cpuMillis: pods * 1025 + dsMillis, memoryBytes: 0 },
      pods,
    };
  }
  it('A10: a node of 1025m + 200m DaemonSet on 4000m is at 0.306, under the 0.5 threshold', () => {
    expect(nodeUtilization(withPods('b', 1, 200))).toBeCloseTo(0.30625, 10);
    expect(nodeUtilization(withPods('b', 1, 200)) < CA.scaleDownUtilizationThreshold).toBe(true);
    // 2050 m + 0 on 4000 m is 0.5125: not under the threshold, so not unneeded.
    expect(nodeUtilization(withPods('a', 2))).toBeCloseTo(0.5125, 10);
    expect(nodeUtilization(withPods('a', 2)) < CA.scaleDownUtilizationThreshold).toBe(false);
  });
  it('its pod must fit elsewhere', () => {
    expect(canReschedule([knativePod], [withPods('a', 2)])).toBe(true);
    expect(canReschedule([knativePod], [withPods('a', 3)])).toBe(false);
    expect(canReschedule([knativePod, knativePod], [withPods('a', 2)])).toBe(false);
  });
  it.each([
    // [Knative pods per node, removable]: each node found removable keeps, for the next ones, the pods
    // moved off it (planner categorizeNodes, persisted simulations), and is no destination itself.
    [[1, 1, 2], [0]], // A → B; B must then move 2 × 1025 onto C (2050): 4100 > 4000
    [[1, 1, 1], [0, 1]], // A → B; B moves 2050 onto C (1025) = 3075; C has nowhere to go
    [[0, 1, 1], [0, 1]], // empty A; B → C
    [[1, 3, 3], []], // A's pod fits no other node
  ])('one loop over nodes with %j pods of 1025m (4000m each) finds %j removable', (perNode, want) => {
    const nodes = perNode.map((n, i) => withPods(`n${i}`, n));
    const pods = perNode.map((n) => Array(n).fill(knativePod));
    const eligible = (i: number) => nodeUtilization(nodes[i]!) < CA.scaleDownUtilizationThreshold;
    expect(removableNodes(nodes, pods, eligible)).toEqual(want);
  });
  it.each([
    // [pods per node, one budget with this many disruptions allowed, removable]: every pod is under the budget.
    [[1, 1, 0], 1, [2, 0]], // empty C needs none; A takes the one disruption; B finds none left (NotEnoughPdb)
    [[1, 1, 0], 0, [2]], // no disruption: only the empty node
    [[2, 1, 0], 1, [0, 2]], // two pods on A with one left: A is not blocked (only risky), B then is
    [[1, 1, 0], 2, [0, 1]], // two allowed: A's pod onto B, then B's two onto C, which must stay
  ])('%j pods of 1025m under a budget allowing %j: %j removable', (perNode, allowed, want) => {
    const nodes = perNode.map((n, i) => withPods(`n${i}`, n));
    const pods = perNode.map((n) => Array(n).fill(knativePod));
    const tracker = new RemainingDisruptions([allowed]);
    const budgetsOf = (i: number) => Array(perNode[i]!).fill(0);
    const got = removableNodes(nodes, pods, () => true, Number.POSITIVE_INFINITY, { drainable: (i) => tracker.canRemovePods(budgetsOf(i)), removed: (i) => tracker.removePods(budgetsOf(i)) });
    expect(got).toEqual(want.sort((a, b) => a - b));
  });
  it.each([
    // [pods per node, unneeded at the last loop, order]: empty first, then previous candidates, else as listed
    [[1, 0, 1, 0], [false, false, true, false], [1, 3, 2, 0]],
    [[2, 1, 1], [false, true, false], [1, 0, 2]],
    [[1, 1], [false, false], [0, 1]],
  ])('candidates with %j pods, previously unneeded %j, are considered in the order %j', (perNode, was, want) => {
    const nodes = perNode.map((n, i) => ({ i, n }));
    expect(orderScaleDownCandidates(nodes, (x) => x.n === 0, (x) => was[x.i]!).map((x) => x.i)).toEqual(want);
  });
  it('with that order an empty node goes before a busy one whose pod it could take', () => {
    // Listed [A (1 pod), B (empty)]: in list order A's pod would land on B and B could not go; empty first, B goes and A stays.
    const listed = [withPods('a', 1), withPods('b', 0)];
    const ordered = orderScaleDownCandidates(listed, (n) => n.pods === 0, () => false);
    const pods = ordered.map((n) => Array(n.pods).fill(knativePod));
    expect(removableNodes(ordered, pods, () => true).map((i) => ordered[i]!.name)).toEqual(['b']);
    expect(removableNodes(listed, listed.map((n) => Array(n.pods).fill(knativePod)), () => true).map((i) => listed[i]!.name)).toEqual(['a']);
  });
  it('A10: empty at 1003, unneeded from the 1005 loop, kept at 1605, removable at 1615', () => {
    const u = new UnneededNodes();
    for (let t = 995; t <= 1625; t += 10) {
      u.update(t, t >= 1005 ? ['B'] : []);
      const removable = u.removable('B', t, CA.scaleDownUnneededSeconds);
      if (t < 1615) expect(removable, `t=${t}`).toBe(false);
      else expect(removable, `t=${t}`).toBe(true);
    }
    expect(u.unneededSince('B')).toBe(1005);
    // Deletion follows the taint after node-delete-delay-after-taint.
    expect(1615 + CA.nodeDeleteDelayAfterTaintSeconds).toBe(1620);
  });
  it('A10: a scale-up at 1200 holds removal until the 1805 loop', () => {
    const first = [1615, 1625, 1795, 1805].find((t) => !scaleDownInCooldown(t, { lastScaleUpTime: 1200 }, CA));
    expect(first).toBe(1805);
    expect(scaleDownInCooldown(1800, { lastScaleUpTime: 1200 }, CA)).toBe(false); // 1800 > 1800 is false
    expect(scaleDownInCooldown(1799, { lastScaleUpTime: 1200 }, CA)).toBe(true);
  });
  it('a NaN request is refused by nodeUtilization, not answered as NaN utilization', () => {
    const node = { allocatable: { cpuMillis: 1000, memoryBytes: 2 ** 30, pods: 10 }, requested: { cpuMillis: NaN, memoryBytes: 0, pods: 0 } };
    expect(() => nodeUtilization(node as never)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'node.requested.cpuMillis: must be a finite number, got NaN' }));
  });
  it('a NaN time is refused, not read as out of cooldown', () => {
    expect(() => scaleDownInCooldown(NaN, { lastScaleUpTime: 1200 }, CA)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: 'now: must be a finite number, got NaN' }));
  });
  it('A9: after the scale-up at 5, scale-down is in cooldown until 605', () => {
    expect(scaleDownInCooldown(604, { lastScaleUpTime: 5 }, CA)).toBe(true);
    expect(scaleDownInCooldown(605, { lastScaleUpTime: 5 }, CA)).toBe(false);
    expect(scaleDownInCooldown(100, { lastScaleDownFailTime: 0 }, CA)).toBe(true);
    expect(scaleDownInCooldown(180, { lastScaleDownFailTime: 0 }, CA)).toBe(false);
    expect(scaleDownInCooldown(10, { lastScaleDownDeleteTime: 10 }, CA)).toBe(false);
  });
  // unneeded/nodes.go unremovableReason: NotUnneededLongEnough only for a threshold above 0 and
  // since + threshold not strictly before now. B first found unneeded by the loop at 1005.
  it.each([
    { unneeded: 600, at: 1005, removable: false },
    { unneeded: 600, at: 1605, removable: false },
    { unneeded: 600, at: 1615, removable: true },
    { unneeded: 10, at: 1015, removable: false },
    { unneeded: 10, at: 1025, removable: true },
    // 0: no wait at all, the first loop that finds it unneeded may remove it.
    { unneeded: 0, at: 1005, removable: true },
    { unneeded: 0, at: 1015, removable: true },
  ])('scale-down-unneeded-time $unneeded s: B unneeded since 1005 is removable at $at: $removable', ({ unneeded, at, removable }) => {
    const u = new UnneededNodes();
    for (let t = 1005; t <= at; t += 10) u.update(t, ['B']);
    expect(u.unneededSince('B')).toBe(1005);
    expect(u.removable('B', at, unneeded)).toBe(removable);
    expect(u.removable('A', at, unneeded)).toBe(false);
  });
  it('a node found needed again starts its unneeded time over', () => {
    const u = new UnneededNodes();
    u.update(0, ['B']);
    u.update(10, []);
    u.update(20, ['B']);
    expect(u.unneededSince('B')).toBe(20);
  });
  // Failures at these minutes; each row: the back-off's duration and end after it (minutes).
  it.each([
    { name: 'each failure after the last back-off passed doubles it, up to 30 min', at: [0, 6, 17, 38, 69], want: [[5, 5], [10, 16], [20, 37], [30, 68], [30, 99]] },
    { name: 'failures while still backed off (concurrent scale-ups) do not compound', at: [0, 2, 4], want: [[5, 5], [5, 7], [5, 9]] },
    { name: 'a failure after the back-off passed, then one inside the new one', at: [0, 6, 8], want: [[5, 5], [10, 16], [10, 18]] },
  ])('node-group back-off: $name', ({ at, want }) => {
    let b: NodeGroupBackoff | undefined;
    const got = at.map((m) => {
      b = nodeGroupBackoffAfterFailure(b, m * 60, CA);
      return [b.durationSeconds / 60, b.untilSeconds / 60];
    });
    expect(got).toEqual(want);
  });
  // Loops every 10 s from `first` (the engine's first + k × 10); a failure at one loop backs the group
  // off for 300 s, to the loop 30 later. Rows: first, failed loop, loop, backed off?
  it.each([
    [5, 21, 50, true],
    // Its end itself: BackoffStatus is not backed off only once backoffUntil.Before(now).
    [5, 21, 51, true],
    [5, 21, 52, false],
    // A phase where failure + 300 s rounds one float step below the loop 300 s later: still the same instant.
    [2.4005078960331105, 380, 410, true],
    [2.4005078960331105, 380, 411, false],
  ] as const)('node-group back-off, loops from %d s, failed at loop %i: backed off at loop %i is %s', (first, failed, loop, want) => {
    const b = nodeGroupBackoffAfterFailure(undefined, first + failed * 10, CA);
    expect(nodeGroupBackedOff(b, first + loop * 10)).toBe(want);
  });
  it('that phase does give a sum before the loop time, which a float comparison would take as passed', () => {
    const first = 2.4005078960331105;
    expect(first + 380 * 10 + 300).toBeLessThan(first + 410 * 10);
  });
  // Loop times are first + k × 10 s and the waits are sums from a loop: at a phase where the sum
  // rounds a float step off the loop it lands on, the verdict is still that of the same instant.
  // Rows: what, phase, loop the clock starts at, loop asked about, verdict.
  const loopAt = (first: number, k: number) => first + k * 10;
  it.each([
    ['unneeded 600 s: not removable at the loop 600 s later', 2.4005078960331105, 350, 410, false],
    ['unneeded 600 s: removable one loop after that', 2.4005078960331105, 350, 411, true],
    ['cooldown 600 s after a scale-up: over at the loop 600 s later', 9.155182916228956, 12, 72, false],
    ['recheck 300 s after an unremovable verdict: due at the loop 300 s later', 9.155182916228956, 21, 51, false],
  ] as const)('float sums at loop instants: %s', (what, first, from, at, want) => {
    const start = loopAt(first, from);
    const now = loopAt(first, at);
    if (what.startsWith('unneeded')) {
      const u = new UnneededNodes();
      u.update(start, ['n']);
      expect(u.removable('n', now, 600)).toBe(want);
    } else if (what.startsWith('cooldown')) {
      expect(scaleDownInCooldown(now, { lastScaleUpTime: start }, CA)).toBe(want);
    } else {
      const u = new UnremovableNodes();
      u.addTimeout('n', start + 300);
      u.update(now);
      expect(u.isRecent('n')).toBe(want);
    }
  });
  it('a scale-up request gathers the scale-ups made while it is open; its deadline moves to the latest', () => {
    let r = scaleUpRequestAfter(undefined, 2, 105, CA);
    expect(r).toEqual({ increase: 2, deadlineSeconds: 1005 });
    r = scaleUpRequestAfter(r, 1, 305, CA);
    expect(r).toEqual({ increase: 3, deadlineSeconds: 1205 });
  });
  // Rows: the request's increase, its group's nodes still unregistered, nodes the revert gives up.
  it.each([
    [2, 2, 2],
    // One registered: cutting the target by 2 would go below the registered nodes, so the cloud refuses.
    [2, 1, 0],
    // A late node of an earlier scale-up was already deleted by removeOldUnregisteredNodes.
    [3, 2, 0],
    [1, 1, 1],
  ])('a timed-out request of %i with %i unregistered gives up %i', (increase, unregistered, want) => {
    expect(timedOutScaleUpRevert({ increase, deadlineSeconds: 0 }, unregistered)).toBe(want);
  });
  it('node-group back-off is forgotten 3 h after the last failure, so the next one starts at 5 min again', () => {
    let b = nodeGroupBackoffAfterFailure(undefined, 0, CA);
    b = nodeGroupBackoffAfterFailure(b, 600, CA);
    b = nodeGroupBackoffAfterFailure(b, 1800, CA);
    expect(b.durationSeconds).toBe(1200);
    expect(nodeGroupBackoffStale(b, 1800 + 3 * 3600, CA)).toBe(false);
    expect(nodeGroupBackoffStale(b, 1800 + 3 * 3600 + 10, CA)).toBe(true);
    expect(nodeGroupBackoffAfterFailure(undefined, 1800 + 3 * 3600 + 10, CA).durationSeconds).toBe(300);
  });
});

describe('Karpenter', () => {
  it('A11: triggers at 0, 0.5, 1.2, 2.0 close the window at 3.0 with one decision', () => {
    const b = new ProvisioningBatch(DEFAULT_KARPENTER_CONFIG);
    let close = 0;
    for (const t of [0, 0.5, 1.2, 2.0]) close = b.trigger(t);
    expect(close).toBeCloseTo(3.0, 12);
  });
  it('A11: a trigger every 0.5 s closes the window at the 10 s maximum', () => {
    const b = new ProvisioningBatch(DEFAULT_KARPENTER_CONFIG);
    for (let t = 0; t < 20; t += 0.5) {
      if (b.closesAt() !== undefined && t >= b.closesAt()!) break;
      b.trigger(t);
    }
    expect(b.closesAt()).toBe(10);
    b.close();
    expect(b.closesAt()).toBeUndefined();
  });
  it('A11: a 10% budget over 5 nodes disrupts ceil(0.5) = 1 node at a time', () => {
    expect(allowedDisruptions(5, DEFAULT_KARPENTER_CONFIG.budgetPercent)).toBe(1);
    expect(allowedDisruptions(5, 10, 1)).toBe(0);
    expect(allowedDisruptions(25, 10)).toBe(3);
    expect(allowedDisruptions(0, 10)).toBe(0);
    expect(allowedDisruptions(10, 100)).toBe(10);
  });
  it('a budget over 100 %, a fractional disrupting count or a NaN batch window is refused, not answered', () => {
    // allowedDisruptions(10, 150) was 15 of 10 nodes; the batch's window closed at NaN.
    const bad = (f: () => unknown, message: string) => expect(f).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message }));
    bad(() => allowedDisruptions(10, 150), 'percent: must be at most 100, got 150');
    bad(() => allowedDisruptions(10, 10, 0.5), 'disrupting: must be an integer, got 0.5');
    bad(() => new ProvisioningBatch({ batchIdleSeconds: NaN, batchMaxSeconds: 10 }), 'cfg.batchIdleSeconds: must be a finite number, got NaN');
    bad(() => new ProvisioningBatch({ batchIdleSeconds: 1, batchMaxSeconds: -10 }), 'cfg.batchMaxSeconds: must be ≥ 0, got -10');
    bad(() => new ProvisioningBatch(DEFAULT_KARPENTER_CONFIG).trigger(NaN), 'now: must be a finite number, got NaN');
  });
  it('A11: an empty node is consolidatable when its last pod leaves; deletion 15–25 s later', () => {
    const emptied = 100;
    const at = consolidatableAt(emptied, DEFAULT_KARPENTER_CONFIG);
    expect(at).toBe(100);
    const { disruptionPollSeconds: poll, validationSeconds: v } = DEFAULT_KARPENTER_CONFIG;
    const earliest = at + v;
    const latest = at + poll + v;
    expect([earliest - emptied, latest - emptied]).toEqual([15, 25]);
  });
  it('multi-node consolidation searches prefixes of 2 to n nodes up to 100 candidates, of 2 to 101 beyond (firstNConsolidationOption)', () => {
    expect(multiNodeSearchBounds(2)).toEqual({ lo: 1, hi: 1 });
    expect(multiNodeSearchBounds(100)).toEqual({ lo: 1, hi: 99 });
    // More candidates than maxParallel: the upper index is maxParallel itself, a prefix of 101.
    expect(multiNodeSearchBounds(101)).toEqual({ lo: 1, hi: 100 });
    expect(multiNodeSearchBounds(500)).toEqual({ lo: 1, hi: 100 });
  });
  it('picks the cheapest instance type that holds the batch', () => {
    const types = [
      { name: 'xlarge', pricePerHour: 0.4, template: { ...standard, allocatable: { cpuMillis: 8000, memoryBytes: 32 * GIB } } },
      { name: 'large', pricePerHour: 0.2, template: standard },
      { name: 'medium', pricePerHour: 0.1, template: { ...standard, allocatable: { cpuMillis: 2000, memoryBytes: 8 * GIB } } },
    ];
    expect(cheapestFitting(types, [knativePod])?.name).toBe('medium');
    expect(cheapestFitting(types, [knativePod, knativePod])?.name).toBe('large');
    expect(cheapestFitting(types, Array(6).fill(knativePod))?.name).toBe('xlarge');
    expect(cheapestFitting(types, Array(8).fill(knativePod))).toBeUndefined();
  });
});

describe('UnremovableNodes (unremovable-node-recheck-timeout, 5 min)', () => {
  it('a node found unremovable at 5 s is skipped until its recheck at 305 s, considered again at 305 (kept only while strictly in the future)', () => {
    expect(CA.unremovableNodeRecheckSeconds).toBe(300);
    const u = new UnremovableNodes();
    u.addTimeout('n1', 5 + CA.unremovableNodeRecheckSeconds);
    for (const [t, recent] of [[15, true], [295, true], [305, false]] as const) {
      u.update(t);
      expect([t, u.isRecent('n1')]).toEqual([t, recent]);
    }
  });
});

describe('Karpenter disruption cost and candidate order (pkg/utils/disruption, disruption/types.go, consolidation.go sortCandidates)', () => {
  it('a pod costs 1, plus deletion cost / 2^27, plus priority / 2^25, clamped to [-10, 10]', () => {
    expect(evictionCost({})).toBe(1);
    expect(evictionCost({ priority: 0 })).toBe(1);
    expect(evictionCost({ priority: 2 ** 25 })).toBe(2);
    expect(evictionCost({ deletionCost: 2 ** 27, priority: 2 ** 24 })).toBe(2.5);
    expect(evictionCost({ deletionCost: -3 * 2 ** 27 })).toBe(-2);
    // system-node-critical (2000001000) and the annotation's extremes hit the clamp
    expect(evictionCost({ priority: 2000001000 })).toBe(10);
    expect(evictionCost({ deletionCost: -2147483647, priority: -2147483648 })).toBe(-10);
  });
  it('a node costs 1 plus its pods, negative pods counting 0: three Knative pods and one at -2 make 4', () => {
    expect(rescheduleDisruptionCost([])).toBe(1);
    expect(rescheduleDisruptionCost([{}, {}, {}, { deletionCost: -3 * 2 ** 27 }])).toBe(4);
  });
  it('candidates go highest price / disruption cost first, not fewest pods first; equal ratios keep their order', () => {
    const nodes = [
      { name: 'small, 1 pod', price: 0.1, cost: 2 }, // 0.05
      { name: 'big, 2 pods', price: 0.4, cost: 3 }, // 0.133
      { name: 'medium, 1 pod', price: 0.2, cost: 2 }, // 0.1
      { name: 'medium, 3 pods', price: 0.2, cost: 4 }, // 0.05
      { name: 'empty small', price: 0.1, cost: 1 }, // 0.1
    ];
    expect(consolidationOrder(nodes, (n) => n.price, (n) => n.cost).map((n) => n.name)).toEqual([
      'big, 2 pods',
      'medium, 1 pod',
      'empty small',
      'small, 1 pod',
      'medium, 3 pods',
    ]);
  });
  it('a node expires expireAfter (720h by default) after its launch; Never is no expiry', () => {
    expect(DEFAULT_KARPENTER_CONFIG.expireAfterSeconds).toBe(2592000);
    expect(expiresAt(180, DEFAULT_KARPENTER_CONFIG)).toBe(2592180);
    expect(expiresAt(180, { expireAfterSeconds: Number.POSITIVE_INFINITY })).toBeUndefined();
  });
  // termination/controller.go: awaitDrain requeues every 1 s until no pod is left and MinDrainTime (5 s)
  // has passed since the Drained condition went Unknown (the drain's start); only then the instance is terminated.
  it.each([
    { what: 'an empty node: MinDrainTime after the drain began', began: 17, drained: 17, want: 22 },
    { what: 'pods gone within 5 s: still 5 s', began: 17, drained: 21.2, want: 22 },
    { what: 'a pod gone later: the next once-a-second look', began: 17, drained: 31.7, want: 32 },
    { what: 'a pod gone at a look: that look', began: 17, drained: 47, want: 47 },
    { what: 'looks count from the drain, not the whole second', began: 17.5, drained: 40.2, want: 40.5 },
  ])('instance terminated: $what ($began → $want)', ({ began, drained, want }) => {
    expect(DEFAULT_KARPENTER_CONFIG.minDrainSeconds).toBe(5);
    expect(instanceTerminationAt(began, drained, DEFAULT_KARPENTER_CONFIG)).toBe(want);
  });
  // terminator/eviction.go needsForceDelete (since #3063 in the eviction queue): a pod is deleted past its
  // budget once Now().After(NodeClaim deletion + terminationGracePeriod − its grace period).
  it.each([
    { what: 'due 300 s into the drain', deleted: 300, tgp: 600, grace: 300, want: 600 },
    { what: 'fractions kept', deleted: 300.5, tgp: 600, grace: 299.75, want: 600.75 },
    { what: 'due at the drain\'s start', deleted: 300, tgp: 300, grace: 300, want: 300 },
    { what: 'already past at the drain\'s start', deleted: 300, tgp: 60, grace: 300, want: 60 },
    { what: 'no terminationGracePeriod: never', deleted: 300, tgp: Number.POSITIVE_INFINITY, grace: 300, want: Number.POSITIVE_INFINITY },
  ])('pod deleted past its budget after: $what ($deleted + $tgp − $grace → $want)', ({ deleted, tgp, grace, want }) => {
    expect(karpenterForceDeleteAt(deleted, { ...DEFAULT_KARPENTER_CONFIG, terminationGracePeriodSeconds: tgp }, grace)).toBe(want);
  });
});

describe('consolidationDecision (Karpenter computeConsolidation: delete, replace by one cheaper node, or nothing)', () => {
  const types = [
    { name: 'xlarge', pricePerHour: 0.4, template: { ...standard, allocatable: { cpuMillis: 8000, memoryBytes: 32 * GIB } } },
    { name: 'large', pricePerHour: 0.2, template: standard },
    { name: 'medium', pricePerHour: 0.1, template: { ...standard, allocatable: { cpuMillis: 2000, memoryBytes: 8 * GIB } } },
  ];
  const withPods = (name: string, type: (typeof types)[number], n: number): NodeView => {
    let v = templateNode(name, type.template);
    for (let i = 0; i < n; i++) v = bindPod(v, knativePod);
    return v;
  };
  const xlarge = types[0]!;
  const large = types[1]!;
  const cand = (t: (typeof types)[number]) => ({ type: t.name, pricePerHour: t.pricePerHour });

  it.each([
    { name: 'pods fit on the nodes that stay: delete', candidates: [cand(large)], pods: 2, others: [withPods('o', large, 1)], want: 'delete' },
    { name: 'an xlarge holding 1 pod, nowhere else: replace by a medium ($0.1 < $0.4)', candidates: [cand(xlarge)], pods: 1, others: [], want: 'replace medium' },
    { name: 'an xlarge holding 3 pods: a large holds them ($0.2 < $0.4)', candidates: [cand(xlarge)], pods: 3, others: [], want: 'replace large' },
    { name: 'a large holding 3 pods: only an xlarge holds them, which costs more', candidates: [cand(large)], pods: 3, others: [], want: 'none: no cheaper node type holds its pods' },
    { name: 'a medium holding 1 pod: nothing cheaper', candidates: [cand(types[2]!)], pods: 1, others: [], want: 'none: no cheaper node type holds its pods' },
    { name: 'two larges with 3 pods each: one xlarge ($0.4) is not cheaper than both ($0.4)', candidates: [cand(large), cand(large)], pods: 6, others: [], want: 'none: no cheaper node type holds its pods' },
    { name: 'two larges with 1 pod each: one large would do, but keeping one and deleting the other is cheaper', candidates: [cand(large), cand(large)], pods: 2, others: [], want: 'none: no cheaper node type holds its pods' },
    { name: 'two xlarges with 1 pod each: one large ($0.2 < $0.4, the cheapest candidate of its kind none)', candidates: [cand(xlarge), cand(xlarge)], pods: 2, others: [], want: 'replace large' },
    { name: 'pods that need two new nodes', candidates: [cand(xlarge), cand(xlarge)], pods: 12, others: [], want: 'none: its pods would need more than one new node' },
    { name: '2 pods onto the room of a node that stays, 1 onto a medium', candidates: [cand(xlarge)], pods: 3, others: [withPods('o', large, 1)], want: 'replace medium' },
  ])('$name', ({ candidates, pods, others, want }) => {
    const d = consolidationDecision(candidates, candidatePods(Array(pods).fill(knativePod)), others, types);
    expect(d.action === 'replace' ? `replace ${d.type.name}` : d.action === 'none' ? `none: ${d.reason}` : d.action).toBe(want);
  });

  // disruption/helpers.go SimulateScheduling: launching nodes come after initialized ones, and a
  // candidate's pod placed on one is an error (UninitializedNodeError): no command.
  it.each([
    { name: 'a pod that fits only a launching xlarge: none (was delete onto it)', pods: 1, others: [], want: 'none: a pod would go onto a node still launching' },
    { name: 'a pod that fits a Ready node first: delete (the launching node is not needed)', pods: 1, others: [withPods('o', large, 1)], want: 'delete' },
    { name: '3 pods, 2 fit a Ready large, the third only the launching node: none', pods: 3, others: [withPods('o', large, 1)], want: 'none: a pod would go onto a node still launching' },
  ])('launching nodes: $name', ({ pods, others, want }) => {
    const d = consolidationDecision([cand(large)], candidatePods(Array(pods).fill(knativePod)), others, types, [templateNode('launching', xlarge.template)]);
    expect(d.action === 'replace' ? `replace ${d.type.name}` : d.action === 'none' ? `none: ${d.reason}` : d.action).toBe(want);
  });
});

describe('consolidationStillValid (validation.go validateCommand: the planned options a subset of the new simulation\'s)', () => {
  const tmpl = (cpu: number, memGib: number): NodeTemplate => ({ ...standard, allocatable: { cpuMillis: cpu, memoryBytes: memGib * GIB } });
  const xlarge = { name: 'xlarge', pricePerHour: 0.4, template: tmpl(8000, 32) };
  const large = { name: 'large', pricePerHour: 0.2, template: tmpl(4000, 16) };
  const medium = { name: 'medium', pricePerHour: 0.1, template: tmpl(2000, 8) };
  const types = [xlarge, large, medium];
  const xl = [{ type: 'xlarge', pricePerHour: 0.4 }];
  const sim = (n: number, ts = types) => simulateConsolidation(candidatePods(Array(n).fill(knativePod)), [], ts);

  it('an xlarge with 2 pods (2050m) plans a large, the only cheaper type holding them; with 1 pod left at validation it still holds, so the large is launched, not the medium a new plan would take', () => {
    const planned = consolidationDecision(xl, candidatePods([knativePod, knativePod]), [], types);
    expect(planned.action === 'replace' && planned.options.map((t) => t.name)).toEqual(['large']);
    expect(consolidationStillValid(planned, sim(1), types)).toBe(true);
    const fresh = consolidationDecision(xl, candidatePods([knativePod]), [], types);
    expect(fresh.action === 'replace' && fresh.type.name).toBe('medium');
  });
  it('a planned option that no longer holds the pods voids it, though its cheapest still does', () => {
    // cpu: 4 CPU 4 GiB at $0.15; mem: 2 CPU 16 GiB at $0.18; both hold a 1 CPU 1 GiB pod for less than $0.4.
    const cpu = { name: 'cpu', pricePerHour: 0.15, template: tmpl(4000, 4) };
    const mem = { name: 'mem', pricePerHour: 0.18, template: tmpl(2000, 16) };
    const ts = [xlarge, cpu, mem];
    const small = podResources([{ cpuMillis: 1000, memoryBytes: GIB }]);
    const wide = podResources([{ cpuMillis: 3000, memoryBytes: GIB }]);
    const planned = consolidationDecision(xl, candidatePods([small]), [], ts);
    expect(planned.action === 'replace' && planned.options.map((t) => t.name)).toEqual(['cpu', 'mem']);
    // The 3-CPU pod fits cpu ($0.15, the planned node) but not mem: the new node's options no longer include all planned.
    expect(consolidationStillValid(planned, simulateConsolidation(candidatePods([wide]), [], ts), ts)).toBe(false);
    expect(consolidationStillValid(planned, simulateConsolidation(candidatePods([small]), [], ts), ts)).toBe(true);
  });
  it('a planned option whose pool has no room left voids it', () => {
    const planned = consolidationDecision(xl, candidatePods([knativePod, knativePod]), [], types);
    expect(consolidationStillValid(planned, sim(2, [xlarge, medium]), [xlarge, medium])).toBe(false);
  });
  it('the number of new nodes must match: a replacement needing none, or two, is void; a deletion needing one is void', () => {
    const replace = consolidationDecision(xl, candidatePods([knativePod]), [], types);
    const room = templateNode('o', large.template);
    expect(consolidationStillValid(replace, simulateConsolidation(candidatePods([knativePod]), [room], types), types)).toBe(false);
    expect(consolidationStillValid(replace, sim(12), types)).toBe(false);
    const del = consolidationDecision(xl, candidatePods([knativePod]), [room], types);
    expect(del.action).toBe('delete');
    expect(consolidationStillValid(del, simulateConsolidation(candidatePods([knativePod]), [room], types), types)).toBe(true);
    expect(consolidationStillValid(del, sim(1), types)).toBe(false);
  });
});

describe('consolidation simulation pods (disruption/helpers.go SimulateScheduling: pending pods and pods of deleting nodes too)', () => {
  const large = { name: 'large', pricePerHour: 0.2, template: standard };
  const medium = { name: 'medium', pricePerHour: 0.1, template: { ...standard, allocatable: { cpuMillis: 2000, memoryBytes: 8 * GIB } } };
  const types = [large, medium];
  const huge = podResources([{ cpuMillis: 9000 }]);
  const pod = (kind: SimulatedPod['kind'], resources = knativePod, createdAt = 0): SimulatedPod => ({ resources, kind, createdAt });
  const withPods = (name: string, n: number): NodeView => {
    let v = templateNode(name, standard);
    for (let i = 0; i < n; i++) v = bindPod(v, knativePod);
    return v;
  };
  const show = (d: ReturnType<typeof consolidationDecision>) => (d.action === 'replace' ? `replace ${d.type.name}` : d.action === 'none' ? `none: ${d.reason}` : d.action);
  const cand = [{ type: 'large', pricePerHour: 0.2 }];

  it('simulationOrder: most CPU, then most memory, then the older at 1 s resolution, then as given', () => {
    const a = pod('pending', podResources([{ cpuMillis: 500 }]), 0);
    const b = pod('candidate', podResources([{ cpuMillis: 500, memoryBytes: GIB }]), 9);
    const c = pod('deleting', podResources([{ cpuMillis: 2000 }]), 5);
    const d = pod('candidate', podResources([{ cpuMillis: 500 }]), 0.9);
    const e = pod('candidate', podResources([{ cpuMillis: 500 }]), 1.2);
    expect(simulationOrder([e, d, a, b, c])).toEqual([c, b, d, a, e]);
  });
  it.each([
    { name: 'a pending pod that needs a new node: a deletion becomes a replacement only if that node is cheaper (large $0.2 is not)', pods: [pod('candidate'), pod('pending', podResources([{ cpuMillis: 3000 }]))], others: [withPods('o', 1)], launching: [], want: 'none: no cheaper node type holds its pods' },
    { name: 'a pending pod that needs a new medium ($0.1 < $0.2): replace, though the candidate\'s pod fits elsewhere', pods: [pod('candidate'), pod('pending')], others: [withPods('o', 2)], launching: [], want: 'replace medium' },
    { name: 'a pending pod that fits no node type is left out: delete', pods: [pod('candidate'), pod('pending', huge)], others: [withPods('o', 1)], launching: [], want: 'delete' },
    { name: 'a pod of a deleting node that fits no node type: none', pods: [pod('candidate'), pod('deleting', huge)], others: [withPods('o', 1)], launching: [], want: 'none: a pod fits no node type' },
    { name: 'pending and deleting pods may go onto a node launching: delete', pods: [pod('candidate'), pod('pending'), pod('deleting')], others: [withPods('o', 2)], launching: [templateNode('l', standard)], want: 'delete' },
    { name: 'an older pending pod takes the room first: the candidate\'s pod would need the launching node', pods: [pod('candidate', knativePod, 5), pod('pending', knativePod, 1)], others: [withPods('o', 2)], launching: [templateNode('l', standard)], want: 'none: a pod would go onto a node still launching' },
    { name: 'a larger pod of a deleting node takes the room first: the candidate\'s pod needs a new node', pods: [pod('candidate'), pod('deleting', podResources([{ cpuMillis: 1500 }]))], others: [withPods('o', 2)], launching: [], want: 'replace medium' },
  ])('$name', ({ pods, others, launching, want }) => {
    expect(show(consolidationDecision(cand, pods, others, types, launching))).toBe(want);
  });
  // Results.Record nominates the existing nodes the simulation placed pods onto: indices over [...others, ...launching].
  const onto = (d: ReturnType<typeof consolidationDecision>) => (d.action === 'none' ? undefined : d.onto);
  it.each([
    { name: 'no pod to place: nothing nominated', pods: [], others: [withPods('o', 0)], launching: [], want: [] },
    { name: 'two candidate pods onto the first other that holds each, once per node', pods: [pod('candidate'), pod('candidate'), pod('candidate')], others: [withPods('a', 2), withPods('b', 1)], launching: [], want: [0, 1] },
    { name: 'a pending pod onto a launching node: its index follows the others', pods: [pod('candidate'), pod('pending')], others: [withPods('o', 2)], launching: [templateNode('l', standard)], want: [0, 1] },
    { name: 'a replacement: the other that took a pod, not the new node', pods: [pod('candidate'), pod('pending')], others: [withPods('o', 2)], launching: [], want: [0] },
    { name: 'no decision: nothing to nominate', pods: [pod('candidate', huge)], others: [withPods('o', 0)], launching: [], want: undefined },
  ])('destinations: $name', ({ pods, others, launching, want }) => {
    expect(onto(consolidationDecision(cand, pods, others, types, launching))).toEqual(want);
  });
  it('a node still within consolidateAfter takes pending pods and pods of deleting nodes, not a candidate\'s', () => {
    const settling = new Set(['o']);
    expect(show(consolidationDecision(cand, [pod('pending'), pod('deleting')], [withPods('o', 1)], types, [], settling))).toBe('delete');
    expect(show(consolidationDecision(cand, [pod('candidate')], [withPods('o', 1)], types, [], settling))).toBe('replace medium');
  });
});

describe('drainedNodeDeletionAt (actuation/drain.go waitPodsToDisappear: a look at once, then every 5 s)', () => {
  it.each([
    [620, 620, 620],
    [620, 650, 650],
    [620, 652, 655],
    [620, 620.1, 625],
    [0.1 + 0.2, 5.3, 5.3],
  ])('evicted at %s, last pod gone at %s: deleted at %s', (evicted, gone, want) => {
    expect(drainedNodeDeletionAt(evicted, gone)).toBeCloseTo(want, 9);
  });
  it('a pod gone before the evictions is bad input', () => {
    expect(() => drainedNodeDeletionAt(620, 619)).toThrow(/lastPodGoneAt - evictedAt/);
  });
});

describe('lastPodEventAfter (nodeclaim/podevents: lastPodEventTime written at most once per 10 s)', () => {
  it.each([
    [Number.NaN, 3, 3],
    [20, 29.99, 20],
    [20, 30, 30],
    [20, 45, 45],
  ])('written %s, event at %s: %s', (recorded, now, want) => {
    expect(lastPodEventAfter(recorded, now)).toBe(want);
  });
});

describe('packProvisioningBatch (provisioning/scheduling/scheduler.go Solve, add; queue.go)', () => {
  const four: NodeTemplate = { allocatable: { cpuMillis: 4000, memoryBytes: 16 * GIB }, maxPods: 110, daemonSetRequests: { cpuMillis: 0, memoryBytes: 0 }, daemonSetPods: 0 };
  const three: NodeTemplate = { ...four, allocatable: { cpuMillis: 3000, memoryBytes: 16 * GIB } };
  const cpu = (m: number) => podResources([{ cpuMillis: m }]);
  const pods = (...m: number[]) => m.map((c, i) => ({ resources: cpu(c), createdAt: i }));
  const holdsIn = (...t: NodeTemplate[]) => (reqs: readonly ReturnType<typeof cpu>[]) => cheapestFitting(t.map((template, i) => ({ name: `t${i}`, template, pricePerHour: 1 })), reqs) !== undefined;

  it('largest first: 1400, 1400, 2500, 2500 m (in creation order) onto 4000 m nodes take two nodes, one of each size on each; in the given order they took three', () => {
    expect(packProvisioningBatch(pods(1400, 1400, 2500, 2500), [], holdsIn(four))).toEqual({ onto: [-1, -1, -1, -1], newNodes: [[2, 0], [3, 1]] });
  });
  it('each pod onto the new node holding the fewest pods that can take it: 2500, 2500, 500, 500 m end 2500 + 500 on each (first fit would put both 500 m on the first)', () => {
    expect(packProvisioningBatch(pods(500, 500, 2500, 2500), [], holdsIn(three, four)).newNodes).toEqual([[2, 0], [3, 1]]);
  });
  it('existing nodes first, in the order given (the caller lists initialized nodes first): the first with room takes the pod', () => {
    const full = bindPod(templateNode('full', four), cpu(3500));
    const roomy = templateNode('roomy', four);
    expect(packProvisioningBatch(pods(1000, 3000, 400), [full, roomy], holdsIn(four))).toEqual({ onto: [1, 1, 0], newNodes: [] });
  });
  it('a pod no type holds is left out; one that needs a node of its own opens one', () => {
    expect(packProvisioningBatch(pods(5000, 3500, 3500), [], holdsIn(four))).toEqual({ onto: [-1, -1, -1], newNodes: [[1], [2]] });
  });
});

describe('queueCheckAt (disruption/queue.go: a command is looked at when it starts, then every queueBaseDelay)', () => {
  it.each([
    [17, 17, 17],
    [17, 77, 77],
    [17, 77.5, 78],
    [17, 17.000001, 18],
    [0.25, 3, 3.25],
  ])('started at %f, now %f: %f', (start, now, want) => {
    expect(queueCheckAt(start, now, 1)).toBeCloseTo(want, 9);
  });
  it('refuses a time before the command', () => {
    expect(() => queueCheckAt(17, 16, 1)).toThrow(/now - startedAt/);
  });
});

describe('unneededNodesLimit (planner.go: N = max-scale-down-parallelism)', () => {
  it.each([
    // First loop: the interval is still the unneeded time, so N × 1 + N.
    { prev: 0, n: 10, u: 600, i: 600, want: 20 },
    // Later loops: the unneeded nodes so far + 2N, up to N × (600 / 10) + N = 610.
    { prev: 20, n: 10, u: 600, i: 10, want: 40 },
    { prev: 700, n: 10, u: 600, i: 10, want: 610 },
    { prev: 2, n: 1, u: 600, i: 10, want: 4 },
    // An unneeded time of 0 counts as one loop interval: 2N.
    { prev: 5, n: 3, u: 0, i: 10, want: 6 },
  ])('$prev unneeded, N $n, unneeded time $u s, interval $i s: $want', ({ prev, n, u, i, want }) => {
    expect(unneededNodesLimit(prev, n, u, i)).toBe(want);
  });
  it('removableNodes stops simulating once the limit is found', () => {
    const empty = (name: string): NodeView => templateNode(name, standard);
    const nodes = [empty('a'), empty('b'), empty('c')];
    expect(removableNodes(nodes, [[], [], []], () => true, 2)).toEqual([0, 1]);
    expect(removableNodes(nodes, [[], [], []], () => true)).toEqual([0, 1, 2]);
  });
});

describe('allPodsAreNew (static_autoscaler.go: unschedulablePodTimeBuffer 2 s)', () => {
  it.each([
    { created: [0], now: 1, want: true },
    { created: [0], now: 2, want: false },
    { created: [0, 9.5], now: 10, want: false },
    { created: [9, 9.5], now: 10, want: true },
    { created: [], now: 10, want: false },
  ])('pods created at $created, loop at $now: $want', ({ created, now, want }) => {
    expect(allPodsAreNew(created, now, CA)).toBe(want);
  });
});

describe('driftDecision (Karpenter drift.go: replace a drifted node by as many new nodes as its pods need, price aside)', () => {
  const pod = (kind: SimulatedPod['kind'], resources = knativePod, createdAt = 0): SimulatedPod => ({ resources, kind, createdAt });
  const withPods = (name: string, n: number): NodeView => {
    let v = templateNode(name, standard);
    for (let i = 0; i < n; i++) v = bindPod(v, knativePod);
    return v;
  };
  // One instance type, the standard 4-CPU node: three Knative pods (1025m) each.
  const holds = (pods: readonly (typeof knativePod)[]) => cheapestFitting([{ name: 'std', pricePerHour: 0.2, template: standard }], pods) !== undefined;
  const huge = podResources([{ cpuMillis: 9000 }]);
  const show = (d: ReturnType<typeof driftDecision>) => (d.action === 'none' ? `none: ${d.reason}` : `new nodes ${JSON.stringify(d.newNodes)}`);
  it.each([
    { name: 'an empty node: no new node', pods: [], others: [], launching: [], want: 'new nodes []' },
    { name: '3 pods onto a node with room for 2: one new node for the third', pods: [pod('candidate'), pod('candidate'), pod('candidate')], others: [withPods('o', 1)], launching: [], want: 'new nodes [[2]]' },
    { name: '3 pods, no other node: one new node holds them all (unlike consolidation, no cheaper type is needed)', pods: [pod('candidate'), pod('candidate'), pod('candidate')], others: [], launching: [], want: 'new nodes [[0,1,2]]' },
    { name: '4 pods, no other node: two new nodes, the second opened when the first is full (consolidation would refuse)', pods: Array.from({ length: 4 }, () => pod('candidate')), others: [], launching: [], want: 'new nodes [[0,1,2],[3]]' },
    { name: 'a candidate pod that fits only a launching node: none', pods: [pod('candidate')], others: [withPods('o', 3)], launching: [templateNode('l', standard)], want: 'none: a pod would go onto a node still launching' },
    { name: 'a pod of a deleting node may go onto a launching node', pods: [pod('deleting')], others: [withPods('o', 3)], launching: [templateNode('l', standard)], want: 'new nodes []' },
    { name: 'a candidate pod no node type holds: none', pods: [pod('candidate', huge)], others: [], launching: [], want: 'none: a pod fits no node type' },
    { name: 'a pod of a deleting node no node type holds: none', pods: [pod('candidate'), pod('deleting', huge)], others: [withPods('o', 0)], launching: [], want: 'none: a pod fits no node type' },
    { name: 'a pending pod no node type holds is left out', pods: [pod('candidate'), pod('pending', huge)], others: [withPods('o', 0)], launching: [], want: 'new nodes []' },
    { name: 'pending pods count: they take the room first when older, so the candidate\'s pod needs a new node', pods: [pod('candidate', knativePod, 5), pod('pending', knativePod, 1)], others: [withPods('o', 2)], launching: [], want: 'new nodes [[0]]' },
  ])('$name', ({ pods, others, launching, want }) => {
    expect(show(driftDecision(pods, others, launching, holds))).toBe(want);
  });
  it.each([
    { name: 'an empty node: nothing nominated', pods: [], others: [withPods('o', 0)], launching: [], want: [] },
    { name: '3 pods onto two others with room for 2 and 1', pods: [pod('candidate'), pod('candidate'), pod('candidate')], others: [withPods('a', 1), withPods('b', 2)], launching: [], want: [0, 1] },
    { name: 'a deleting pod onto the launching node, the candidate\'s onto the other', pods: [pod('candidate'), pod('deleting')], others: [withPods('o', 2)], launching: [templateNode('l', standard)], want: [0, 1] },
    { name: 'pods onto a new node only: nothing nominated', pods: [pod('candidate'), pod('candidate')], others: [withPods('o', 3)], launching: [], want: [] },
  ])('destinations: $name', ({ pods, others, launching, want }) => {
    const d = driftDecision(pods, others, launching, holds);
    expect(d.action === 'replace' ? d.onto : d.reason).toEqual(want);
  });
});

/** A 4-CPU, 16 GiB, 110-pod node. */
const CAP = { cpuMillis: 4000, memoryBytes: 16 * 2 ** 30, pods: 110 };

describe('limitAllowsLaunch, node limit (NodePool limits: scheduler.go remainingResources over the state nodes given, provisioner.go Create, Limits.ExceededBy)', () => {
  it.each([
    { name: 'below the limit', room: { stateNodes: 2, candidates: 0, opened: 0, capacity: CAP, limits: { nodes: 3 } }, want: true },
    { name: 'exactly at the limit, no candidate: no room', room: { stateNodes: 3, candidates: 0, opened: 0, capacity: CAP, limits: { nodes: 3 } }, want: false },
    { name: 'exactly at the limit, one of them the candidate: its room is free, and usage 3 of 3 does not exceed the limit', room: { stateNodes: 3, candidates: 1, opened: 0, capacity: CAP, limits: { nodes: 3 } }, want: true },
    { name: '…but not a second new node in the same simulation', room: { stateNodes: 3, candidates: 1, opened: 1, capacity: CAP, limits: { nodes: 3 } }, want: false },
    { name: 'a pass from no state node: its third NodeClaim fits a limit of 3', room: { stateNodes: 0, candidates: 0, opened: 2, capacity: CAP, limits: { nodes: 3 } }, want: true },
    { name: '…its fourth does not', room: { stateNodes: 0, candidates: 0, opened: 3, capacity: CAP, limits: { nodes: 3 } }, want: false },
    { name: 'one state node and two opened: the fourth of a limit of 3 does not', room: { stateNodes: 1, candidates: 0, opened: 2, capacity: CAP, limits: { nodes: 3 } }, want: false },
    { name: 'usage over the limit (a replacement launched, its candidate untainted): Create refuses, whatever two candidates free', room: { stateNodes: 4, candidates: 2, opened: 0, capacity: CAP, limits: { nodes: 3 } }, want: false },
    { name: 'a limit of 0: nothing', room: { stateNodes: 0, candidates: 0, opened: 0, capacity: CAP, limits: { nodes: 0 } }, want: false },
  ])('$name', ({ room, want }) => {
    expect(limitAllowsLaunch(room)).toBe(want);
  });
});

describe('node nomination (Karpenter state/statenode.go Nominate, Nominated; scheduler.go Results.Record)', () => {
  it.each([
    { batchMaxSeconds: 10, want: 20 },
    { batchMaxSeconds: 3, want: 10 },
    { batchMaxSeconds: 5, want: 10 },
    { batchMaxSeconds: 30, want: 60 },
    { batchMaxSeconds: 0, want: 10 },
  ])('the window is max(2 × BATCH_MAX_DURATION, 10 s): $batchMaxSeconds s → $want s', ({ batchMaxSeconds, want }) => {
    expect(nominationWindowSeconds({ batchMaxSeconds })).toBe(want);
  });
  it('the default configuration nominates for 20 s', () => {
    expect(nominationWindowSeconds(DEFAULT_KARPENTER_CONFIG)).toBe(20);
  });
  it.each([
    { until: undefined, now: 0, want: false },
    { until: 120, now: 100, want: true },
    { until: 120, now: 119.999, want: true },
    { until: 120, now: 120, want: false },
    { until: 120, now: 130, want: false },
  ])('nominated until $until, at $now: $want', ({ until, now, want }) => {
    expect(isNominated(until, now)).toBe(want);
  });
  it.each([
    { onto: [], want: [] },
    { onto: [-1, -1], want: [] },
    { onto: [2, 0, 2, -1, 1, 0], want: [0, 1, 2] },
    { onto: [3], want: [3] },
  ])('the nodes of placements $onto: $want', ({ onto, want }) => {
    expect(nominatedNodes(onto)).toEqual(want);
  });
});
