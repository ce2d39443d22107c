import { describe, expect, it } from 'vitest';
import {
  disruptionBudgetStatus,
  evictionVerdict,
  karpenterFullyBlocks,
  karpenterMayEvict,
  RemainingDisruptions,
  selectorMatches,
  type DisruptionBudgetSpec,
} from '../../../src/core/capacity/index.js';

const spec = (s: Partial<DisruptionBudgetSpec>): DisruptionBudgetSpec => ({ unhealthyPodEvictionPolicy: 'IfHealthyBudget', ...s });

describe('disruptionBudgetStatus: the disruption controller\'s expected pods, desired healthy and disruptions allowed', () => {
  it.each([
    // maxUnavailable counts against the Deployments' replicas (8), not the 9 pods a replacement makes.
    { name: 'maxUnavailable 1 of 8, all healthy', s: spec({ maxUnavailable: { count: 1 } }), pods: 8, healthy: 8, scale: 8, want: { expectedPods: 8, desiredHealthy: 7, disruptionsAllowed: 1 } },
    { name: 'maxUnavailable 1, one evicted and its replacement starting', s: spec({ maxUnavailable: { count: 1 } }), pods: 9, healthy: 7, scale: 8, want: { expectedPods: 8, desiredHealthy: 7, disruptionsAllowed: 0 } },
    // 25 % of 7 is 1.75: rounded up to 2 unavailable.
    { name: 'maxUnavailable 25% rounds up', s: spec({ maxUnavailable: { percent: 25 } }), pods: 7, healthy: 7, scale: 7, want: { expectedPods: 7, desiredHealthy: 5, disruptionsAllowed: 2 } },
    { name: 'maxUnavailable above the scale desires none', s: spec({ maxUnavailable: { count: 10 } }), pods: 3, healthy: 3, scale: 3, want: { expectedPods: 3, desiredHealthy: 0, disruptionsAllowed: 3 } },
    // A count minAvailable expects the matching pods themselves.
    { name: 'minAvailable 2 of 3 pods', s: spec({ minAvailable: { count: 2 } }), pods: 3, healthy: 3, scale: 5, want: { expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 } },
    // 80 % of 3 is 2.4: rounded up to 3, so a 3-pod revision can never be disrupted (knative/operator#1701).
    { name: 'minAvailable 80% of 3 rounds up', s: spec({ minAvailable: { percent: 80 } }), pods: 3, healthy: 3, scale: 3, want: { expectedPods: 3, desiredHealthy: 3, disruptionsAllowed: 0 } },
    { name: 'minAvailable 80% of 5', s: spec({ minAvailable: { percent: 80 } }), pods: 5, healthy: 5, scale: 5, want: { expectedPods: 5, desiredHealthy: 4, disruptionsAllowed: 1 } },
    // Neither field: no pod is expected, so nothing may be disrupted.
    { name: 'neither field', s: spec({}), pods: 4, healthy: 4, scale: 4, want: { expectedPods: 0, desiredHealthy: 0, disruptionsAllowed: 0 } },
    { name: 'scaled to zero', s: spec({ maxUnavailable: { count: 1 } }), pods: 0, healthy: 0, scale: 0, want: { expectedPods: 0, desiredHealthy: 0, disruptionsAllowed: 0 } },
  ])('$name', ({ s, pods, healthy, scale, want }) => {
    expect(disruptionBudgetStatus(s, { pods, healthy, controllersScale: scale })).toEqual({ ...want, currentHealthy: healthy });
  });
  it('refuses counts that cannot be', () => {
    expect(() => disruptionBudgetStatus(spec({ maxUnavailable: { count: 1 } }), { pods: 2, healthy: 3, controllersScale: 2 })).toThrow(/healthy/);
    expect(() => disruptionBudgetStatus(spec({ maxUnavailable: { count: 1 } }), { pods: -1, healthy: 0, controllersScale: 2 })).toThrow(/pods/);
    expect(() => disruptionBudgetStatus(spec({ maxUnavailable: { count: 1 } }), { pods: 1, healthy: 0, controllersScale: 0.5 })).toThrow(/controllersScale/);
  });
});

describe('evictionVerdict: the Eviction API on one pod', () => {
  const st = (desiredHealthy: number, currentHealthy: number) => ({ expectedPods: 8, desiredHealthy, currentHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) });
  const ready = { deleting: false, pending: false, ready: true };
  const unready = { deleting: false, pending: false, ready: false };
  it.each([
    { name: 'no budget', pod: ready, budget: undefined, want: 'evict' },
    { name: 'a Ready pod with a disruption left uses it', pod: ready, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 8) }, want: 'disrupt' },
    { name: 'a Ready pod with none left: 429', pod: ready, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 7) }, want: 'refuse' },
    // canIgnorePDB: terminating or Pending pods go whatever the budget says.
    { name: 'a terminating pod', pod: { ...ready, deleting: true }, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 7) }, want: 'evict' },
    { name: 'a Pending pod', pod: { deleting: false, pending: true, ready: false }, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 7) }, want: 'evict' },
    // IfHealthyBudget: an unready pod goes free while the budget is met...
    { name: 'unready, budget met', pod: unready, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 7) }, want: 'evict' },
    // ...and otherwise needs a disruption like a Ready one.
    { name: 'unready, budget not met', pod: unready, budget: { spec: spec({ maxUnavailable: { count: 1 } }), status: st(7, 6) }, want: 'refuse' },
    // With nothing desired, the "budget met" path is closed: a disruption is needed.
    { name: 'unready, nothing desired, none allowed', pod: unready, budget: { spec: spec({}), status: { expectedPods: 0, desiredHealthy: 0, currentHealthy: 3, disruptionsAllowed: 0 } }, want: 'refuse' },
    { name: 'unready under AlwaysAllow', pod: unready, budget: { spec: spec({ maxUnavailable: { count: 1 }, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), status: st(7, 6) }, want: 'evict' },
  ] as const)('$name', ({ pod, budget, want }) => {
    expect(evictionVerdict(pod, budget)).toBe(want);
  });
});

describe('RemainingDisruptions: the Cluster Autoscaler\'s budget tracker over one loop', () => {
  it('blocks a node once a budget among its pods has none left, and takes each removable node\'s pods off', () => {
    const t = new RemainingDisruptions([1, 0]);
    // Budget 1 has none: a node with one of its pods is not drainable (NotEnoughPdb).
    expect(t.canRemovePods([undefined, 1])).toBe(false);
    // Three pods of budget 0 with one disruption left: not blocked (only risky upstream).
    expect(t.canRemovePods([0, 0, 0])).toBe(true);
    t.removePods([0, 0, 0]);
    // The next node of the loop sees budget 0 below zero.
    expect(t.canRemovePods([0])).toBe(false);
    expect(t.canRemovePods([undefined])).toBe(true);
  });
  it('refuses a budget index it does not hold and a negative allowance', () => {
    expect(() => new RemainingDisruptions([1]).canRemovePods([2])).toThrow(/budget/);
    expect(() => new RemainingDisruptions([-1])).toThrow(/disruptionsAllowed/);
  });
});

describe('karpenterMayEvict: whether a pod keeps Karpenter from disrupting its node', () => {
  const status = (allowed: number) => ({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 2 + allowed, disruptionsAllowed: allowed });
  it.each([
    { name: 'a disruption left', s: spec({ maxUnavailable: { count: 1 } }), allowed: 1, ready: true, want: true },
    { name: 'none left', s: spec({ maxUnavailable: { count: 1 } }), allowed: 0, ready: true, want: false },
    // Karpenter does not apply IfHealthyBudget's free eviction of unready pods.
    { name: 'unready under IfHealthyBudget, none left', s: spec({ maxUnavailable: { count: 1 } }), allowed: 0, ready: false, want: false },
    { name: 'unready under AlwaysAllow', s: spec({ maxUnavailable: { count: 1 }, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), allowed: 0, ready: false, want: true },
  ])('$name', ({ s, allowed, ready, want }) => {
    expect(karpenterMayEvict(s, status(allowed), ready)).toBe(want);
  });
});

describe('karpenterFullyBlocks: a budget under which Karpenter provisions nothing for a pod (pdb.go isFullyBlocking)', () => {
  it.each([
    { name: 'maxUnavailable 0', s: spec({ maxUnavailable: { count: 0 } }), ready: true, want: true },
    { name: 'maxUnavailable "0%"', s: spec({ maxUnavailable: { percent: 0 } }), ready: true, want: true },
    { name: 'minAvailable "100%"', s: spec({ minAvailable: { percent: 100 } }), ready: true, want: true },
    // Blocking at this scale, not by its spec: the pod may go once the revision scales.
    { name: 'minAvailable 3 (a count, even of 3 pods)', s: spec({ minAvailable: { count: 3 } }), ready: true, want: false },
    { name: 'minAvailable "99%"', s: spec({ minAvailable: { percent: 99 } }), ready: true, want: false },
    { name: 'maxUnavailable 1', s: spec({ maxUnavailable: { count: 1 } }), ready: true, want: false },
    { name: 'maxUnavailable 0, unready under IfHealthyBudget', s: spec({ maxUnavailable: { count: 0 } }), ready: false, want: true },
    { name: 'maxUnavailable 0, unready under AlwaysAllow', s: spec({ maxUnavailable: { count: 0 }, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), ready: false, want: false },
  ])('$name', ({ s, ready, want }) => {
    expect(karpenterFullyBlocks(s, ready)).toBe(want);
  });
});

describe('selectorMatches: matchLabels and matchExpressions, ANDed', () => {
  const pod = { 'serving.knative.dev/service': 'api', app: 'api-00001', tier: 'web' };
  it.each([
    { name: 'empty selector matches all', sel: {}, want: true },
    { name: 'matchLabels', sel: { matchLabels: { 'serving.knative.dev/service': 'api' } }, want: true },
    { name: 'matchLabels, other value', sel: { matchLabels: { 'serving.knative.dev/service': 'web' } }, want: false },
    { name: 'matchLabels, missing key', sel: { matchLabels: { team: 'a' } }, want: false },
    { name: 'In', sel: { matchExpressions: [{ key: 'tier', operator: 'In' as const, values: ['web', 'db'] }] }, want: true },
    { name: 'NotIn on a missing key', sel: { matchExpressions: [{ key: 'team', operator: 'NotIn' as const, values: ['a'] }] }, want: true },
    { name: 'NotIn', sel: { matchExpressions: [{ key: 'tier', operator: 'NotIn' as const, values: ['web'] }] }, want: false },
    { name: 'Exists', sel: { matchExpressions: [{ key: 'app', operator: 'Exists' as const }] }, want: true },
    { name: 'DoesNotExist', sel: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' as const }] }, want: false },
    { name: 'both, one failing', sel: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'app', operator: 'In' as const, values: ['x'] }] }, want: false },
  ])('$name', ({ sel, want }) => {
    expect(selectorMatches(sel, pod)).toBe(want);
  });
});
