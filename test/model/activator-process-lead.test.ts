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
