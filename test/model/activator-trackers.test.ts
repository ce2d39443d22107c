import { describe, expect, it } from 'vitest';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import type { ClientSpec } from '../../src/model/spec.js';
import { MemoryRecorder, fastPodStart, revision, service, world } from './world-fixture.js';

// Uneven image pulls, so pods pass their probes out of creation order.
const unevenStart = { ...fastPodStart, imagePull: { dist: 'uniform', min: 0, max: 8 } } satisfies typeof fastPodStart;

// Probe successes and terminations update each activator's pod trackers one pod at a time;
// at every point of a scale-up and scale-down they must match the revision's healthy pods.
const load = (peakRps: number): ClientSpec => ({
  kind: 'open',
  name: 'load',
  service: 'hello',
  process: 'poisson',
  rate: { shape: 'step', steps: [{ atSeconds: 0, rps: 20 }, { atSeconds: 30, rps: peakRps }, { atSeconds: 120, rps: 5 }] },
  startSeconds: 0,
  endSeconds: 600,
});

function check(w: World, rev: Revision, cc: number): { healthy: number; checked: number } {
  const healthy = rev.activatorHealthyPods;
  expect(healthy.map((p) => p.seq)).toEqual([...healthy.map((p) => p.seq)].sort((a, b) => a - b));
  let checked = 0;
  for (const a of w.activators) {
    const t = a.existingThrottler(rev);
    if (t === undefined) continue;
    checked++;
    const assigned = t.assigned.map((x) => x.pod);
    if (cc === 0 || t.activatorIndex === -1) {
      // Every healthy pod, in creation order, and nothing else.
      expect(assigned).toEqual(healthy);
    } else {
      // A slice of them, still in creation order.
      expect(assigned.every((p) => healthy.includes(p))).toBe(true);
      expect(assigned.map((p) => p.seq)).toEqual([...assigned.map((p) => p.seq)].sort((x, y) => x - y));
    }
    for (const x of t.assigned) expect(x.inFlight).toBeGreaterThanOrEqual(0);
  }
  return { healthy: healthy.length, checked };
}

describe.each([0, 10])('activator pod trackers follow the healthy pods (containerConcurrency %i)', (cc) => {
  it('through a scale-up to many pods and back down', () => {
    const spec = world([service('hello', [revision({ initialPods: 1, cc, podStart: unevenStart, annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1' } })])], [load(cc === 0 ? 3000 : 400)], { duration: 600 });
    const w = new World(spec, new MemoryRecorder());
    const sizes: number[] = [];
    for (let t = 10; t <= 600; t += 10) {
      w.sim.run(t);
      const rev = w.services.get('hello')!.revisions[0]!; // created by the first event
      const { healthy, checked } = check(w, rev, cc);
      expect(checked).toBeGreaterThan(0);
      sizes.push(healthy);
    }
    // 400 rps × 100 ms = 40 in flight at 7 per pod (CC 10), 300 in flight at 100 per pod (CC 0)…
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(cc === 0 ? 3 : 5);
    // …and after the load drops, the scale-down removes trackers again.
    expect(sizes.at(-1)!).toBeLessThan(Math.max(...sizes));
  });
});
