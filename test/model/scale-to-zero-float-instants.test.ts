/**
 * A revision that goes Active at t and idle gets its scale-to-zero requeue for t + the stable
 * window. On a float clock, (t + 60) − t can be 59.99999999999999: the reconciler then asked
 * for the remaining 7e-15 s, which the clock cannot add at 74 s, so the requeue ran at the same
 * instant again and again until the engine's no-progress guard stopped the run. This is one of
 * the bench's 1000 services at 0.01 requests/s, whose PA went Active at 14.381488997640284 s.
 */
import { describe, expect, it } from 'vitest';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

describe('scale to zero at a float instant the clock cannot step by the remainder', () => {
  it('goes Inactive at the end of the stable window and runs on', () => {
    const scenario = {
      name: 'float-instants',
      seed: 1,
      duration: '300s',
      services: [
        {
          manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'svc-0803' }, spec: { template: { spec: { containerConcurrency: 10, containers: [{ image: 'app' }] } } } },
          initialPods: 1,
          app: { serviceTime: '100ms' },
        },
      ],
      clients: [{ name: 'svc-0803-load', service: 'svc-0803', open: { process: 'poisson', rps: 0.01 } }],
    };
    const { world, rec } = run(scenarioFromValue(scenario, 'float-instants.yaml').world);
    expect(world.sim.now).toBe(300);
    expect(rec.requests.map((r) => r.status)).toEqual([200]);
    // The pod that ran before the run goes at 2.33 s (its PA, Active for a day, goes Inactive at
    // the first valid tick and its SKS has long been in Proxy), so the request at 14.38 s starts a
    // pod and the PA goes Active when it is Ready at 16.44 s, a time the scaler reads back as
    // stored, 16 s: it requeues for 76 s, when the decider still wants the pod, and the decider's
    // tick at 78.33 s, wanting none, finds it Active a whole stable window and deactivates it. The
    // reconcile that status write enqueues finds the SKS long in Proxy and takes the Deployment to
    // zero at once (the 3 s requeue for an SKS already in Proxy then finds nothing to do).
    expect(rec.requests[0]!.arrival).toBeCloseTo(14.380489, 6);
    const rev = world.services.get('svc-0803')!.revisions[0]!;
    expect(rev.autoscaler.pa.active).toBe('Inactive');
    const inactiveAt = rev.autoscaler.pa.lastTransitionSeconds;
    expect(inactiveAt).toBeCloseTo(78.328104, 6);
    expect(rec.decisions.some((d) => d.time === inactiveAt)).toBe(true);
    const ready = rec.pods.filter((p) => p.event === 'Ready').map((p) => p.time);
    expect(ready[1]).toBeCloseTo(16.443039, 6);
    expect(rec.pods.map((p) => [p.event, p.time]).filter(([e]) => e !== 'Ready' && e !== 'Starting' && e !== 'ActivatorHealthy')).toEqual([
      ['Pending', 0],
      ['Terminating', inactiveAt - 76],
      ['Pending', rec.requests[0]!.arrival + 0.001],
      ['Gone', inactiveAt - 76 + 30],
      ['Terminating', inactiveAt],
      ['Gone', inactiveAt + 30],
    ]);
    expect(rev.replicas).toBe(0);
  });
});
