/**
 * A revision running before the run (initialPods) has had its SKS, in Proxy mode with the
 * activator in the path, as long as its PA has been Active: a day. Its ActivatorEndpointsPopulated
 * condition keeps that transition time, so once the PA goes Inactive the scaler's fast path
 * (grace period − ProxyFor ≤ 0) takes the Deployment to zero at the next reconcile: the one its
 * own status write (Inactive) enqueues at once. Dating the
 * condition t = 0 instead made the scaler wait out the whole 30 s grace period from the start.
 */
import { describe, expect, it } from 'vitest';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

describe('an idle revision given initialPods', () => {
  it('reaches zero the instant its PA goes Inactive, its activator endpoints populated long before the run', () => {
    const scenario = {
      name: 'idle-initial',
      seed: 1,
      duration: '60s',
      services: [
        {
          manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'idle' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } },
          initialPods: 1,
          app: { serviceTime: '100ms' },
        },
      ],
      clients: [{ name: 'none', service: 'idle', open: { process: 'poisson', rps: 0 } }],
    };
    const { world, rec } = run(scenarioFromValue(scenario, 'idle-initial.yaml').world);
    const rev = world.services.get('idle')!.revisions[0]!;
    // The decider's first valid tick (2.45 s) wants 0; the PA, Active for a day, goes Inactive (and,
    // the SKS being in Proxy already, requeues in 3 s). That status write enqueues the PA again:
    // Inactive, the activator in the path for a day, the grace period has long run. Zero then.
    expect(rev.autoscaler.pa.active).toBe('Inactive');
    const inactiveAt = rev.autoscaler.pa.lastTransitionSeconds;
    expect(inactiveAt).toBeCloseTo(2.445892, 6);
    expect(rec.pods.map((p) => [p.event, p.time])).toEqual([
      ['Pending', 0],
      ['Ready', 0],
      ['Terminating', inactiveAt],
      ['Gone', inactiveAt + 30],
    ]);
    expect(rev.replicas).toBe(0);
  });
});
