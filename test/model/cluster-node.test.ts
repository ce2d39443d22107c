/**
 * A node's Karpenter pod-event clock (NodeClaim status.lastPodEventTime, nodeclaim/podevents):
 * pods bound, starting to terminate and gone, each written only when the last written is 10 s old.
 */
import { describe, expect, it } from 'vitest';
import { podResources } from '../../src/core/capacity/index.js';
import { ClusterNode } from '../../src/model/cluster-node.js';
import type { Pod } from '../../src/model/pod.js';
import type { Revision } from '../../src/model/revision.js';
import type { NodePoolSpec } from '../../src/model/spec.js';

const pool = {
  name: 'std',
  cpuMillis: 4000,
  memoryBytes: 16 * 1024 ** 3,
  maxPods: 110,
  pricePerHour: 0.2,
  minNodes: 0,
  maxNodes: 5,
  initialNodes: 0,
  startupLatency: { dist: 'constant', value: 60 },
  daemonSet: { cpuMillis: 0, memoryBytes: 0, pods: 0 },
} as unknown as NodePoolSpec;
const req = podResources([{ cpuMillis: 1000 }]);
/** What the node reads of a pod: when it began terminating (NaN: it has not). */
const pod = (): Pod => ({ terminatingAt: Number.NaN, res: undefined }) as unknown as Pod;

describe('ClusterNode.lastPodEventTime (nodeclaim/podevents dedupeTimeout 10 s)', () => {
  it('no pod event yet: NaN (Karpenter then counts from the node\'s initialization)', () => {
    expect(new ClusterNode('std-001', pool, 0).lastPodEventTime(50)).toBeNaN();
  });
  it('binds at 20, 25, 29.9 and 30 s: written at 20 and 30 (25 and 29.9 are under 10 s after 20)', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const seen: number[] = [];
    for (const t of [20, 25, 29.9, 30]) {
      n.bind(pod(), req, t);
      seen.push(n.lastPodEventTime(t));
    }
    expect(seen).toEqual([20, 20, 20, 30]);
  });
  it('a pod starting to terminate at 40 s counts from then, though the node hears of it only when it is gone (70 s); a bind at 45 in between is not written', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const p = pod();
    n.bind(p, req, 20);
    p.terminatingAt = 40;
    expect(n.lastPodEventTime(39)).toBe(20);
    expect(n.lastPodEventTime(41)).toBe(40);
    n.bind(pod(), req, 45);
    expect(n.lastPodEventTime(45)).toBe(40);
    n.unbind(p, req, 70);
    expect(n.lastPodEventTime(70)).toBe(70);
  });
  it('a termination first heard of at a later bind is taken in before it: terminating at 31, bind at 35 (20 written before): 31, and 35 is not written', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const p = pod();
    n.bind(p, req, 20);
    p.terminatingAt = 31;
    n.bind(pod(), req, 35);
    expect(n.lastPodEventTime(35)).toBe(31);
  });
  it('gone 5 s after it began terminating: the end is not written (40, not 45)', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const p = pod();
    n.bind(p, req, 20);
    p.terminatingAt = 40;
    n.unbind(p, req, 45);
    expect(n.lastPodEventTime(60)).toBe(40);
  });
});

describe('ClusterNode.matchingPods (what PodTopologySpread counts for a revision)', () => {
  const rev = (name: string) => ({ name }) as unknown as Revision;
  const revPod = (r: Revision): Pod => ({ terminatingAt: Number.NaN, res: undefined, revision: r }) as unknown as Pod;
  it("counts a revision's pods as they bind; a terminating pod stops counting at once, and its going later changes nothing", () => {
    const n = new ClusterNode('std-001', pool, 0);
    const a = rev('a-00001');
    const b = rev('b-00001');
    const [p1, p2, q] = [revPod(a), revPod(a), revPod(b)];
    n.bind(p1, req, 1);
    n.bind(p2, req, 2);
    n.bind(q, req, 3);
    expect([n.matchingPods(a), n.matchingPods(b)]).toEqual([2, 1]);
    p1.terminatingAt = 10;
    n.podTerminating(p1);
    expect(n.matchingPods(a)).toBe(1);
    n.unbind(p1, req, 40);
    expect(n.matchingPods(a)).toBe(1);
    // A pod that goes without terminating first (never here) still counted until then.
    n.unbind(q, req, 50);
    expect(n.matchingPods(b)).toBe(0);
  });
  it('a pod terminating that was never bound here changes nothing', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const a = rev('a-00001');
    n.bind(revPod(a), req, 1);
    n.podTerminating(revPod(a));
    expect(n.matchingPods(a)).toBe(1);
  });
});

describe("ClusterNode.podsToMoveForCA (drainability: only a long-terminating pod is skipped)", () => {
  // A Knative pod's grace period is its revision's timeoutSeconds; the API server sets its
  // deletionTimestamp that long after the delete, and CA skips it from deletionTimestamp + grace + 30 s.
  const knativePod = (timeoutSeconds: number, terminatingAt: number, isOk: boolean): Pod =>
    ({ terminatingAt, isOk, res: undefined, revision: { spec: { timeoutSeconds } } }) as unknown as Pod;
  it('a live pod and a pod terminating since 100 s (timeout 300 s) are to move until 730 s; at 730.5 s only the live one', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const live = knativePod(300, Number.NaN, true);
    const draining = knativePod(300, 100, false);
    n.bind(live, req, 0);
    n.bind(draining, req, 0);
    expect(n.podsToMoveForCA(130)).toEqual([live, draining]);
    expect(n.podsToMoveForCA(730)).toEqual([live, draining]);
    expect(n.podsToMoveForCA(730.5)).toEqual([live]);
    // The drain's own view (Karpenter, the eviction) leaves every terminating pod out.
    expect(n.movablePods()).toEqual([live]);
  });
});

describe('ClusterNode.boundPods (what InterPodAffinity counts for a revision with Knative\'s anti-affinity)', () => {
  const rev = (name: string) => ({ name }) as unknown as Revision;
  const revPod = (r: Revision): Pod => ({ terminatingAt: Number.NaN, res: undefined, revision: r }) as unknown as Pod;
  it('counts a revision\'s pods while bound, terminating ones included, until they are gone', () => {
    const n = new ClusterNode('std-001', pool, 0);
    const a = rev('a-00001');
    const [p1, p2] = [revPod(a), revPod(a)];
    n.bind(p1, req, 1);
    n.bind(p2, req, 2);
    p1.terminatingAt = 10;
    n.podTerminating(p1);
    expect([n.matchingPods(a), n.boundPods(a)]).toEqual([1, 2]);
    n.unbind(p1, req, 40);
    expect(n.boundPods(a)).toBe(1);
    n.unbind(p1, req, 41); // gone already: no change
    expect(n.boundPods(a)).toBe(1);
    expect(n.boundPods(rev('b-00001'))).toBe(0);
  });
});
