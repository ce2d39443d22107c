import { describe, expect, it } from 'vitest';
import { podReadinessProbe, type ReadinessProbeFields } from '../../src/core/traffic/index.js';
import type { PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { revision, run, service, world } from './world-fixture.js';

// One pod, pinned, created at 0 s and scheduled at 0.5 s: the kubelet's probe worker starts then, so its
// ticker fires at 0.5 s + k · period. Readiness fails from 30 s until `until`.
const pinned = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

function podEvents(probe: ReadinessProbeFields | undefined, until: number): Array<[string, number]> {
  const fault: PodFaultSpec = { kind: 'readinessFailure', atSeconds: 30, durationSeconds: until - 30, pods: 1 };
  const rev: RevisionSpec = {
    ...revision({ initialPods: undefined, annotations: pinned }),
    faults: [fault],
    ...(probe !== undefined ? { kubeletReadinessProbe: podReadinessProbe(probe) } : {}),
  };
  const { rec } = run(world([service('hello', [rev])], [], { duration: 120 }));
  return rec.pods.filter((p) => p.time > 20).map((p) => [p.event, Number(p.time.toFixed(6))]);
}

describe('readiness failure: NotReady and Ready again follow the kubelet readiness probe', () => {
  it('the pod is scheduled at 0.5 s (its probe ticker starts then) and Ready at 2.5 s', () => {
    const { rec } = run(world([service('hello', [{ ...revision({ initialPods: undefined, annotations: pinned }), faults: [{ kind: 'readinessFailure', atSeconds: 30, durationSeconds: 1, pods: 1 }] }])], [], { duration: 5 }));
    expect(rec.pods.map((p) => [p.event, p.time])).toEqual([
      ['Pending', 0],
      ['Starting', 0.5],
      ['ActivatorHealthy', 2],
      ['Ready', 2.5],
    ]);
  });

  it.each([
    {
      // Knative's default probe: every 10 s, 3 failures. Probes at 30.5, 40.5 and 50.5 fail, the last one once its
      // 1 s timeout ends (the queue-proxy holds it while it retries the container). Readiness passes at 80.82, while
      // the probe from 80.5 still waits: it passes at the queue-proxy's 50 ms step, 80.85. The activator, probing
      // since 51.5 through the same 50 ms check, finds the pod then too.
      name: 'default probe, passing while a probe waits',
      probe: undefined,
      until: 80.82,
      want: [['NotReady', 51.5], ['ActivatorHealthy', 80.85], ['Ready', 80.85]],
    },
    {
      // Passing at 85, after the probe from 80.5 timed out: Ready at the next probe, 90.5.
      name: 'default probe, passing between probes',
      probe: undefined,
      until: 85,
      want: [['NotReady', 51.5], ['ActivatorHealthy', 85], ['Ready', 90.5]],
    },
    {
      // A 15 s failure: only the probes at 30.5 and 40.5 fail, so the pod is never NotReady.
      name: 'default probe, shorter than three failures',
      probe: undefined,
      until: 45,
      want: [],
    },
    {
      // Every 2 s, NotReady at the first failure (30.5); passing at 41, Ready at the next probe, 42.5. With a period
      // the queue-proxy checks the container once per activator probe: the activator's watcher, ticking every 0.2 s
      // from the revision's creation at 0, finds it at its tick at 41 (a grid from the NotReady at 30.5 would say 41.1).
      name: 'periodSeconds 2, failureThreshold 1',
      probe: { periodSeconds: 2, failureThreshold: 1 },
      until: 41,
      want: [['NotReady', 30.5], ['ActivatorHealthy', 41], ['Ready', 42.5]],
    },
    {
      // Two failures (30.5, 32.5) and two successes (42.5, 44.5); the activator's tick at 41 finds it.
      name: 'periodSeconds 2, failureThreshold 2, successThreshold 2',
      probe: { periodSeconds: 2, failureThreshold: 2, successThreshold: 2 },
      until: 41,
      want: [['NotReady', 32.5], ['ActivatorHealthy', 41], ['Ready', 44.5]],
    },
  ])('$name', ({ probe, until, want }) => {
    expect(podEvents(probe, until)).toEqual(want);
  });
});

describe("the manifest's readiness probe reaches the revision", () => {
  const load = (readinessProbe: unknown) =>
    scenarioFromValue(
      {
        name: 't',
        duration: '10s',
        services: [
          {
            manifest: {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              metadata: { name: 'hello' },
              spec: { template: { spec: { containers: [{ image: 'app', ...(readinessProbe !== undefined ? { readinessProbe } : {}) }] } } },
            },
          },
        ],
        clients: [{ name: 'load', service: 'hello', open: { process: 'uniform', rate: { shape: 'constant', rps: 1 } } }],
      },
      's.yaml',
    ).world.services[0]!.revisions[0]!.kubeletReadinessProbe;

  it.each([
    // Knative's default (no period): left out, the model's default.
    { probe: undefined, want: undefined },
    { probe: { httpGet: { path: '/ready' } }, want: undefined },
    { probe: { periodSeconds: 2, failureThreshold: 1 }, want: { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 1, successThreshold: 1, aggressive: false } },
    { probe: { httpGet: { port: 8080 }, initialDelaySeconds: 10 }, want: { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1, aggressive: true } },
    { probe: { tcpSocket: {}, successThreshold: 2 }, want: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 2, aggressive: true } },
  ])('$probe → $want', ({ probe, want }) => {
    expect(load(probe)).toEqual(want);
  });
});
