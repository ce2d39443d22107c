/**
 * Upstream's revision watcher probes every address not yet healthy in one round and sends the
 * throttlers the round's healthy set in one update (pkg/activator/net/revision_backends.go
 * checkDests, probePodIPs; throttler.go handleUpdate then reassigns and dispatches once). Pods
 * found at one instant (a scale-up whose pods start alike) therefore reach every activator
 * together: no throttler dispatches its waiting requests to a partial set of them.
 */
import { describe, expect, it } from 'vitest';
import { assignSlice, compareTrackerDests, trackerDest } from '../../src/core/autoscaler/activators.js';
import { formatIPv4 } from '../../src/core/capacity/pod-ips.js';
import type { Pod } from '../../src/model/pod.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, constant, revision, service, world } from './world-fixture.js';

/** Three 30 s requests at 1, 1.01 and 1.02 s: the ingress sends one to each of the three activators. */
const trace: ClientSpec = {
  kind: 'trace',
  name: 'load',
  service: 'hello',
  arrivals: Float64Array.from([1, 1.01, 1.02]),
  durations: Float64Array.from([30, 30, 30]),
  startSeconds: 0,
  endSeconds: 60,
};

const dest = (p: Pod): string => trackerDest(formatIPv4(p.ip));

describe('pods found at one instant reach the throttlers in one update', () => {
  it('containerConcurrency 1, three activators, two pods found together: each activator sends to its own slice', () => {
    // From zero: the first request's poke asks for 2 pods (1 / 0.7), created together and found together at 3.001 s.
    const spec = world([service('hello', [revision({ cc: 1, initialPods: 0, serviceTime: constant(30) })])], [trace], { duration: 3.5, activators: 3 });
    const w = new World(spec, new MemoryRecorder());
    w.run();
    const rev = w.services.get('hello')!.revisions[0]!;
    const healthy = rev.activatorHealthyPods.toArray();
    expect(healthy).toHaveLength(2);
    const sorted = [...healthy].sort((a, b) => compareTrackerDests(dest(a), dest(b)));
    // 2 trackers, 3 activators: activator i takes tracker i mod 2 (throttler.go pickIndices).
    const subset = rev.activatorSubset;
    expect(subset).toHaveLength(3);
    subset.forEach((a, i) => {
      const t = a.existingThrottler(rev)!;
      expect(t.assigned.map((x) => x.pod)).toEqual(assignSlice(sorted, i, 3));
      // Its one request went to its own pod, not to the pod found first.
      expect(t.proxied).toBe(1);
      expect(t.assigned[0]!.inFlight).toBe(1);
    });
    // So the first pod in address order holds two requests and the other one: not three and none.
    expect(sorted.map((p) => p.inFlight)).toEqual([2, 1]);
  });
});
