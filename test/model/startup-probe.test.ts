/**
 * A serving container with a startup probe (kubernetes pkg/kubelet/prober/worker.go): Knative
 * leaves it to the kubelet, which probes only on the worker's ticker (every periodSeconds from the
 * pod's start). The pod is not Ready until it passes; at failureThreshold failures in a row the
 * kubelet kills the container, which restarts with the usual back-off.
 */
import { describe, expect, it } from 'vitest';
import { startupProbe } from '../../src/core/traffic/index.js';
import { STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, RevisionSpec, WorldSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { constant, fastPodStart, MemoryRecorder, revision, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;

/**
 * One pod pinned by min-scale, created at 0, scheduled at 0.5 s (the probe workers' tickers fire at
 * 0.5 + k·period), its container running at 1.5 s; its app answers `readiness` seconds later.
 */
function slowStart(readiness: number, probe: Record<string, number>, duration = 130): { rec: MemoryRecorder; spec: WorldSpec; w: World } {
  const rev: RevisionSpec = {
    ...revision({
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' },
      podStart: { ...fastPodStart, readiness: constant(readiness) },
    }),
    startupProbe: startupProbe(probe),
    enableProbeOptimisation: false,
  };
  const spec = world([service('hello', [rev])], [uniform(1, 0, duration)], { duration });
  const rec = new MemoryRecorder();
  const w = new World(spec, rec);
  w.run();
  return { rec, spec, w };
}
const events = (rec: MemoryRecorder) => rec.pods.filter((p) => p.event !== 'Pending' && p.event !== 'Starting').map((p) => [p.event, Number(p.time.toFixed(6))]);

describe('an app that answers after 25 s, the default startup probe (every 10 s, 3 failures)', () => {
  const { rec } = slowStart(25, {});

  it('is Ready at the tick at 30.5 s, the probes at 10.5 and 20.5 s having failed; the activator waits for it', () => {
    // The app answers at 26.5 s; the queue-proxy's readiness (Knative's default probing) passed then.
    expect(events(rec)).toEqual([
      ['Ready', 30.5],
      ['ActivatorHealthy', 30.5],
    ]);
    // A new revision: the Route sends nothing to it before it is Ready, so the 31 requests of 0–30 s get 404.
    const early = rec.requests.filter((r) => r.arrival < 30.5);
    expect(early.length).toBe(31);
    expect(early.every((r) => r.status === 404)).toBe(true);
    expect(rec.requests.filter((r) => r.arrival > 30.5).every((r) => r.status === STATUS_OK)).toBe(true);
  });
});

describe('an app that answers after 35 s, the default startup probe', () => {
  const { rec, w } = slowStart(35, {}, 200);
  const rev = w.services.get('hello')!.revisions[0]!;

  it('is killed at each third failing probe and restarted after the back-off, never Ready', () => {
    // Each run's probes fail 9, 19 and 29 s after it starts running (1 s after its restart). The kubelet
    // kills and starts the container in one sync, whose back-off check (kuberuntime doBackOff) sees
    // the previous exit: none at 30.5, so at once and no step; at 60.5 the one of 30.5, with no entry
    // yet: at once (entry 10 s); at 90.5 and 120.5 the previous exit is 30 s back, past its 10 and 20 s:
    // at once (entries 20, 40 s); at 150.5 it is within 40 s: the restart waits 40 s, to 190.5.
    expect(events(rec)).toEqual([
      ['CrashLoopBackOff', 30.5],
      ['Restarted', 30.5],
      ['CrashLoopBackOff', 60.5],
      ['Restarted', 60.5],
      ['CrashLoopBackOff', 90.5],
      ['Restarted', 90.5],
      ['CrashLoopBackOff', 120.5],
      ['Restarted', 120.5],
      ['CrashLoopBackOff', 150.5],
      ['Restarted', 190.5],
    ]);
    expect(rec.requests.filter((r) => r.status === STATUS_OK)).toEqual([]);
  });

  it("keeps the kill as the container's last exit (SIGTERM, 143), which the revision reports once its progress deadline passes", () => {
    expect(rev.containerHealthyCondition).toEqual({ status: 'Unknown', reason: 'Deploying' });
    const long = slowStart(35, {}, 700).w.services.get('hello')!.revisions[0]!;
    // Knative's default progress deadline, 600 s (+ the Deployment controller's 1 s): ContainerHealthy False with the exit code.
    expect(long.failure).toEqual({ atSeconds: 601, reason: 'ProgressDeadlineExceeded' });
    expect(long.containerHealthyCondition).toEqual({ status: 'False', reason: 'ExitCode143' });
  });
});

describe('the same app with failureThreshold 6 (the usual fix)', () => {
  const { rec } = slowStart(35, { failureThreshold: 6 });

  it('is Ready at the tick at 40.5 s, after three failures', () => {
    expect(events(rec)).toEqual([
      ['Ready', 40.5],
      ['ActivatorHealthy', 40.5],
    ]);
  });
});

describe('a startup probe every second with an initial delay of 20 s', () => {
  const { rec } = slowStart(5, { periodSeconds: 1, initialDelaySeconds: 20 });

  it('first probes at 21.5 s, 20 s after the container started, and passes', () => {
    expect(events(rec)).toEqual([
      ['Ready', 21.5],
      ['ActivatorHealthy', 21.5],
    ]);
  });
});
