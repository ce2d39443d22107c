/**
 * A new pod's first Ready follows the serving container's readiness probe when it is not Knative's
 * default: the kubelet probes the queue-proxy with the user's initialDelaySeconds, periodSeconds and
 * successThreshold (resources/queue.go, kubelet prober/worker.go), while the activator's own probe,
 * answered by the queue-proxy's check of the user container, ignores initialDelaySeconds.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe, type ReadinessProbeFields } from '../../src/core/traffic/index.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

// A revision scaled to zero gets one request at 0.1 s; it waits at the activator, whose poke makes the KPA
// create a pod at 0.101: scheduled at 0.601 (its probe ticker starts then: 0.601 + k · period), containers up
// at 1.601, the app passing readiness at 2.101, Ready a 0.5 s kubelet lag later by default. The activator's
// revision watcher ticks from the revision's creation (0 + k · 0.2): its round at 1.8 is the first to reach
// the queue-proxy, whose check then retries every 50 ms (1.8 + k · 0.05), so it finds the app at 2.15.
const one: ClientSpec = { kind: 'trace', name: 'load', service: 'hello', arrivals: Float64Array.from([0.1]), durations: Float64Array.from([1]), startSeconds: 0, endSeconds: 40 };
// A fault after the run: the pod starts step by step (pod-faults.ts) rather than on the healthy path.
const late: PodFaultSpec = { kind: 'readinessFailure', atSeconds: 1000, durationSeconds: 1, pods: 1 };

function coldStart(probe: ReadinessProbeFields | undefined, o: { stepwise: boolean; probeOptimisation?: boolean }) {
  const rev: RevisionSpec = {
    ...revision({}),
    ...(probe !== undefined ? { kubeletReadinessProbe: podReadinessProbe(probe) } : {}),
    ...(o.stepwise ? { faults: [late] } : {}),
    ...(o.probeOptimisation === false ? { enableProbeOptimisation: false } : {}),
  };
  const { rec } = run(world([service('hello', [rev])], [one], { duration: 40 }));
  const events = rec.pods.map((p) => [p.event, Number(p.time.toFixed(6))]);
  const req = rec.requests[0]!;
  return { events, sentToPod: Number(req.activatorOut.toFixed(6)) };
}

describe.each([{ stepwise: false }, { stepwise: true }])('a new pod with a readiness probe (stepwise start: $stepwise)', ({ stepwise }) => {
  it('default probe: Ready a kubelet lag after readiness passes; the activator finds the pod at the check\'s next 50 ms step', () => {
    expect(coldStart(undefined, { stepwise })).toEqual({
      events: [['Pending', 0.101], ['Starting', 0.601], ['ActivatorHealthy', 2.15], ['Ready', 2.601]],
      sentToPod: 2.15,
    });
  });

  it('initialDelaySeconds 10: no kubelet probe before 11.601, so Ready at the tick at 20.601; the activator ignores the delay', () => {
    expect(coldStart({ initialDelaySeconds: 10 }, { stepwise })).toEqual({
      events: [['Pending', 0.101], ['Starting', 0.601], ['ActivatorHealthy', 2.15], ['Ready', 20.601]],
      sentToPod: 2.15,
    });
  });

  it('initialDelaySeconds 10 with an exec probe (no probe shortcut): the request waits for Ready at 20.601', () => {
    expect(coldStart({ initialDelaySeconds: 10 }, { stepwise, probeOptimisation: false })).toEqual({
      events: [['Pending', 0.101], ['Starting', 0.601], ['Ready', 20.601], ['ActivatorHealthy', 20.601]],
      sentToPod: 20.601,
    });
  });

  it('periodSeconds 10: the probe at the container start (1.601) fails, Ready at the tick at 10.601; the activator finds the pod on its 0.2 s ticks (2.2), not at the 50 ms retries', () => {
    expect(coldStart({ periodSeconds: 10 }, { stepwise })).toEqual({
      events: [['Pending', 0.101], ['Starting', 0.601], ['ActivatorHealthy', 2.2], ['Ready', 10.601]],
      sentToPod: 2.2,
    });
  });

  it('successThreshold 2: the probe at the container start passes at 2.101, the second pass is the tick at 10.601', () => {
    expect(coldStart({ successThreshold: 2 }, { stepwise })).toEqual({
      events: [['Pending', 0.101], ['Starting', 0.601], ['ActivatorHealthy', 2.15], ['Ready', 10.601]],
      sentToPod: 2.15,
    });
  });
});

describe('a readiness failure over the start-up still leaves the initial delay in force', () => {
  it('initialDelaySeconds 10, every pod failing readiness until 5 s: Ready at the first tick after 11.601 (20.601), not at 10.601', () => {
    const rev: RevisionSpec = {
      ...revision({}),
      kubeletReadinessProbe: podReadinessProbe({ initialDelaySeconds: 10 }),
      faults: [{ kind: 'readinessFailure', atSeconds: 0, durationSeconds: 5, pods: undefined }],
    };
    const { rec } = run(world([service('hello', [rev])], [one], { duration: 40 }));
    // The activator finds it at the first 50 ms step, from its round at 1.8, of the queue-proxy's check as the failure ends (5).
    expect(rec.pods.map((p) => [p.event, Number(p.time.toFixed(6))])).toEqual([
      ['Pending', 0.101],
      ['Starting', 0.601],
      ['ActivatorHealthy', 5],
      ['Ready', 20.601],
    ]);
  });
});
