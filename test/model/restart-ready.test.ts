/**
 * A pod whose user container the kubelet restarted: Kubernetes marks it Ready as soon as the
 * container runs (the container has no readiness probe of its own: Knative gave it to the
 * queue-proxy), unless the queue-proxy's copy of the probe failed failureThreshold times in a
 * row first; then at that probe's first pass after the app answers.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe, startupProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY, STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { revision, run, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;
const POD1 = 'hello-00001-deployment-0001';
const round = (t: number): number => Number(t.toFixed(6));

/**
 * Two pods pinned at 2, created at 0 and scheduled at 0.5 s (their probe tickers fire at 0.5 + 3k s),
 * target-burst-capacity 0 so the ingress sends straight to Ready pods (Serve). The readiness probe
 * runs every 3 s and needs 3 failures. Pod 1's container exits at 30 s and again 2 s after its restart.
 */
function crashing(extra: Partial<RevisionSpec> = {}, count = 2, duration = 80, uptimeSeconds = 2) {
  const faults: PodFaultSpec[] = [{ kind: 'crash', atSeconds: 30, pods: 1, count, uptimeSeconds }];
  const rev: RevisionSpec = {
    ...revision({
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target-burst-capacity': '0' },
    }),
    faults,
    kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 3 }),
    ...extra,
  };
  return run(world([service('hello', [rev])], [uniform(10, 0, duration - 20)], { duration }));
}

describe('a restarted container: Ready as it runs after a short outage, at a probe tick after a long one', () => {
  const { rec } = crashing();
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)]);

  it('is Ready at 31 s as its container runs (before the app answers at 31.5 s), and at the 45.5 s tick after the back-off', () => {
    // Exit 30, restarted at once, running 31: the queue-proxy's probes at 30.5, 33.5 … would fail a third time
    // only at 36.5, so it is still ready and the pod is Ready at once. The app answers at 31.5; the activator,
    // whose check the queue-proxy makes once per probe (periodSeconds set), sees it on its 200 ms round at 31.6.
    // Exit 33 (2 s after 31), back-off 10 s: restarted 43, running 44. The probes at 33.5, 36.5 and 39.5 failed,
    // so the queue-proxy is not ready: the probe the restart's status sync asks for at 44 fails (the app answers
    // only at 44.5); the tick at 45.5 passes.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31.6],
      ['CrashLoopBackOff', 33],
      ['Restarted', 43],
      ['ActivatorHealthy', 44.6],
      ['Ready', 45.5],
    ]);
  });

  it('gets requests from the ingress as soon as it is Ready: those before its app listens get 502 from the queue-proxy', () => {
    const toPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    // Round robin over the two Ready pods: pod 1 gets the requests of 31.1 and 31.3 s.
    const early = toPod1.filter((r) => r.podIn >= 31 && r.podIn < 31.5);
    expect(early.map((r) => round(r.arrival))).toEqual([31.1, 31.3]);
    for (const r of early) {
      expect(r.route).toBe('direct');
      expect(r.status).toBe(STATUS_BAD_GATEWAY);
      expect(r.end).toBe(r.podIn);
    }
    // After the long outage it is Ready only once the app answers: no such 502s.
    expect(toPod1.filter((r) => r.podIn > 33 && r.podIn < 45.5)).toEqual([]);
    const other502 = rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY && !early.includes(r));
    for (const r of other502) expect([30, 33]).toContain(round(r.end));
    // Once it listens it serves; only the request still running at the exit at 33 s fails.
    expect(toPod1.filter((r) => r.podIn >= 31.5 && r.podIn < 33 && r.status !== STATUS_OK).map((r) => round(r.arrival))).toEqual([32.9]);
  });

  it('is counted by the KPA from each Ready', () => {
    const ready = (from: number, to: number) => rec.decisions.filter((d) => d.time > from && d.time < to).map((d) => d.readyPods);
    expect(new Set(ready(31, 33))).toEqual(new Set([2]));
    expect(new Set(ready(33, 45.5))).toEqual(new Set([1]));
    expect(new Set(ready(45.5, 60))).toEqual(new Set([2]));
  });
});

describe('a restarted container the kubelet probes itself (an exec readiness probe)', () => {
  const { rec } = crashing({ servingContainerKubeletProbed: true, enableProbeOptimisation: false });
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)]);

  it('is Ready only at its own probe that passes after the app answers, and the activator sends to it from then', () => {
    // Running 31: its own probe at the start fails (the app answers at 31.5), the tick at 33.5 would pass, but it
    // exits at 33. After the back-off, running 44: the probe then fails, the tick at 45.5 passes, with the queue-proxy's.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['CrashLoopBackOff', 33],
      ['Restarted', 43],
      ['Ready', 45.5],
      ['ActivatorHealthy', 45.5],
    ]);
    expect(rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY).every((r) => [30, 33].includes(round(r.end)))).toBe(true);
  });
});

describe('a restarted container with a startup probe (every 4 s, on the ticker from 0.5 s)', () => {
  const { rec } = crashing({ startupProbe: startupProbe({ periodSeconds: 4 }), enableProbeOptimisation: false });
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)]);

  it('is Ready only once its startup probe passes, the queue-proxy asked then', () => {
    // Running 31, the app answering at 31.5: the startup probe's tick at 32.5 passes (the queue-proxy's probe never
    // failed 3 times): Ready at 32.5, not as it runs. Exit 33, restarted 43, running 44, app at 44.5: the tick at 44.5
    // passes; the queue-proxy, failing since 39.5 and failing again at the restart's probe at 44, would pass only at
    // its tick at 45.5, but the startup probe's status sync asks it at 44.5, and it passes.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 32.5],
      ['ActivatorHealthy', 32.5],
      ['CrashLoopBackOff', 33],
      ['Restarted', 43],
      ['Ready', 44.5],
      ['ActivatorHealthy', 44.5],
    ]);
    // No request reached it before its app listened: only those it held at its exits failed.
    expect(rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY).every((r) => [30, 33].includes(round(r.end)))).toBe(true);
  });
});

describe("a restarted container with Knative's default probing (every 10 s, 3 failures, held by the queue-proxy)", () => {
  const { rec } = crashing({ kubeletReadinessProbe: undefined }, 4, 130);
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20 && p.event !== 'ActivatorHealthy').map((p) => [p.event, round(p.time)]);

  it('is Ready as it runs until a back-off outlasts three failing probes, then as the app answers the probe asked for at the restart', () => {
    // Ticks at 0.5 + 10k s. Exits at 30, 33, 46 and 69 (2 s after each start); back-offs 0, 10, 20, 40 s.
    // Running 31, 44 and 67: the queue-proxy's third failing probe would end at 61.5 (from the outage at 33) and
    // 71.5 (from 46, but the probe from 70.5 passes, the app answering at 67.5): Ready as it runs. From 69 the
    // probes from 70.5, 80.5 and 90.5 fail (NotReady at 91.5); running 110, the probe asked for then waits on the
    // queue-proxy, which passes it as the app answers at 110.5.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['CrashLoopBackOff', 33],
      ['Restarted', 43],
      ['Ready', 44],
      ['CrashLoopBackOff', 46],
      ['Restarted', 66],
      ['Ready', 67],
      ['CrashLoopBackOff', 69],
      ['Restarted', 109],
      ['Ready', 110.5],
    ]);
  });
});

describe("a restarted container whose app is still silent when the queue-proxy's probe fails the third time", () => {
  const { rec } = crashing({ kubeletReadinessProbe: undefined }, 3, 110, 9.15);
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 55).map((p) => [p.event, round(p.time)]);

  it('is Ready as it runs, NotReady at that failure, and Ready again at the next tick once the app answers', () => {
    // Ticks at 0.5 + 10k s. Exits at 30, 40.15 and 60.3 (9.15 s after each start); the last outage, from 60.3,
    // fails the probes from 60.5, 70.5 and 80.5, the third known as it times out at 81.5. Restarted at 80.3
    // (back-off 20 s), running 81.3: the queue-proxy is still ready, so the pod is Ready; NotReady at 81.5. The app
    // answers at 81.8, which the activator sees at once; the kubelet's next probe is at 90.5.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 60.3],
      ['Restarted', 80.3],
      ['Ready', 81.3],
      ['NotReady', 81.5],
      ['ActivatorHealthy', 81.8],
      ['Ready', 90.5],
    ]);
    // While Ready before its app listened, the ingress sent it the request of 81.4 s: 502.
    const early = rec.requests.filter((r) => r.pod?.name === POD1 && r.podIn > 81 && r.podIn < 90.5);
    expect(early.map((r) => [round(r.arrival), r.status])).toEqual([[81.4, STATUS_BAD_GATEWAY]]);
  });
});
