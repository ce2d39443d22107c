/**
 * The activator's round-robin policy (pkg/activator/net/lb_policy.go newRoundRobinPolicy,
 * containerConcurrency > 3) keeps its next index until it is next asked for a pod: only then
 * does it start again from 0 if the list has shrunk below it. A tracker list that shrinks and
 * grows back between two requests leaves the index where it was.
 */
import { describe, expect, it } from 'vitest';
import type { Request } from '../../src/model/request.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, service, world } from './world-fixture.js';

/** Four 30 s requests at 1, 1.1, 1.2 and 3 s. */
const trace: ClientSpec = {
  kind: 'trace',
  name: 'load',
  service: 'hello',
  arrivals: Float64Array.from([1, 1.1, 1.2, 3]),
  durations: Float64Array.from([30, 30, 30, 30]),
  startSeconds: 0,
  endSeconds: 60,
};

describe('round robin over the activator pod trackers (containerConcurrency 4)', () => {
  it('a tracker that leaves and comes back between requests does not reset the next index', () => {
    // One activator always in the path, four pods kept by min-scale and max-scale.
    const annotations = { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '4', 'autoscaling.knative.dev/max-scale': '4' };
    const spec = world([service('hello', [revision({ cc: 4, initialPods: 4, annotations })])], [trace], { duration: 60, activators: 1 });
    const rec = new MemoryRecorder();
    const w = new World(spec, rec);
    const rev = () => w.services.get('hello')!.revisions[0]!;
    w.sim.at(2, () => {
      // After three picks (trackers 0, 1, 2) the next index is 3. Tracker 3 drops out (3 trackers
      // left) and is back before the next request.
      const t = w.activators[0]!.existingThrottler(rev())!;
      const last = t.assigned[3]!.pod;
      t.podUnhealthy(last, w.sim.now);
      expect(t.assignedCount).toBe(3);
      t.podHealthy(last, w.sim.now);
      expect(t.assignedCount).toBe(4);
    }, undefined);
    w.run();
    const t = w.activators[0]!.existingThrottler(rev())!;
    const order = t.assigned.map((x) => x.pod);
    const at = (s: number): Request => rec.requests.find((r) => Math.abs(r.arrival - s) < 1e-9)!;
    expect([1, 1.1, 1.2].map((s) => order.indexOf(at(s).pod!))).toEqual([0, 1, 2]);
    // Upstream's index is still 3: the fourth request goes to tracker 3, not back to tracker 0.
    expect(order.indexOf(at(3).pod!)).toBe(3);
  });
});
