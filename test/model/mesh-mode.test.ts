/**
 * config-network mesh-compatibility-mode: outside `auto` the activators take a pod Kubernetes marks
 * Ready without probing it (revision_backends.go probePodIPs). A container restarted after a short
 * crash is Ready as it runs, before its app answers: with `disabled` the activators send to it
 * then, and those requests get 502; with `auto` they wait for their probe, which passes only once
 * the app answers.
 */
import { describe, expect, it } from 'vitest';
import { podReadinessProbe } from '../../src/core/traffic/index.js';
import { STATUS_BAD_GATEWAY } from '../../src/model/request.js';
import type { ClientSpec, RevisionSpec, WorldSpec } from '../../src/model/spec.js';
import type { PodStat, ReconcileCause } from '../../src/core/autoscaler/index.js';
import type { Revision } from '../../src/model/revision.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder, constant, revision, run, service, world } from './world-fixture.js';

const POD1 = 'hello-00001-deployment-0001';
const round = (t: number): number => Number(t.toFixed(6));
const uniform = (rps: number, end: number): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: 0, endSeconds: end }) as ClientSpec;

/** Two pods pinned, the activators always in the path (target-burst-capacity -1); pod 1's container exits once at 30 s. */
function crashOnce(mode: 'auto' | 'disabled') {
  const rev: RevisionSpec = {
    ...revision({
      initialPods: undefined,
      annotations: { 'autoscaling.knative.dev/min-scale': '2', 'autoscaling.knative.dev/max-scale': '2', 'autoscaling.knative.dev/target-burst-capacity': '-1' },
    }),
    faults: [{ kind: 'crash', atSeconds: 30, pods: 1, count: 1, uptimeSeconds: 0 }],
    kubeletReadinessProbe: podReadinessProbe({ periodSeconds: 3 }),
  };
  const spec = world([service('hello', [rev])], [uniform(20, 50)], { duration: 60 });
  spec.cluster = { ...spec.cluster, ...(mode === 'auto' ? {} : { meshCompatibilityMode: mode }) };
  return run(spec).rec;
}

describe('mesh-compatibility-mode and a restarted container', () => {
  const events = (rec: ReturnType<typeof crashOnce>) => rec.pods.filter((p) => p.pod.name === POD1 && p.time > 20).map((p) => [p.event, round(p.time)]);
  const early502 = (rec: ReturnType<typeof crashOnce>) =>
    rec.requests.filter((r) => r.pod?.name === POD1 && r.status === STATUS_BAD_GATEWAY && r.podIn > 30.5).map((r) => [r.route, round(r.podIn)]);

  it('auto: the activators use the pod once their probe passes after the app answers (31.6 s), so none of their requests fails', () => {
    const rec = crashOnce('auto');
    expect(events(rec)).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31.6],
    ]);
    expect(early502(rec)).toEqual([]);
  });

  it('disabled: the activators use the pod as it is Ready (31 s), and what they send before the app listens (31.5 s) gets 502', () => {
    const rec = crashOnce('disabled');
    expect(events(rec)).toEqual([
      ['CrashLoopBackOff', 30],
      ['Restarted', 30],
      ['Ready', 31],
      ['ActivatorHealthy', 31],
    ]);
    // 20 rps through the activators: 8 of the 10 requests of 31–31.5 s go to pod 1 and fail at once.
    expect(early502(rec)).toEqual([31.001, 31.051, 31.101, 31.151, 31.301, 31.351, 31.401, 31.451].map((t) => ['activator', t]));
  });
});

/**
 * `enabled`: the activators send through the revision's ClusterIP. Their throttler then has one
 * breaker of containerConcurrency × ready pods ÷ activators and no pod slots; the activator's
 * sidecar (Envoy least-request: the fewer active of two random endpoints) picks the pod, so a
 * pod at its containerConcurrency can be picked while another is idle, and the request queues
 * in that pod's queue-proxy.
 */
describe('mesh-compatibility-mode enabled: the ClusterIP path', () => {
  /** Four pods pinned, CC 1, the activators always in the path; 1 s requests at 2 rps. */
  function pinned(mode: 'enabled' | 'disabled', activators = 1) {
    const rev = revision({
      cc: 1,
      initialPods: 4,
      serviceTime: constant(1),
      annotations: { 'autoscaling.knative.dev/min-scale': '4', 'autoscaling.knative.dev/max-scale': '4', 'autoscaling.knative.dev/target-burst-capacity': '-1' },
    });
    const load: ClientSpec = { kind: 'open', name: 'load', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: 2 }, startSeconds: 0, endSeconds: 300 } as ClientSpec;
    const spec = world([service('hello', [rev])], [load], { duration: 320, activators });
    spec.cluster = { ...spec.cluster, meshCompatibilityMode: mode };
    return run(spec);
  }
  const served = (rec: ReturnType<typeof pinned>['rec']) => rec.requests.filter((r) => r.status === 200);

  it('disabled: the activator sends only to a pod with a free slot, so no request waits in a queue-proxy', () => {
    const { rec } = pinned('disabled');
    const ok = served(rec);
    expect(ok.length).toBeGreaterThan(500);
    expect(ok.filter((r) => r.serviceStart > r.podIn)).toEqual([]);
  });

  it('enabled: the mesh sends some requests to a busy pod while another is idle, and they queue there until the request ahead ends', () => {
    const { rec } = pinned('enabled');
    const ok = served(rec);
    expect(ok.length).toBeGreaterThan(500);
    const queued = ok.filter((r) => r.serviceStart > r.podIn + 1e-9);
    // Least-request picks a busy pod only when both draws are busy pods (at most 3 of 4 busy: ≤ 9/16).
    expect(queued.length).toBeGreaterThan(5);
    expect(queued.length).toBeLessThan(ok.length / 4);
    for (const r of queued) {
      // Its pod was running a request when it came, and it started as the request before it there ended.
      expect(ok.some((o) => o.pod === r.pod && o.serviceStart <= r.podIn && o.end > r.podIn)).toBe(true);
      expect(ok.some((o) => o.pod === r.pod && o.end === r.serviceStart)).toBe(true);
      // …while some other pod had nothing to do.
      const busyPods = new Set(ok.filter((o) => o.podIn <= r.podIn && o.end > r.podIn && o !== r).map((o) => o.pod));
      expect(busyPods.size).toBeLessThan(4);
    }
  });

  it('enabled: the revision breaker (CC × 4 ready ÷ 1 activator = 4) still caps what the activator has out at once', () => {
    const { rec } = pinned('enabled');
    const sent = rec.requests.filter((r) => Number.isFinite(r.activatorOut)).map((r) => [r.activatorOut, r.end] as const);
    let most = 0;
    for (const [t] of sent) most = Math.max(most, sent.filter(([a, e]) => a <= t && e > t).length);
    expect(most).toBe(4);
  });

  it('each activator’s breaker is CC × ready ÷ activators (15 and 15 for CC 10, 3 pods, 2 activators), not its pod slice (20 and 10)', () => {
    const caps = (mode: 'enabled' | 'disabled') => {
      const rev = revision({ cc: 10, initialPods: 3, annotations: { 'autoscaling.knative.dev/min-scale': '3', 'autoscaling.knative.dev/max-scale': '3', 'autoscaling.knative.dev/target-burst-capacity': '-1' } });
      const load: ClientSpec = { kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps: 10 }, startSeconds: 0, endSeconds: 5 } as ClientSpec;
      const spec = world([service('hello', [rev])], [load], { duration: 10, activators: 2 });
      spec.cluster = { ...spec.cluster, meshCompatibilityMode: mode };
      const { world: w } = run(spec);
      const r = w.services.get('hello')!.revisions[0]!;
      return w.activators.map((a) => a.existingThrottler(r)?.capacity);
    };
    expect(caps('enabled')).toEqual([15, 15]);
    expect(caps('disabled')).toEqual([20, 10]);
  });

  it('enabled: from zero the activators probe no pod, so the first pod gets requests only as Kubernetes marks it Ready', () => {
    const cold = (mode: 'enabled' | 'auto') => {
      const rev = revision({ cc: 1, initialPods: 0, serviceTime: constant(0.2) });
      const load: ClientSpec = { kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps: 1 }, startSeconds: 1, endSeconds: 2 } as ClientSpec;
      const spec = world([service('hello', [rev])], [load], { duration: 20 });
      spec.cluster = { ...spec.cluster, ...(mode === 'auto' ? {} : { meshCompatibilityMode: mode }) };
      const { rec } = run(spec);
      const pod = (e: string) => rec.pods.find((p) => p.pod.name === POD1 && p.event === e)?.time;
      return { ready: pod('Ready'), healthy: pod('ActivatorHealthy'), sent: rec.requests[0]!.activatorOut };
    };
    const auto = cold('auto');
    const enabled = cold('enabled');
    // Created at 1.001, the queue-proxy up at 2.501, readiness passing at 3.001, Ready at 3.501 (fastPodStart's
    // lag). In auto the watcher's tick at 2.6 starts the queue-proxy's check, which finds the app at its step at 3.05.
    expect(round(auto.healthy!)).toBe(3.05);
    expect(round(auto.ready! - auto.healthy!)).toBe(0.451);
    expect(auto.sent).toBe(auto.healthy);
    expect(enabled.healthy).toBe(enabled.ready);
    expect(enabled.sent).toBe(enabled.ready);
    expect(round(enabled.sent - auto.sent)).toBe(0.451);
  });
});

/**
 * `enabled`: the autoscaler cannot reach pod addresses either, so its scraper goes through the
 * private Service (stats_scraper.go scrapeService): each scrape lands on a pod it does not choose,
 * and a scrape fails when a worker lands on pods already scraped 10 times before the sample is
 * full. A failed scrape records no stat, and each change of the Metric's condition reconciles the PA.
 */
describe('mesh-compatibility-mode enabled: the scraper goes through the Service', () => {
  class ScrapeRecorder extends MemoryRecorder {
    scrapes: number[] = [];
    watchReconciles: number[] = [];
    stat(_rev: Revision, stat: PodStat, source: 'scrape' | 'activator'): void {
      if (source === 'scrape') this.scrapes.push(stat.timeSeconds);
    }
    reconcile(_rev: Revision, time: number, _i: unknown, _o: unknown, cause: ReconcileCause): void {
      if (cause === 'watch') this.watchReconciles.push(time);
    }
  }
  /** `pods` pods pinned, CC 1, 1 s requests at 2 rps for 300 s. */
  function pinned(mode: 'enabled' | 'disabled', pods: number, autoscalerRestarts?: WorldSpec['autoscalerRestarts']) {
    const rev = revision({
      cc: 1,
      initialPods: pods,
      serviceTime: constant(1),
      annotations: { 'autoscaling.knative.dev/min-scale': `${pods}`, 'autoscaling.knative.dev/max-scale': `${pods}` },
    });
    const load: ClientSpec = { kind: 'open', name: 'load', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps: 2 }, startSeconds: 0, endSeconds: 300 } as ClientSpec;
    const spec = world([service('hello', [rev])], [load], { duration: 300 });
    spec.cluster = { ...spec.cluster, meshCompatibilityMode: mode };
    if (autoscalerRestarts !== undefined) spec.autoscalerRestarts = autoscalerRestarts;
    const rec = new ScrapeRecorder();
    const w = new World(spec, rec);
    w.run();
    return { rec, autoscaler: w.services.get('hello')!.revisions[0]!.autoscaler };
  }

  it('disabled: a stat every second, no scrape fails', () => {
    const { rec, autoscaler } = pinned('disabled', 4);
    expect(rec.scrapes).toHaveLength(300);
    expect(autoscaler.failedScrapes).toBe(0);
  });

  it('enabled, 4 pods (sample 4): scrapes that miss a pod record nothing, and each Metric condition change reconciles the PA then', () => {
    const { rec, autoscaler } = pinned('enabled', 4);
    // The last worker must land on the one pod left (1 in 4) within its 10 tries: 21 of the 300 scrapes fail.
    expect(autoscaler.failedScrapes).toBe(21);
    expect(rec.scrapes).toHaveLength(279);
    // The scrape instants (every 1 s from the revision's phase) with no stat are the failed ones.
    const phase = rec.scrapes[0]! - Math.floor(rec.scrapes[0]!);
    const got = new Set(rec.scrapes.map((t) => Math.round(t - phase)));
    const failed = Array.from({ length: 300 }, (_, k) => k).filter((k) => !got.has(k));
    expect(failed).toHaveLength(21);
    // Ready → Failed at a failed scrape after a good one, Failed → Ready at the good one after: a watch reconcile at each.
    const changes = Array.from({ length: 300 }, (_, k) => k).filter((k) => k > 0 && failed.includes(k) !== failed.includes(k - 1));
    expect(rec.watchReconciles.filter((t) => t > 0).map((t) => Math.round(t - phase))).toEqual(changes);
    expect(changes).toHaveLength(38);
  });

  it('enabled: an autoscaler restarted while its Metric is Failed starts it Ready again, so a good first scrape changes nothing', () => {
    // The scrape at 20.448 s fails (above); the autoscaler goes down at 20.5 s and is back at 25.5 s.
    const { rec } = pinned('enabled', 4, [{ atSeconds: 20.5, downtimeSeconds: 5 }]);
    const near = (t: number): number => Math.round(t * 1000) / 1000;
    expect(rec.scrapes.filter((t) => t > 19 && t < 28).map(near)).toEqual([19.448, 26.5, 27.5]);
    // The failure at 20.448 s and the restart's own reconcile at 25.5 s; none at the good scrape at 26.5 s.
    expect(rec.watchReconciles.filter((t) => t > 19 && t < 28).map(near)).toEqual([20.448, 25.5]);
  });

  it('enabled, 25 pods (sample 10): no scrape fails', () => {
    const { rec, autoscaler } = pinned('enabled', 25);
    expect(autoscaler.failedScrapes).toBe(0);
    expect(rec.scrapes).toHaveLength(300);
  });
});
