/**
 * The throttler's revision breaker (pkg/activator/net/throttler.go): with containerConcurrency
 * > 0 an activator proxies at most CC × its assigned pods at once, counting every request it
 * has proxied and not yet seen answered, including those on a pod that has since left its
 * trackers (a terminating pod still draining them). A pod tracker with a free slot is not
 * enough while that count is at the capacity.
 */
import { describe, expect, it } from 'vitest';
import { Pod } from '../../src/model/pod.js';
import type { Request } from '../../src/model/request.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, service, world } from './world-fixture.js';

/** Requests A (10 s), B (10 s) and C (1 s), sent 0.1 s apart from t = 1. */
const trace: ClientSpec = {
  kind: 'trace',
  name: 'load',
  service: 'hello',
  arrivals: Float64Array.from([1, 1.1, 1.2]),
  durations: Float64Array.from([10, 10, 1]),
  startSeconds: 0,
  endSeconds: 60,
};

function simulate(cc: number, evictAt: number | undefined) {
  // One activator always in the path, two pods kept by min-scale and max-scale.
  const annotations = { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' };
  const spec = world([service('hello', [revision({ cc, initialPods: 2, annotations })])], [trace], { duration: 60, activators: 1 });
  const rec = new MemoryRecorder();
  const w = new World(spec, rec);
  if (evictAt !== undefined) {
    w.sim.at(evictAt, () => {
      // The pod holding request A leaves (evicted: it terminates and drains A); the ReplicaSet replaces it.
      const rev = w.services.get('hello')!.revisions[0]!;
      const pod = rev.activatorHealthyPods.toArray()[0]!;
      rev.evict(pod, w.sim.now);
    }, undefined);
  }
  w.run();
  const byArrival = (t: number): Request => rec.requests.find((r) => Math.abs(r.arrival - t) < 1e-9)!;
  return { A: byArrival(1), B: byArrival(1.1), C: byArrival(1.2) };
}

describe('the activator revision breaker counts requests still in flight on a pod that left', () => {
  it.each([
    // CC 1, two pods: C waits for a slot. Nothing leaves: it goes when A ends (11 s + the 1 ms ingress hop).
    ['no pod leaves', 1, undefined, 11.001],
    // The pod holding A leaves at 2 s and its replacement is usable at about 4 s, but the activator
    // still has A and B in flight against a capacity of 2 (CC × 2 trackers): C waits for A's end.
    ['the pod holding A is evicted at 2 s', 1, 2, 11.001],
    // CC 0: the infinite breaker only knows "some pod" or "none", so C goes at once either way.
    ['unlimited, the pod holding A is evicted at 2 s', 0, 2, 1.201],
  ] as const)('%s (CC %i)', (_name, cc, evictAt, dispatchedAt) => {
    const { A, B, C } = simulate(cc, evictAt);
    expect(A.status).toBe(200);
    expect(B.status).toBe(200);
    expect(C.status).toBe(200);
    expect(C.activatorOut).toBeCloseTo(dispatchedAt, 9);
    expect(C.end).toBeCloseTo(dispatchedAt + 1, 9);
    expect(C.pod).toBeInstanceOf(Pod);
  });
});
