import { describe, expect, it } from 'vitest';
import { podReadinessProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY, STATUS_NO_ROUTE, STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, PodFaultSpec, RevisionSpec } from '../../src/model/spec.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { constant, revision, run, service, world, type RevOpts } from './world-fixture.js';

const uniform = (rps: number, start: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end }) as ClientSpec;

const faulty = (o: RevOpts, faults: PodFaultSpec[]): RevisionSpec => ({ ...revision(o), faults });

const pinned = (n: number): Record<string, string> => ({ 'autoscaling.knative.dev/min-scale': String(n), 'autoscaling.knative.dev/max-scale': String(n) });
const POD1 = 'hello-00001-deployment-0001';
/**
 * A readiness probe every second that gives up at the first failure (periodSeconds 1,
 * failureThreshold 1). Pod 1 ran before the run, so its probe ticker's phase is drawn: with
 * seed 1 it fires at 0.415302 s past each second.
 */
const everySecond = { kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 1, failureThreshold: 1 }) };
const TICK = 0.415302;

describe('readiness failing for a window', () => {
  // Three warm pods pinned at 3; pod 1's readiness fails from 30 s to 50 s. The kubelet probes every 1 s, the activator every 200 ms.
  const spec = world(
    [service('hello', [{ ...faulty({ initialPods: 3, annotations: pinned(3) }, [{ kind: 'readinessFailure', atSeconds: 30, durationSeconds: 20, pods: 1 }]), ...everySecond }])],
    [uniform(10, 0, 90)],
    { duration: 100 },
  );
  const { rec } = run(spec);
  const events = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 0).map((p) => [p.event, Number(p.time.toFixed(6))]);

  it("leaves the endpoints at the kubelet's first failing probe, comes back on the activator's probe, then Ready at the kubelet's next probe", () => {
    // NotReady at the kubelet's probe at 30.415302; readiness passes at 50. With a periodSeconds the queue-proxy
    // checks the app once per activator probe, so the activator finds it on a round of its watcher, whose ticker
    // runs every 200 ms from the revision's creation at 0: the tick at 50; Kubernetes Ready at the kubelet's next
    // probe, 50.415302.
    expect(events).toEqual([
      ['NotReady', 30 + TICK],
      ['ActivatorHealthy', 50],
      ['Ready', 50 + TICK],
    ]);
  });

  it('is out of the ready count (samples and the KPA) for exactly that window', () => {
    for (const s of rec.samples) expect(s.ready).toBe(s.time > 30 + TICK && s.time < 50 + TICK ? 2 : 3);
    const inWindow = rec.decisions.filter((d) => d.time > 30 + TICK && d.time < 50 + TICK);
    expect(inWindow.length).toBeGreaterThanOrEqual(9);
    for (const d of inWindow) expect(d.readyPods).toBe(2);
  });

  it('gets no new requests while out, serves again after, and loses none', () => {
    const toPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    expect(toPod1.filter((r) => r.podIn > 30 + TICK && r.podIn < 50)).toEqual([]);
    expect(toPod1.filter((r) => r.podIn < 30 + TICK).length).toBeGreaterThan(50);
    expect(toPod1.filter((r) => r.podIn > 50.1).length).toBeGreaterThan(50);
    expect(rec.requests.every((r) => r.status === STATUS_OK)).toBe(true);
  });
});

describe('a pod back from a short readiness failure, requests still in flight', () => {
  it('the activator counts only what it sends through the new tracker: one new request joins the held one, no more', () => {
    // 10 s requests, CC 1, two pinned pods kept busy through the activator; pod 1 is out from 30.415302 s to 32 s
    // while still working on a request it took before.
    const spec = world(
      [service('hello', [{ ...faulty({ initialPods: 2, annotations: pinned(2), cc: 1, serviceTime: constant(10) }, [{ kind: 'readinessFailure', atSeconds: 30, durationSeconds: 2, pods: 1 }]), ...everySecond }])],
      [uniform(0.3, 0, 200)],
      { duration: 260, activators: 1 },
    );
    const { rec } = run(spec);
    const heldAcross = rec.requests.filter((r) => r.pod?.name === POD1 && r.podIn < 30 + TICK && r.end > 32);
    expect(heldAcross.length).toBe(1);
    expect(heldAcross[0]!.status).toBe(STATUS_OK);
    // Upstream too starts the returning pod with a fresh tracker (breaker empty), so one more request joins the
    // one it holds and waits in its queue-proxy; the old request finishing must not free a second slot.
    const toPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    const inPod = (t: number): number => toPod1.filter((r) => r.podIn <= t && t < r.end).length;
    expect(Math.max(...toPod1.map((r) => inPod(r.podIn)))).toBe(2);
    const waitedInPod = rec.requests.filter((r) => r.status === STATUS_OK && r.serviceStart > r.podIn);
    // Pod 1 is usable again at 32 (readiness passes; the queue-proxy's 50 ms check, running since the activator's
    // probe at 30.415302, shows it at once), but the revision breaker still counts the held request: with pod 2's
    // request too it is at its capacity of 2 until pod 2's ends at 33.334. The next request then goes to the
    // first tracker with a free slot, pod 1's fresh one, and waits there behind the held request.
    expect(waitedInPod.map((r) => [r.pod!.name, Number(r.podIn.toFixed(3))])).toEqual([[POD1, 33.334]]);
  });
});

describe('a crashing container', () => {
  // CC 1, 2 s requests, one every second: both pinned pods are always busy, so the activator is in the path.
  // Pod 1 crashes at 60 s, runs 5 s after its restart and crashes again; pod 2's container crashes at 300 s
  // and again at 1000 s, more than 10 min after its restart.
  const spec = world(
    [
      service('hello', [
        faulty({ initialPods: 2, annotations: pinned(2), cc: 1, serviceTime: constant(2) }, [
          { kind: 'crash', atSeconds: 60, pods: 1, count: 2, uptimeSeconds: 5 },
          { kind: 'crash', atSeconds: 300, pods: 2, count: 1, uptimeSeconds: 0 },
          { kind: 'crash', atSeconds: 1000, pods: 2, count: 1, uptimeSeconds: 0 },
        ]),
      ]),
    ],
    [uniform(1, 0, 1100)],
    { duration: 1100 },
  );
  const { rec } = run(spec);
  const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 0 && p.time < 200).map((p) => [p.event, Number(p.time.toFixed(6))]);
  const exitsAndRestarts = (name: string, from: number) =>
    rec.pods.filter((p) => p.pod.name === name && p.time >= from && (p.event === 'CrashLoopBackOff' || p.event === 'Restarted')).map((p) => [p.event, Number(p.time.toFixed(6))]);

  it('restarts at once after its first exit, after 10 s on the second', () => {
    // Crash 60: the kubelet has no back-off for this container yet, so it restarts it at once (kuberuntime
    // doBackOff); container up 61: Ready at once, as the queue-proxy's probe (10 s, 3 failures) has not
    // failed yet. Readiness passes at 61.5, which the activator sees at once (its probes since 60 wait on the
    // queue-proxy's check, retried every 50 ms; the queue-proxy stayed up). It runs 5 s: crash 66, restart 76
    // (back-off 10 s), Ready 77.
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 60],
      ['Restarted', 60],
      ['Ready', 61],
      ['ActivatorHealthy', 61.5],
      ['CrashLoopBackOff', 66],
      ['Restarted', 76],
      ['Ready', 77],
      ['ActivatorHealthy', 77.5],
    ]);
  });

  it('fails the requests in flight with 502 at the crash, through the activator', () => {
    const bad = rec.requests.filter((r) => r.status === STATUS_BAD_GATEWAY);
    expect(bad.length).toBeGreaterThanOrEqual(2);
    for (const r of bad) {
      expect(r.route).toBe('activator');
      expect([60, 66, 300, 1000]).toContain(Number(r.end.toFixed(6)));
    }
    // Nothing reaches a pod while it is down.
    const toPod1 = rec.requests.filter((r) => r.pod?.name === POD1);
    expect(toPod1.filter((r) => (r.podIn > 60 && r.podIn < 61.5) || (r.podIn > 66 && r.podIn < 77.5))).toEqual([]);
    expect(rec.requests.filter((r) => r.status !== STATUS_OK && r.status !== STATUS_BAD_GATEWAY)).toEqual([]);
  });

  it('the KPA counts the pod out while it is down', () => {
    const down = rec.decisions.filter((x) => x.time > 66 && x.time < 77);
    expect(down.length).toBeGreaterThanOrEqual(5);
    for (const d of down) expect(d.readyPods).toBe(1);
  });

  it('a crash more than 10 minutes after the last restart restarts at once, as a first one', () => {
    // Pod 2's first crash at 300 restarts at once; at 1000 its last restart (300) is 700 s back: at once again.
    expect(exitsAndRestarts('hello-00001-deployment-0002', 0)).toEqual([
      ['CrashLoopBackOff', 300],
      ['Restarted', 300],
      ['CrashLoopBackOff', 1000],
      ['Restarted', 1000],
    ]);
    // Pod 1 at 300 is 224 s after its restart at 76: its back-off goes on at 20 s (restart 320). At 1000 its last
    // restart is 680 s back: at once, not after 40 s.
    expect(exitsAndRestarts(POD1, 300)).toEqual([
      ['CrashLoopBackOff', 300],
      ['Restarted', 320],
      ['CrashLoopBackOff', 1000],
      ['Restarted', 1000],
    ]);
  });
});

describe('a container that exits again while its pod terminates', () => {
  it('is not restarted: the requests it holds get 502 then, and the pod goes when its drain ends', () => {
    // Two warm pods, CC 0, 50 s requests. Pod 1 crashes at 0.1 s (restarted at once, up and Ready at 1.1 s, the
    // activator finds it at 1.6 s) and is set to exit again 20 s after that start, at 21.1 s. The KPA scales down to
    // min-scale 1 at 1.87354 s and removes pod 1 (Ready later than pod 2, and restarted) while it holds two requests.
    const spec = world(
      [
        service('hello', [
          faulty({ initialPods: 2, annotations: { 'autoscaling.knative.dev/min-scale': '1' }, cc: 0, serviceTime: constant(50) }, [
            { kind: 'crash', atSeconds: 0.1, pods: 1, count: 2, uptimeSeconds: 20 },
          ]),
        ]),
      ],
      [uniform(20, 1.65, 1.85)],
      { duration: 200 },
    );
    const { rec } = run(spec);
    const pod1 = rec.pods.filter((p) => p.pod.name === POD1 && p.time > 0).map((p) => [p.event, Number(p.time.toFixed(6))]);
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 0.1],
      ['Restarted', 0.1],
      ['Ready', 1.1],
      ['ActivatorHealthy', 1.6],
      ['Terminating', 1.87354],
      ['Gone', 31.87354],
    ]);
    // Its two requests end at the exit with 502 (they would have run to 51.65 and 51.75); pod 2's finish.
    expect(rec.requests.map((r) => [r.pod!.name.slice(-4), Number(r.end.toFixed(6)), r.status])).toEqual([
      ['0001', 21.1, STATUS_BAD_GATEWAY],
      ['0001', 21.1, STATUS_BAD_GATEWAY],
      ['0002', 51.701, STATUS_OK],
      ['0002', 51.801, STATUS_OK],
    ]);
  });
});

describe('image pulls failing', () => {
  const pullFails: PodFaultSpec = { kind: 'imagePull', atSeconds: 0, durationSeconds: Number.POSITIVE_INFINITY };

  it('ErrImagePull, then ImagePullBackOff for 10, 20, 40 … 300 s; the revision fails at 601 s (the Deployment controller checks a second after the 600 s progress deadline) and requests get 404', () => {
    const spec = world([service('hello', [faulty({ initialPods: undefined }, [pullFails])])], [uniform(1, 0, 700)], { duration: 700 });
    const { world: w, rec } = run(spec);
    const failures = rec.pods.filter((p) => p.event === 'ErrImagePull').map((p) => p.time);
    // Scheduled at 0.5 s; pulls take 0 s; each retry after the back-off.
    expect(failures).toEqual([0.5, 10.5, 30.5, 70.5, 150.5, 310.5, 610.5]);
    expect(rec.pods.filter((p) => p.event === 'Ready')).toEqual([]);
    const rev = w.services.get('hello')!.revisions[0]!;
    // Upstream's Deployment times out (ProgressDeadlineExceeded); the Revision shows the pod's waiting reason.
    expect(rev.failure).toEqual({ atSeconds: 601, reason: 'ImagePullBackOff' });
    // The Route never had a ready revision: the ingress has nothing to send to.
    expect(rec.requests.length).toBeGreaterThan(600);
    expect(rec.requests.every((r) => r.status === STATUS_NO_ROUTE)).toBe(true);
  });

  it('the progress-deadline annotation sets when the revision fails', () => {
    const spec = world(
      [service('hello', [faulty({ initialPods: undefined, annotations: { 'serving.knative.dev/progress-deadline': '120s' } }, [pullFails])])],
      [uniform(1, 0, 10)],
      { duration: 200 },
    );
    const { world: w } = run(spec);
    expect(w.services.get('hello')!.revisions[0]!.failure).toEqual({ atSeconds: 121, reason: 'ImagePullBackOff' });
  });

  it('a new revision whose image cannot be pulled fails; the Route keeps the old one and requests get 200', () => {
    const spec = world(
      [service('hello', [revision({ initialPods: 1 }), faulty({ name: 'hello-00002', generation: 2, createdAt: 10, initialPods: undefined }, [pullFails])])],
      [uniform(2, 0, 650)],
      { duration: 650 },
    );
    const { world: w, rec } = run(spec);
    const [r1, r2] = w.services.get('hello')!.revisions;
    expect(r1!.failure).toBeUndefined();
    expect(r2!.failure).toEqual({ atSeconds: 611, reason: 'ImagePullBackOff' });
    expect(rec.requests.length).toBeGreaterThan(1200);
    expect(rec.requests.every((r) => r.status === STATUS_OK && r.revision === r1)).toBe(true);
  });

  it('a pull window that ends lets the next attempt succeed', () => {
    const spec = world([service('hello', [faulty({ initialPods: undefined }, [{ kind: 'imagePull', atSeconds: 0, durationSeconds: 25 }])])], [uniform(1, 0, 60)], {
      duration: 60,
    });
    const { world: w, rec } = run(spec);
    expect(rec.pods.filter((p) => p.event === 'ErrImagePull').map((p) => p.time)).toEqual([0.5, 10.5]);
    // Third attempt at 30.5 succeeds: container 31.5, readiness 32.0, Ready 32.5.
    expect(rec.pods.find((p) => p.event === 'Ready')!.time).toBeCloseTo(32.5, 9);
    expect(w.services.get('hello')!.revisions[0]!.failure).toBeUndefined();
  });
});

describe('a revision that never becomes ready', () => {
  it('has Ready False with ProgressDeadlineExceeded at 601 s (a second after the 600 s deadline) and no ready pod', () => {
    const spec = world(
      [service('hello', [faulty({ initialPods: undefined }, [{ kind: 'readinessFailure', atSeconds: 0, durationSeconds: Number.POSITIVE_INFINITY, pods: undefined }])])],
      [uniform(1, 0, 10)],
      { duration: 700 },
    );
    const { world: w, rec } = run(spec);
    expect(w.services.get('hello')!.revisions[0]!.failure).toEqual({ atSeconds: 601, reason: 'ProgressDeadlineExceeded' });
    expect(rec.pods.filter((p) => p.event === 'Ready' || p.event === 'ActivatorHealthy')).toEqual([]);
    expect(rec.samples.every((s) => s.ready === 0)).toBe(true);
  });
});

describe('faults in a scenario file', () => {
  const base = (faults: unknown): unknown => ({
    name: 'faults',
    duration: '1m',
    services: [
      {
        manifest: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ image: 'app' }] } } } },
        initialPods: 2,
        app: { serviceTime: '1s', faults },
      },
    ],
    clients: [{ name: 'load', service: 'hello', open: { rps: 1 } }],
  });

  it('reads each kind with its defaults', () => {
    const s = scenarioFromValue(
      base([
        { kind: 'readinessFailure', at: '2m', duration: '30s', pods: 1 },
        { kind: 'crash', at: '5m', pods: 2 },
        { kind: 'imagePull' },
      ]),
      'f.yaml',
    );
    expect(s.world.services[0]!.revisions[0]!.faults).toEqual([
      { kind: 'readinessFailure', atSeconds: 120, durationSeconds: 30, pods: 1 },
      { kind: 'crash', atSeconds: 300, pods: 2, count: 1, uptimeSeconds: 0 },
      { kind: 'imagePull', atSeconds: 0, durationSeconds: Number.POSITIVE_INFINITY },
    ]);
  });

  it.each([
    [[{ kind: 'crash', pods: 1 }], 'services[0].app.faults[0].at: required field is missing'],
    [[{ kind: 'readinessFailure', count: 2 }], 'services[0].app.faults[0].count: unknown field (known fields: kind, at, duration, pods)'],
    [[{ kind: 'imagePull', duration: '0s' }], 'services[0].app.faults[0].duration: must be greater than 0'],
    [[{}, { kind: 'oom' }], 'services[0].app.faults[0].kind: required field is missing (one of: readinessFailure, crash, imagePull, hang, slowdown)'],
  ])('rejects %j with the field path', (faults, message) => {
    let err: unknown;
    try {
      scenarioFromValue(base(faults), 'f.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('\n');
  });
});
