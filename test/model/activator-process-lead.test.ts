/**
 * A new activator pod's process runs a little before its pod is Ready (activator-rollout.ts's
 * startActivatorProcess): what it watches in that lead, and what is left of it once a pod
 * deleted then has exited.
 */
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

describe('a revision created while a new activator is not yet Ready', () => {
  // One activator, deleted at 3 s; its replacement (activator-1) is Ready at 8 s and its process
  // started at 8 s − 0.5005 × 5 s = 5.4973 s (the draw of its stream, seed 1). `api`'s template
  // changes at `revAt`: api-00002's two pods get their addresses at once, their queue-proxies
  // listen and their apps pass 2.02 s later, Kubernetes' Ready 1 s after that.
  const template = (image: string) => ({ metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '2' } }, spec: { containerConcurrency: 10, containers: [{ image }] } });
  const scenario = (revAt: number) =>
    scenarioFromValue(
      {
        name: 'lead',
        seed: 1,
        duration: '12s',
        cluster: { activators: 1 },
        services: [
          {
            manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'api' }, spec: { template: template('app') } },
            initialPods: 1,
            podStart: { scheduling: '0s', imagePull: '2.02s', containerStart: '0s', readiness: '0s', kubeletReadyLag: '1s' },
            app: { serviceTime: '10ms' },
            updates: [{ at: `${revAt}s`, template: template('app:2') }],
          },
        ],
        clients: [{ name: 'load', service: 'api', open: { process: 'uniform', rps: 100 } }],
        updates: [{ at: '3s', deleteActivator: { activator: 0, startup: '5s' } }],
      },
      'lead.yaml',
    ).world;
  const processStart = 8 - 0.5005378189962357 * 5;

  it.each([
    // Created before the process started: the process lists it as it starts and makes a watcher of
    // its own, ticking from 5.4973 s; its tick at 7.0973 s is the first after 7.02 s, before the
    // revision's watcher's at 7.2 s (ticking from 5 s). Two views hold the pods: its own and the one
    // activator-0 (draining until 48 s) shares.
    { revAt: 5, ownFind: processStart + 8 * 0.2, sharedFind: 7.2, views: 2 },
    { revAt: 5.4, ownFind: processStart + 10 * 0.2, sharedFind: 7.6, views: 2 },
    // Created after: its informer sees the revision as the others' do, and it makes its watcher
    // then, ticking from the revision's creation as theirs: the revision's watcher stands for it too.
    { revAt: 5.6, ownFind: 7.8, sharedFind: 7.8, views: 1 },
    { revAt: 6, ownFind: 8.2, sharedFind: 8.2, views: 1 },
    // Created once it is Ready, the same.
    { revAt: 9, ownFind: 11.2, sharedFind: 11.2, views: 1 },
  ])('api-00002 created at $revAt s: activator-1 finds its pods at $ownFind s', ({ revAt, ownFind, sharedFind, views }) => {
    const w = new World(scenario(revAt), new MemoryRecorder());
    const seen = (t: number) => {
      w.sim.run(t);
      const rev = w.services.get('api')!.revisions[1]!;
      return { own: rev.healthyPodsFor(w.activators[1]!).length, shared: rev.activatorHealthyPods.length, views: rev.livePods.map((p) => p.activatorFinds) };
    };
    const eps = 1e-6;
    const times = [...new Set([ownFind - eps, ownFind + eps, sharedFind - eps, sharedFind + eps])].sort((x, y) => x - y);
    const at = new Map(times.map((t) => [t, seen(t)]));
    expect(w.activators[1]!.processStartedAt).toBeCloseTo(processStart, 12);
    expect(at.get(ownFind - eps)!.own).toBe(0);
    expect(at.get(ownFind + eps)!.own).toBe(2);
    expect(at.get(sharedFind - eps)!.shared).toBe(0);
    expect(at.get(sharedFind + eps)!.shared).toBe(2);
    expect(at.get(Math.max(ownFind, sharedFind) + eps)!.views).toEqual([views, views]);
  });
});

describe('an activator pod the HPA deletes after its process started, before it is Ready', () => {
  // One activator at 5 ms of CPU a request: 300 rps in 30-50 s make the HPA scale 1 → 4 at 45 s;
  // with nothing after 50 s it scales back to 1 at 375 s, once its 300 s downscale window has passed.
  // With `startup` 332 s the three new pods are Ready at 377 s, their processes started at
  // 377 s − lead (their streams' draws × 5 s): all three are deleted in between, Ready for none.
  const scenario = (startup: string, burst: number) =>
    scenarioFromValue(
      {
        name: 'pool',
        seed: 1,
        duration: '17m',
        cluster: { activators: 1, activatorCpu: { perRequest: '5ms', startup } },
        services: [
          {
            manifest: {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              metadata: { name: 'fast' },
              spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '3' } }, spec: { containers: [{ image: 'app' }] } } },
            },
            initialPods: 3,
            app: { serviceTime: '10ms' },
          },
        ],
        clients: [{ name: 'load', service: 'fast', open: { process: 'uniform', rate: { shape: 'step', steps: [{ at: '0s', rps: 50 }, { at: '30s', rps: burst }, { at: '50s', rps: 0 }] } } }],
      },
      'pool.yaml',
    ).world;
  /** Events run up to each instant. */
  const eventsAt = (w: World, times: number[]) =>
    times.map((t) => {
      w.sim.run(t);
      return w.sim.events;
    });

  it('its process watches the pods until it exits 45 s after the deletion, and nothing of it runs after that', () => {
    const w = new World(scenario('332s', 300), new MemoryRecorder());
    const finds = () => w.services.get('fast')!.revisions[0]!.livePods.map((p) => p.activatorFinds);
    w.sim.run(374.9);
    // 377 s less 2.503 s, 2.908 s and 2.333 s.
    const started = [374.4973109, 374.0922582, 374.6673925];
    expect(w.activators[0]!.processStartedAt).toBe(Number.NEGATIVE_INFINITY);
    started.forEach((t, i) => expect(w.activators[i + 1]!.processStartedAt).toBeCloseTo(t, 6));
    // Its own first round found the three Ready pods: each is held by the shared view and three own ones.
    expect(finds()).toEqual([4, 4, 4]);
    w.sim.run(419.9);
    expect(w.activatorPool!.scaleEvents.map((e) => [e.timeSeconds, e.from, e.to])).toEqual([[45, 1, 4], [375, 4, 1]]);
    expect(w.servingActivators.map((a) => a.name)).toEqual(['activator-0']);
    // Draining, its process still runs (upstream's sleeps 45 s on SIGTERM), and so do its watchers.
    expect(w.activators.map((a) => a.down)).toEqual([false, false, false, false]);
    expect(finds()).toEqual([4, 4, 4]);
    w.sim.run(420);
    expect(w.activators.map((a) => a.down)).toEqual([false, true, true, true]);
    expect(finds()).toEqual([1, 1, 1]);
    // From then on each stretch of the run has the events of a run whose HPA never scaled: its
    // watchers, its stats ticker and its grace-period timer (975 s) are gone. Before, the three
    // stats tickers ran on (30 events more in 420.5-430 s, 90 in 430-460 s) and each timer ran.
    const times = [420.5, 430, 460, 480, 970, 980];
    const count = eventsAt(w, times);
    const quiet = eventsAt(new World(scenario('332s', 50), new MemoryRecorder()), times);
    const stretches = (e: number[]) => e.slice(1).map((x, i) => x - e[i]!);
    expect(stretches(count)).toEqual(stretches(quiet));
    expect(stretches(quiet)).toEqual([34, 109, 74, 1779, 37]);
  });

  it('the same once they were Ready before the deletion (10 s startup): no event of theirs after they exit', () => {
    const times = [420.5, 430, 460, 480, 970, 980];
    const w = new World(scenario('10s', 300), new MemoryRecorder());
    const count = eventsAt(w, times);
    expect(w.activators.map((a) => a.down)).toEqual([false, true, true, true]);
    const quiet = eventsAt(new World(scenario('10s', 50), new MemoryRecorder()), times);
    const stretches = (e: number[]) => e.slice(1).map((x, i) => x - e[i]!);
    expect(stretches(count)).toEqual(stretches(quiet));
  });
});
