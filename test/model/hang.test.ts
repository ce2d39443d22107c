import { describe, expect, it } from 'vitest';
import { livenessProbe, podReadinessProbe, type ProbeHandler } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY, STATUS_OK, STATUS_TIMEOUT } from '../../src/model/request.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;

const POD1 = 'hello-00001-deployment-0001';
const HANG = 60;

/**
 * Two pods pinned at 2, created with the revision at 0 s: each is scheduled at 0.5 s, so its
 * probe workers' tickers fire at 0.5 + k·period. CC 2, 0.5 s requests, 4 rps from 5 s (the revision is Ready by then); pod 1's app
 * hangs at 60 s. The revision timeout is 30 s.
 */
function hungRun(extra: Partial<RevisionSpec>, durationSeconds = Number.POSITIVE_INFINITY, serviceSeconds = 0.5, more: PodFaultSpec[] = []) {
  const rev: RevisionSpec = {
    ...revision({ initialPods: undefined, cc: 2, timeout: 30, serviceTime: constant(serviceSeconds), annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2' } }),
    faults: [{ kind: 'hang', atSeconds: HANG, durationSeconds, pods: 1 }, ...more],
    ...extra,
  };
  return run(world([service('hello', [rev])], [uniform(4, 5, 200)], { duration: 240, activators: 1 }));
}

const every5 = (handler: ProbeHandler) => ({ livenessProbe: livenessProbe({ periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 1 }, handler) });

describe('a hung app with an httpGet liveness probe', () => {
  const { rec } = hungRun(every5('httpGet'));
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1);
  // Ticks at 60.5, 65.5, 70.5 fail; the third is known as its 1 s timeout ends.
  const KILL = 71.5;

  it('is killed at the third failing probe and restarted at once (a first exit)', () => {
    const after = pod1.filter((p) => p.time >= HANG).map((p) => [p.event, Number(p.time.toFixed(6))]);
    expect(after.slice(0, 3)).toEqual([
      ['LivenessFailed', KILL],
      ['CrashLoopBackOff', KILL],
      ['Restarted', KILL],
    ]);
    // The restarted container (1 s start, app answering 0.5 s later) is Ready again.
    expect(after.some(([e, t]) => e === 'Ready' && (t as number) > KILL)).toBe(true);
  });

  it('answers nothing from the hang to the kill: what it held gets 502 at the kill', () => {
    const onPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    const heldAtHang = onPod1.filter((r) => r.podIn < HANG && r.serviceStart + 0.5 > HANG);
    const sentInHang = onPod1.filter((r) => r.podIn >= HANG && r.podIn < KILL);
    // The activator fills pod 1 first: its two slots hold the two requests it took just before the
    // hang, and nothing more goes to it until the kill frees them.
    expect(heldAtHang.length + sentInHang.length).toBe(2);
    for (const r of [...heldAtHang, ...sentInHang]) {
      expect(r.status).toBe(STATUS_BAD_GATEWAY);
      expect(r.end).toBeCloseTo(KILL, 9);
    }
    expect(onPod1.filter((r) => r.status === STATUS_OK && r.end > HANG && r.end < KILL)).toEqual([]);
    // Served again after the restart; the other pod served throughout.
    expect(onPod1.filter((r) => r.status === STATUS_OK && r.podIn > KILL).length).toBeGreaterThan(100);
    expect(rec.requests.filter((r) => r.status !== STATUS_OK).length).toBe(heldAtHang.length + sentInHang.length);
  });
});

describe('a hung app without a liveness probe that fails', () => {
  for (const [name, extra] of [
    ['no liveness probe', {}],
    ['a tcpSocket liveness probe (the kernel still accepts)', every5('tcpSocket')],
    ['an exec liveness probe', every5('exec')],
  ] as const) {
    it(`${name}: never restarted; what it takes times out after the revision's 30 s`, () => {
      const { rec } = hungRun(extra);
      expect(rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG).map((p) => p.event)).toEqual([]);
      const onPod1 = rec.requests.filter((r) => r.pod?.name === POD1 && r.serviceStart + 0.5 > HANG);
      expect(onPod1.length).toBeGreaterThan(4);
      for (const r of onPod1) {
        expect(r.status).toBe(STATUS_TIMEOUT);
        // The revision's timeout runs from the request's routing, after the ingress's 1 ms hop.
        expect(r.end - r.arrival).toBeCloseTo(30.001, 6);
      }
      // The pod keeps its two slots filled: each pair that times out lets the activator send two more.
      const endsAfter = (t: number) => onPod1.filter((r) => r.podIn <= t && r.end > t).length;
      for (const t of [HANG + 10, HANG + 45, HANG + 100]) expect(endsAfter(t)).toBe(2);
    });
  }
});

describe('a hung app with an httpGet readiness probe', () => {
  // Every 5 s from 0.5, two failures: 60.5 and 65.5 fail, known at 66.5 (each as its 1 s timeout ends).
  const { rec } = hungRun({ kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 5, failureThreshold: 2 }), readinessProbeFailsWhenHung: true });
  const NOT_READY = 66.5;

  it('leaves the endpoints at the second failing probe and stays out (no liveness probe restarts it)', () => {
    const after = rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG).map((p) => [p.event, Number(p.time.toFixed(6))]);
    expect(after).toEqual([['NotReady', NOT_READY]]);
    for (const s of rec.samples) if (s.time > NOT_READY + 1) expect(s.ready).toBe(1);
  });

  it('gets no request after it left; what it holds still times out', () => {
    const onPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    expect(onPod1.filter((r) => r.podIn > NOT_READY)).toEqual([]);
    const stalled = onPod1.filter((r) => r.serviceStart + 0.5 > HANG);
    expect(stalled.length).toBeGreaterThan(0);
    for (const r of stalled) expect(r.status).toBe(STATUS_TIMEOUT);
  });
});

describe('a hang that clears by itself', () => {
  it('stalls what the app runs, which finishes the work it had left once the app resumes; no probe fired in 10 s', () => {
    const { rec } = hungRun(every5('httpGet'), 10);
    const onPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    const across = onPod1.filter((r) => r.serviceStart < HANG && r.serviceStart + 0.5 > HANG);
    // The two requests it ran: each finishes at 70 s plus what it had left at 60 s (not at its old end).
    expect(across).toHaveLength(2);
    for (const r of across) {
      expect(r.status).toBe(STATUS_OK);
      expect(r.end).toBeCloseTo(70 + (r.serviceStart + 0.5 - HANG), 9);
    }
    // The liveness probe's third failure would come at 71.5 s, after the app answers again: no kill.
    expect(rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG)).toEqual([]);
    expect(rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
    // Served normally after.
    expect(onPod1.filter((r) => r.podIn > 71 && r.end - r.serviceStart === 0.5).length).toBeGreaterThan(100);
  });

  it('two hangs in a row: each request works only while the app answers, whenever it started', () => {
    // 0.8 s requests; hung 60–61 s, then 61.2–61.5 s.
    const { rec } = hungRun({}, 1, 0.8, [{ kind: 'hang', atSeconds: 61.2, durationSeconds: 0.3, pods: 1 }]);
    const hung = [[60, 61], [61.2, 61.5]] as const;
    // When 0.8 s of work started at `start` is done, counting only time outside the hangs.
    const doneAt = (start: number): number => {
      let t = start;
      let left = 0.8;
      for (const [from, to] of hung) {
        if (to <= t) continue;
        if (t + left <= from) break;
        left -= Math.max(0, from - t);
        t = to;
      }
      return t + left;
    };
    const affected = rec.requests.filter((r) => r.pod?.name === POD1 && r.serviceStart + 0.8 > HANG && r.serviceStart < 61.5);
    // One caught by both: it started in the first hang, so its work began at 61 s and the second stopped it at 61.2 s.
    expect(affected.filter((r) => r.serviceStart >= 60 && r.serviceStart < 61 && r.end > 61.5).length).toBeGreaterThan(0);
    for (const r of affected) {
      expect(r.status).toBe(STATUS_OK);
      expect(r.end).toBeCloseTo(doneAt(r.serviceStart), 9);
    }
  });

  it('a hang longer than the liveness probe allows still gets the container killed at 71.5 s', () => {
    const { rec } = hungRun(every5('httpGet'), 30);
    expect(rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG).map((p) => p.event).slice(0, 3)).toEqual(['LivenessFailed', 'CrashLoopBackOff', 'Restarted']);
    expect(rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY)).toHaveLength(2);
  });

  it('a probe that times out exactly as the app resumes still fails: a hang of 11.5 s is killed at 71.5 s', () => {
    const { rec } = hungRun(every5('httpGet'), 11.5);
    expect(rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG)[0]!.event).toBe('LivenessFailed');
  });

  it('with an httpGet readiness probe: NotReady at 66.5 s, Ready again at the first probe after 70 s', () => {
    const { rec } = hungRun({ kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 5, failureThreshold: 2 }), readinessProbeFailsWhenHung: true }, 10);
    const after = rec.pods.filter((p) => p.pod.name === POD1 && p.time >= HANG).map((p) => [p.event, Number(p.time.toFixed(6))]);
    // The activator's probe (every 200 ms from its NotReady) finds it first; Kubernetes at the kubelet's tick at 70.5.
    expect(after.map(([e]) => e)).toEqual(['NotReady', 'ActivatorHealthy', 'Ready']);
    expect(after[0]![1]).toBe(66.5);
    expect(after[1]![1] as number).toBeGreaterThanOrEqual(70);
    expect(after[1]![1] as number).toBeLessThan(70.5);
    expect(after[2]![1]).toBe(70.5);
    // (With this probe the revision is Ready only at 5.5 s, so the first two requests get 404.)
    expect(rec.requests.filter((r) => r.arrival > 6).every((r) => r.status === STATUS_OK)).toBe(true);
  });
});
