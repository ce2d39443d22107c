/**
 * A restarted activator's watcher trusts nothing another activator found (activator-view.ts):
 * upstream each process's revision watcher probes every address itself as it starts
 * (revision_backends.go), so a pod the others keep as healthy while its check fails is not
 * taken by it, and requests it sends go to the pods its own probes found.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY, STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec, WorldSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, revision, run, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;
const POD1 = 'hello-00001-deployment-0001';

/**
 * activator-unready-crash.test.ts's revision (two pods, CC 10, round robin, one activator, every
 * request through it): pod 1's container exits at 44 s after the activator found it at 43.6 s,
 * before Kubernetes' Ready, so the revision's watcher keeps it healthy through its 20 s back-off
 * (restarted at 64 s, its app answering at 65.5 s). The activator crashes at `crashAt` for 1 s.
 */
function spec(crashAt: number | undefined): WorldSpec {
  const faults: PodFaultSpec[] = [{ kind: 'crash', atSeconds: 30, pods: 1, count: 3, uptimeSeconds: 1 }];
  const rev: RevisionSpec = {
    ...revision({
      cc: 10,
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target-burst-capacity': '-1' },
    }),
    faults,
    kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 3 }),
  };
  const w = world([service('hello', [rev])], [uniform(10, 0, 80)], { duration: 100, activators: 1 });
  return crashAt === undefined ? w : { ...w, activatorCrashes: [{ atSeconds: crashAt, activator: 0, downtimeSeconds: 1 }] };
}

describe('a restarted activator does not take a pod the others found whose check now fails', () => {
  it.each([
    // No crash: the 215 requests sent at 44.0 … 65.4 s alternate between the pods; pod 1's 107 get 502 at once.
    { crashAt: undefined, bad: 107, toPod1: 107, firstBack: 51.101 },
    // Crashed at 50 s, back at 51 s: its first round (at 50 s) probes pod 1, whose queue-proxy's check
    // fails (its container is down), so it is not found; until the app answers at 65.5 s it finds it
    // on no tick, and every request it takes from 51 s goes to pod 2. Only 44.0 … 49.9 s reach pod 1: 30.
    // Its ticker runs from 50 s: the tick at 65.6 s finds pod 1, and round robin sends it the 65.701 s request.
    { crashAt: 50, bad: 30, toPod1: 30, firstBack: 65.701 },
  ])('crash at $crashAt s: $bad requests get 502 from pod 1 before its app answers', ({ crashAt, bad, toPod1, firstBack }) => {
    const { rec } = run(spec(crashAt));
    const outage = rec.requests.filter((r) => r.pod?.name === POD1 && r.podIn > 44 && r.podIn < 65.5);
    expect(outage.length).toBe(toPod1);
    expect(outage.filter((r) => r.status === STATUS_BAD_GATEWAY).length).toBe(bad);
    expect(rec.requests.find((r) => r.pod?.name === POD1 && r.podIn >= 51)!.podIn).toBeCloseTo(firstBack, 9);
    // Once its app answers, pod 1 serves again.
    const back = rec.requests.filter((r) => r.pod?.name === POD1 && r.podIn >= 65.5 && r.podIn < 80);
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((r) => r.status === STATUS_OK)).toBe(true);
  });
});

describe('activator_healthy counts the pods a running activator process found', () => {
  // The same run, the activator crashed at 50 s: the revision's shared view stands for no running
  // process from then (it still holds pod 1), the restarted process's own holds pod 2 from its first
  // round and pod 1 from its 65.6 s tick.
  it.each([
    { crashAt: undefined, counts: [2, 2, 2, 2], rows: [] },
    // Before the crash both pods; after it only pod 2 until the restarted process finds pod 1 (a row then).
    { crashAt: 50, counts: [2, 1, 1, 2], rows: [65.6] },
  ])('crash at $crashAt s: $counts at 49.9, 50.5, 65.5 and 65.7 s', ({ crashAt, counts, rows }) => {
    const rec = new MemoryRecorder();
    const w = new World(spec(crashAt), rec);
    const rev = () => w.services.get('hello')!.revisions[0]!;
    const seen = [49.9, 50.5, 65.5, 65.7].map((t) => {
      w.sim.run(t);
      return rev().activatorHealthyCount;
    });
    expect(seen).toEqual(counts);
    w.sim.run(70);
    const found = rec.pods.filter((p) => p.pod.name === POD1 && p.event === 'ActivatorHealthy' && p.time > 44).map((p) => Number(p.time.toFixed(6)));
    expect(found).toEqual(rows);
  });
});
