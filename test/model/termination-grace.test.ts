/**
 * A terminating pod drains for the queue-proxy's 30 s quiet period, but the kubelet kills it at
 * its terminationGracePeriodSeconds, which Knative sets to the revision's timeoutSeconds
 * (deploy.go BuildPodSpec), at least 2 s (the kubelet's minimumGracePeriodInSeconds). Before,
 * every pod drained 30 s whatever its revision's timeout.
 */
import { describe, expect, it } from 'vitest';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { run } from './world-fixture.js';

function goneAfterTerminating(timeoutSeconds: number | undefined): number {
  const scenario = {
    name: 'grace',
    duration: '300s',
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'g' },
          spec: { template: { spec: { containers: [{ image: 'app' }], ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) } } },
        },
        initialPods: 1,
        app: { serviceTime: '100ms' },
      },
    ],
    clients: [{ name: 'one', service: 'g', end: '1s', open: { process: 'uniform', rps: 1 } }],
  };
  const { rec } = run(scenarioFromValue(scenario, 'grace.yaml').world);
  const at = (e: string) => rec.pods.find((p) => p.event === e)?.time;
  const terminating = at('Terminating');
  const gone = at('Gone');
  expect(terminating).toBeDefined();
  expect(gone).toBeDefined();
  return gone! - terminating!;
}

describe('a terminating pod goes at the end of its drain, or at its grace period when shorter', () => {
  it.each([
    { timeout: undefined, drains: 30, why: 'the default 300 s timeout: the 30 s quiet period ends first' },
    { timeout: 45, drains: 30, why: 'a 45 s timeout: the quiet period ends first' },
    { timeout: 10, drains: 10, why: 'a 10 s timeout: killed at 10 s' },
    { timeout: 1, drains: 2, why: 'a 1 s timeout: the kubelet grants at least 2 s' },
  ])('$why', ({ timeout, drains }) => {
    expect(goneAfterTerminating(timeout)).toBeCloseTo(drains, 9);
  });
});
