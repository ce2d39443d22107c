import { describe, expect, it } from 'vitest';
import { assignSlice, compareTrackerDests, trackerDest } from '../../src/core/autoscaler/activators.js';
import { formatIPv4 } from '../../src/core/capacity/pod-ips.js';
import type { Pod } from '../../src/model/pod.js';
import type { RevisionThrottler } from '../../src/model/activator.js';
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

/** The policy's pick over the tree equals the same policy run over the assigned trackers as an array. */
function pickMatchesArray(t: RevisionThrottler, cc: number): boolean {
  const a = t.assigned;
  const rr = t.rr;
  let want: unknown;
  let wantRr = rr;
  if (cc <= 3) {
    want = a.find((x) => x.inFlight < cc);
  } else {
    const from = rr >= a.length ? 0 : rr;
    for (let i = 0; i < a.length; i++) {
      const idx = (from + i) % a.length;
      if (a[idx]!.inFlight < cc) {
        want = a[idx];
        wantRr = idx + 1;
        break;
      }
    }
    if (want === undefined) wantRr = from;
  }
  const got = t.pick(t);
  const ok = got === want && t.rr === wantRr;
  t.rr = rr;
  return ok;
}

const dest = (p: Pod): string => trackerDest(formatIPv4(p.ip));
const byDest = (pods: readonly Pod[]): Pod[] => [...pods].sort((a, b) => compareTrackerDests(dest(a), dest(b)));

function check(w: World, rev: Revision, cc: number): { healthy: number; checked: number } {
  const healthy = rev.activatorHealthyPods.toArray();
  expect(healthy.map((p) => p.seq)).toEqual([...healthy.map((p) => p.seq)].sort((a, b) => a - b));
  let checked = 0;
  for (const a of w.activators) {
    const t = a.existingThrottler(rev);
    if (t === undefined) continue;
    checked++;
    const assigned = t.assigned.map((x) => x.pod);
    if (cc === 0 || t.activatorIndex === -1) {
      // Every healthy pod, in IP:8012 string order, and nothing else.
      expect(assigned).toEqual(byDest(healthy));
    } else {
      // This activator's slice of them in that order (core's assignSlice).
      expect(assigned).toEqual(assignSlice(byDest(healthy), t.activatorIndex, t.numActivators));
    }
    for (const x of t.assigned) expect(x.inFlight).toBeGreaterThanOrEqual(0);
    if (cc > 0) expect(pickMatchesArray(t, cc)).toBe(true);
  }
  return { healthy: healthy.length, checked };
}

describe.each([0, 1, 10])('activator pod trackers follow the healthy pods (containerConcurrency %i)', (cc) => {
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
