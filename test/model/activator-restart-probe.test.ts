/**
 * A restarted or new activator probes the revision's pods itself (activator-view.ts): its own
 * revision watcher, first round at its process's start, 200 ms ticker from then, and its
 * throttler routes only to the pods its own rounds found (revision_backends.go).
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder, run } from './world-fixture.js';

/**
 * One activator; `api` (CC 10, 10 ms requests, 100 rps evenly spaced from 0 s) runs one pod from
 * before the run and starts a second at 0 s (min-scale 2): its address at once, its queue-proxy
 * listening at `qpUp`, its app ready `readiness` later, Kubernetes' Ready `lag` after that.
 */
function scenario(updates: unknown[], o: { qpUp: number; readiness: number; lag: number }, activators = 1) {
  return scenarioFromValue(
    {
      name: 'restart-probe',
      seed: 1,
      duration: '8s',
      cluster: { activators },
      services: [
        {
          manifest: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'api' },
            spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '2' } }, spec: { containerConcurrency: 10, containers: [{ image: 'app' }] } } },
          },
          initialPods: 1,
          podStart: { scheduling: '0s', imagePull: `${o.qpUp}s`, containerStart: '0s', readiness: `${o.readiness}s`, kubeletReadyLag: `${o.lag}s` },
          app: { serviceTime: '10ms' },
        },
      ],
      clients: [{ name: 'load', service: 'api', open: { process: 'uniform', rps: 100 } }],
      updates,
    },
    'restart-probe.yaml',
  ).world;
}

describe('a restarted activator must find the pods itself before it routes to them', () => {
  // The second pod's queue-proxy listens from 2 s and its app is ready at 5 s: a probe of it in
  // 2-5 s waits out the round's 300 ms timeout, and the round hands on its finds only then.
  const starting = { qpUp: 2, readiness: 3, lag: 0 };
  const allReady = { qpUp: 2, readiness: 0, lag: 0 };
  it.each([
    // Crashed at 3 s, its container restarts at once: its first round, at 3 s, finds the ready pod
    // but holds it until the starting pod's probe times out at 3.3 s. Back at 3.1 s, it sends
    // nothing before 3.3 s: the 20 requests that came meanwhile wait (the first 199 ms), then 10
    // leave every 10 ms (the pod's 10 slots) while one comes in: 22 waited in all.
    { name: 'crash, 100 ms down, a pod starting', update: { at: '3s', crashActivator: { activator: 0, downtime: '100ms' } }, pods: starting, firstIn: 3.101, out: 3.3, waited: 22 },
    // Nothing holds its first round: it finds the ready pod at 3 s, and sends on at once from 3.1 s.
    { name: 'crash, 100 ms down, every pod ready', update: { at: '3s', crashActivator: { activator: 0, downtime: '100ms' } }, pods: allReady, firstIn: 3.101, out: 3.101, waited: 0 },
    // Down longer than its first round: it has found the ready pod when it is back at 4 s.
    { name: 'crash, 1 s down, a pod starting', update: { at: '3s', crashActivator: { activator: 0, downtime: '1s' } }, pods: starting, firstIn: 4.001, out: 4.001, waited: 0 },
    // A deleted activator's replacement, Ready sooner than its readiness probe's 5 s period: at the probe
    // the kubelet's status sync asks for, under its 1 s relist after the container (and the process)
    // started, never before its pod's creation (3 s): its process at 3.1 s − u × 0.1 s, u = 0.5005 its
    // stream's draw, so 3.04995 s. Its first round waits on the starting pod until 3.34995 s, and the
    // requests that came from 3.1 s wait for it: 25 came meanwhile (knsim took 3.1 s as its start
    // before, 3.4 s and 33), 27 waited in all.
    { name: 'deleted, replacement Ready 100 ms later, a pod starting', update: { at: '3s', deleteActivator: { activator: 0, startup: '100ms' } }, pods: starting, firstIn: 3.101, out: 3.349946218100376, waited: 27 },
    // Ready 1 s later, its process started at 3.4995 s (4 s − u × 1 s): its first round, held by the
    // starting pod, handed on the ready one at 3.7995 s, so the first request it takes, at 4.001 s,
    // leaves at once. Nothing waits (started at Ready, as knsim had it, 4.3 s and 33 waiting).
    { name: 'deleted, replacement Ready 1 s later, a pod starting', update: { at: '3s', deleteActivator: { activator: 0, startup: '1s' } }, pods: starting, firstIn: 4.001, out: 4.001, waited: 0 },
  ])('$name: the first request it takes leaves at $out s', ({ update, pods, firstIn, out, waited }) => {
    const { rec } = run(scenario([update], pods));
    const after = rec.requests.filter((r) => r.route === 'activator' && r.activatorIn > 3).sort((a, b) => a.activatorIn - b.activatorIn);
    expect(after[0]!.activatorIn).toBeCloseTo(firstIn, 9);
    expect(after[0]!.activatorOut).toBeCloseTo(out, 9);
    const waits = after.map((r) => r.activatorOut - r.activatorIn).filter((d) => d > 1e-9);
    expect(waits.length).toBe(waited);
    expect(Math.max(0, ...waits)).toBeCloseTo(out - firstIn, 9);
    expect(after.every((r) => r.status === 200)).toBe(true);
  });
});

describe('a restarted activator probes on its own ticker', () => {
  // The second pod's queue-proxy listens and its app passes at 4.02 s; Kubernetes marks it Ready
  // only at 5.02 s, so until then only the watchers' ticks find it: the revision's watcher (the
  // activators up since the revision, ticks at 0.2 s multiples) at 4.2 s, a restarted activator's
  // at the first tick of its own, crash-instant-anchored ticker at or after 4.02 s.
  it.each([
    { crashAt: undefined, ownFind: 4.2 },
    { crashAt: 3.05, ownFind: 4.05 },
    { crashAt: 3.15, ownFind: 4.15 },
    // Its tick at 4.01 s comes before the queue-proxy listens: the next, 4.21 s, after the revision's watcher's.
    { crashAt: 3.01, ownFind: 4.21 },
  ])('crashed at $crashAt s: its throttler gets the pod at $ownFind s, the others\u2019 view at 4.2 s', ({ crashAt, ownFind }) => {
    const updates = crashAt === undefined ? [] : [{ at: `${crashAt}s`, crashActivator: { activator: 0, downtime: '100ms' } }];
    const w = new World(scenario(updates, { qpUp: 4.02, readiness: 0, lag: 1 }), new MemoryRecorder());
    const seen = (t: number) => {
      w.sim.run(t);
      const rev = w.services.get('api')!.revisions[0]!;
      return { shared: rev.activatorHealthyPods.length, own: w.activators[0]!.existingThrottler(rev)!.assignedCount };
    };
    // The view each has just before and at each instant, taken in time order.
    const eps = 1e-6;
    const times = [...new Set([ownFind - eps, ownFind, 4.2 - eps, 4.2])].sort((x, y) => x - y);
    const at = new Map(times.map((t) => [t, seen(t)]));
    expect(at.get(ownFind - eps)!.own).toBe(1);
    expect(at.get(ownFind)!.own).toBe(2);
    expect(at.get(4.2 - eps)!.shared).toBe(1);
    expect(at.get(4.2)!.shared).toBe(2);
  });
});

describe('the queue-proxy\u2019s check is started only by probes a live activator sends', () => {
  // The second pod's queue-proxy listens at 4.02 s and its app passes at 4.33 s (Kubernetes' Ready
  // at 5.33 s). Activator 0 crashes at 3.01 s and restarts at once: its ticks are 4.01 s (before the
  // queue-proxy listens) and 4.21 s. The revision's watcher ticks at 4.2 s.
  it.each([
    // Alone, the revision's watcher stands for no running process: its 4.2 s probe is never sent, the
    // restarted activator's at 4.21 s starts the check, which steps 50 ms from there: 4.36 s.
    { activators: 1, ownFind: 4.36 },
    // Activator 1, up all along, probes at 4.2 s and starts the check: the restarted one's probe waits on it, 4.35 s.
    { activators: 2, ownFind: 4.35 },
  ])('$activators activators: the restarted one finds the pod at $ownFind s', ({ activators, ownFind }) => {
    const updates = [{ at: '3.01s', crashActivator: { activator: 0, downtime: '100ms' } }];
    const w = new World(scenario(updates, { qpUp: 4.02, readiness: 0.31, lag: 1 }, activators), new MemoryRecorder());
    // The pods its own watcher found (its throttler's, before they are sliced between the activators).
    const healthy = (t: number) => {
      w.sim.run(t);
      return w.services.get('api')!.revisions[0]!.healthyPodsFor(w.activators[0]!).length;
    };
    // (The step's float sum may fall a hair either side of it.)
    expect(healthy(ownFind - 1e-6)).toBe(1);
    expect(healthy(ownFind + 1e-6)).toBe(2);
  });
});
