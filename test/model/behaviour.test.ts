import { describe, expect, it } from 'vitest';
import { STATUS_OK, STATUS_OVERLOADED } from '../../src/model/request.js';
import { INGRESS_READY_SECONDS } from '../../src/model/service.js';
import type { ClientSpec } from '../../src/model/spec.js';
import type { PodStat } from '../../src/core/autoscaler/index.js';
import { World } from '../../src/model/world.js';
import { constant, MemoryRecorder, revision, run, service, world } from './world-fixture.js';

const open = (rps: number, start: number, end: number, over: Partial<ClientSpec> = {}): ClientSpec =>
  ({ kind: 'open', name: 'load', service: 'hello', process: 'poisson', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: end, ...over }) as ClientSpec;

describe('scale from zero through the activator', () => {
  const spec = world([service('hello', [revision({ initialPods: 0 })])], [open(20, 10, 40)], { duration: 60 });
  const { rec } = run(spec);
  const first = rec.requests.reduce((a, r) => (r.arrival < a.arrival ? r : a));
  const created = rec.pods.find((p) => p.event === 'Pending')!;
  const healthy = rec.pods.find((p) => p.event === 'ActivatorHealthy')!;

  it('the first request pokes the decider at once, which asks for a pod', () => {
    const poke = rec.decisions.find((d) => d.poke)!;
    expect(poke.time).toBeCloseTo(first.arrival + 0.001, 9); // after the ingress hop
    expect(poke.desired).toBe(1);
    expect(created.time).toBeCloseTo(poke.time, 9);
  });

  it('buffers requests at the activator until the probe finds the pod, marking them cold', () => {
    // Created at the first request (here 10.0159 s), scheduled 0.5 s later, the queue-proxy up 1.5 s after the
    // creation (11.516 s), readiness passing 2.0 s after it (12.016 s). The activator's watcher ticks every 200 ms
    // from the revision's creation at 0: its round at 11.6 s starts the queue-proxy's check, retried every 50 ms,
    // which shows the app at its step at 12.05 s, not at 12.016 s (a grid from the pod's own address) nor 12.2 s.
    expect(created.time).toBeCloseTo(10.015924, 6);
    expect(healthy.time).toBeCloseTo(12.05, 9);
    const cold = rec.requests.filter((r) => r.cold);
    expect(cold.length).toBeGreaterThan(20); // ~2 s of 20 rps
    expect(cold.length).toBeLessThan(70);
    for (const r of cold) {
      expect(r.route).toBe('activator');
      expect(r.activatorOut).toBeCloseTo(Math.max(healthy.time, r.activatorIn), 9);
      expect(r.status).toBe(STATUS_OK);
    }
    expect(rec.requests.filter((r) => r.arrival > healthy.time + 1).every((r) => !r.cold)).toBe(true);
  });
});

describe('panic mode', () => {
  // 1 warm pod at a steady 10 concurrent, then a 4× step: the 6 s window doubles long before the 60 s one.
  const spec = world(
    [service('hello', [revision({ initialPods: 1, serviceTime: constant(1) })])],
    [
      { kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'step', steps: [{ atSeconds: 0, rps: 10 }, { atSeconds: 100, rps: 300 }, { atSeconds: 130, rps: 10 }] }, startSeconds: 0, endSeconds: 400 },
    ],
    { duration: 400 },
  );
  const { rec } = run(spec);
  const ds = rec.decisionsOf('hello-00001').filter((d) => d.valid && !d.poke);
  const firstPanic = ds.find((d) => d.inPanic)!;
  const lastOver = [...ds].reverse().find((d) => d.inPanic && Math.ceil(d.observedPanic / 70) / Math.max(1, d.readyPods) >= 2)!;
  const exit = ds.find((d) => d.time > firstPanic.time && !d.inPanic)!;

  it('enters panic when ceil(panic/target) reaches twice the ready pods', () => {
    expect(firstPanic.time).toBeGreaterThan(100);
    expect(firstPanic.time).toBeLessThan(106);
    expect(Math.ceil(firstPanic.observedPanic / 70) / Math.max(1, firstPanic.readyPods)).toBeGreaterThanOrEqual(2);
    const before = ds.filter((d) => d.time < firstPanic.time && d.time > 20);
    expect(before.every((d) => !d.inPanic)).toBe(true);
  });

  it('never lowers desired while panicking', () => {
    const during = ds.filter((d) => d.time >= firstPanic.time && d.time < exit.time);
    for (let i = 1; i < during.length; i++) expect(during[i]!.desired).toBeGreaterThanOrEqual(during[i - 1]!.desired);
  });

  it('exits on the first evaluation more than a stable window after the last over-threshold one', () => {
    expect(exit.time - lastOver.time).toBeGreaterThan(60);
    expect(exit.time - lastOver.time).toBeLessThanOrEqual(62);
  });
});

describe('scale to zero with default settings', () => {
  it.each([1, 2, 3])('seed %i: an idle revision reaches zero pods 60–95 s after its last request', (seed) => {
    const spec = world([service('hello', [revision({ initialPods: 0 })])], [open(30, 5, 60)], { duration: 250, seed });
    const { rec } = run(spec);
    const lastEnd = Math.max(...rec.requests.map((r) => r.end));
    const zeroAt = rec.pods.filter((p) => p.event === 'Terminating').map((p) => p.time);
    const last = Math.max(...zeroAt);
    expect(last - lastEnd).toBeGreaterThanOrEqual(60);
    expect(last - lastEnd).toBeLessThanOrEqual(95);
    expect(rec.samples.filter((s) => s.time > last).every((s) => s.ready === 0)).toBe(true);
  });
});

describe('queue-proxy breaker', () => {
  it('answers 503 once 11 × CC requests are in one pod', () => {
    // One pod, CC 2: 2 in service + 20 queued; 40 simultaneous long requests → 18 rejected at once.
    const spec = world(
      [service('hello', [revision({ initialPods: 1, cc: 2, serviceTime: constant(100), annotations: { 'autoscaling.knative.dev/max-scale': '1' }, config: { 'target-burst-capacity': '0' } })])],
      [{ kind: 'closed', name: 'burst', service: 'hello', users: 40, think: constant(1000), startSeconds: 5, endSeconds: 6 }],
      { duration: 20, config: { 'target-burst-capacity': '0' } },
    );
    const { rec } = run(spec);
    const rejected = rec.requests.filter((r) => r.status === STATUS_OVERLOADED);
    expect(rejected).toHaveLength(18);
    for (const r of rejected) expect(r.end - r.arrival).toBeCloseTo(0.001, 9);
  });

  it('counts a request it rejects in the request count it reports (the in event comes before the breaker)', () => {
    // upstream pkg/queue/handler.go ProxyHandler: ReqIn is handled before breaker.Maybe, and
    // ReqOut when the 503 is written, so all 40 arrivals (22 admitted + 18 rejected) are
    // counted. The scrape of the single pod reports them as 40 requests/s.
    const spec = world(
      [service('hello', [revision({ initialPods: 1, cc: 2, serviceTime: constant(100), annotations: { 'autoscaling.knative.dev/max-scale': '1' }, config: { 'target-burst-capacity': '0' } })])],
      [{ kind: 'closed', name: 'burst', service: 'hello', users: 40, think: constant(1000), startSeconds: 5, endSeconds: 6 }],
      { duration: 20, config: { 'target-burst-capacity': '0' } },
    );
    const scrapes: PodStat[] = [];
    const rec = new (class extends MemoryRecorder {
      stat(_rev: unknown, stat: PodStat, source: 'scrape' | 'activator'): void {
        if (source === 'scrape') scrapes.push({ ...stat });
      }
    })();
    new World(spec, rec).run();
    expect(rec.requests.filter((r) => r.status === STATUS_OVERLOADED)).toHaveLength(18);
    const counts = scrapes.map((s) => s.requestCount).filter((n) => n > 0);
    expect(counts).toEqual([40]);
  });
});

describe('activator in and out of the path', () => {
  const scenario = (tbc: string) =>
    world(
      [service('hello', [revision({ initialPods: 1, serviceTime: constant(1), annotations: { 'autoscaling.knative.dev/target-burst-capacity': tbc } })])],
      [{ kind: 'open', name: 'ramp', service: 'hello', process: 'uniform', rate: { shape: 'ramp', fromRps: 0, toRps: 600, startSeconds: 0, endSeconds: 100 }, startSeconds: 0, endSeconds: 150 }],
      { duration: 150 },
    );

  it('default TBC: Serve only once excess burst capacity ≥ 0', () => {
    const { rec } = run(scenario('211'));
    const ds = rec.decisionsOf('hello-00001').filter((d) => d.valid);
    const firstServe = ds.find((d) => d.sksMode === 'Serve')!;
    expect(firstServe).toBeDefined();
    for (const d of ds.filter((x) => x.time < firstServe.time)) expect(d.sksMode).toBe('Proxy');
    expect(firstServe.excessBurstCapacity).toBeGreaterThanOrEqual(0);
    // EBC = floor(ready × 100 − 211 − panic) ≥ 0 needs ready ≥ 3 even at no load.
    expect(firstServe.readyPods).toBeGreaterThanOrEqual(3);
    for (const d of ds) if (d.excessBurstCapacity < 0) expect(d.sksMode).toBe('Proxy');
    // Between two evaluations that both saw Serve, the ingress sends straight to pods.
    let direct = 0;
    for (let i = 1; i < ds.length; i++) {
      if (ds[i - 1]!.sksMode !== 'Serve' || ds[i]!.sksMode !== 'Serve') continue;
      for (const r of rec.requests) {
        if (r.arrival > ds[i - 1]!.time && r.arrival + 0.001 < ds[i]!.time) {
          expect(r.route).toBe('direct');
          direct++;
        }
      }
    }
    expect(direct).toBeGreaterThan(100);
  });

  it.each([
    [2, 'Proxy', -11],
    [3, 'Serve', 89],
  ])('idle with min-scale %i the SKS settles in %s (EBC %i)', (min, mode, ebc) => {
    const spec = world([service('hello', [revision({ initialPods: 0, annotations: { 'autoscaling.knative.dev/min-scale': String(min) } })])], [open(1, 1, 2)], { duration: 120 });
    const { rec } = run(spec);
    const last = rec.decisions.filter((d) => d.valid).at(-1)!;
    expect(last.readyPods).toBe(min);
    expect(last.sksMode).toBe(mode);
    expect(last.excessBurstCapacity).toBe(ebc);
  });

  it('TBC -1 keeps the activator in the path always', () => {
    const { rec } = run(scenario('-1'));
    expect(rec.decisions.every((d) => d.sksMode === 'Proxy')).toBe(true);
    expect(rec.requests.every((r) => r.route === 'activator')).toBe(true);
    expect(rec.decisions.filter((d) => d.valid).every((d) => d.excessBurstCapacity === -1)).toBe(true);
  });
});

describe('traffic split', () => {
  it('sends each revision its percent of requests (binomial 4σ)', () => {
    const spec = world(
      [service('hello', [revision({ name: 'hello-00001', initialPods: 2 }), revision({ name: 'hello-00002', generation: 2, initialPods: 2 })], [
        { revisionName: 'hello-00001', percent: 70 },
        { revisionName: 'hello-00002', percent: 20, tag: 'canary' },
        { revisionName: 'hello-00001', percent: 10, tag: 'stable' },
      ])],
      [open(100, 0, 100), { ...open(5, 0, 100), name: 'tagged', tag: 'canary' } as ClientSpec],
      { duration: 110 },
    );
    const { rec } = run(spec);
    const untagged = rec.requests.filter((r) => r.clientName === 'load');
    const n = untagged.length;
    const share2 = untagged.filter((r) => r.revision!.spec.name === 'hello-00002').length;
    const p = 0.2;
    expect(Math.abs(share2 - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    // A tag route reaches its revision 100 %.
    expect(rec.requests.filter((r) => r.clientName === 'tagged').every((r) => r.revision!.spec.name === 'hello-00002')).toBe(true);
  });
});

describe('scale bounds', () => {
  it('a revision with min-scale 3 holds 3 ready pods through an idle period', () => {
    const spec = world([service('hello', [revision({ initialPods: 0, annotations: { 'autoscaling.knative.dev/min-scale': '3' } })])], [open(5, 10, 20)], { duration: 300 });
    const { rec } = run(spec);
    const after = rec.samples.filter((s) => s.time > 30);
    expect(after.every((s) => s.ready === 3)).toBe(true);
    expect(rec.pods.filter((p) => p.event === 'Terminating')).toHaveLength(0);
  });
});

describe('determinism and independent random streams', () => {
  const build = (podStartMean: number, seed = 7) =>
    world([service('hello', [revision({ initialPods: 0, podStart: { scheduling: { dist: 'exponential', mean: podStartMean }, imagePull: constant(0), containerStart: constant(1), readiness: constant(0.2), kubeletReadyLag: { dist: 'uniform', min: 0, max: 1 } } })])], [open(40, 0, 120)], { duration: 200, seed });

  it('the same seed gives the same requests, decisions and pods', () => {
    const a = run(build(1)).rec;
    const b = run(build(1)).rec;
    const key = (r: typeof a) => JSON.stringify([r.requests.map((q) => [q.id, q.arrival, q.end, q.status, q.pod?.name]), r.decisions.map((d) => [d.time, d.desired, d.want]), r.pods.map((p) => [p.time, p.event])]);
    expect(key(a)).toBe(key(b));
    expect(key(a)).not.toBe(key(run(build(1, 8)).rec));
  });

  it('changing the pod-start model does not change client arrivals', () => {
    const a = run(build(1)).rec.requests.map((r) => r.arrival).sort((x, y) => x - y);
    const b = run(build(5)).rec.requests.map((r) => r.arrival).sort((x, y) => x - y);
    expect(b).toEqual(a);
  });
});

describe('routing state: a revision that leaves the traffic block becomes Unreachable', () => {
  it('blue/green: the old revision ignores its min-scale once traffic moves away; the new one keeps it', () => {
    const ann = { 'autoscaling.knative.dev/min-scale': '2' };
    const svc = service('hello', [
      revision({ name: 'hello-00001', initialPods: 2, annotations: ann }),
      revision({ name: 'hello-00002', generation: 2, initialPods: 2, annotations: ann }),
    ]);
    const spec = world(
      [{ ...svc, traffic: [{ atSeconds: 0, traffic: [{ revisionName: 'hello-00001', percent: 100 }] }, { atSeconds: 60, traffic: [{ revisionName: 'hello-00002', percent: 100 }] }] }],
      [open(20, 0, 300)],
      { duration: 300 },
    );
    const { rec } = run(spec);
    const blue = rec.requests.filter((r) => r.arrival > 1 && r.arrival < 59);
    const green = rec.requests.filter((r) => r.arrival > 61);
    expect(blue.every((r) => r.revision!.spec.name === 'hello-00001')).toBe(true);
    expect(green.every((r) => r.revision!.spec.name === 'hello-00002')).toBe(true);
    const end = (rev: string) => rec.samples.filter((s) => s.rev === rev).at(-1)!.ready;
    expect(end('hello-00001')).toBe(0);
    expect(end('hello-00002')).toBe(2);
    // Released from min-scale at 61 s, when the ingress reports the 60 s split Ready and the Route
    // turns Ready (the labeler clears only then), the KPA applies the decider's 1 pod at once; the
    // last pod goes once a stable window without traffic has passed.
    const oldTerminations = rec.pods.filter((p) => p.pod.revision.spec.name === 'hello-00001' && p.event === 'Terminating').map((p) => p.time);
    expect(oldTerminations).toHaveLength(2);
    expect(oldTerminations[0]).toBeCloseTo(60 + INGRESS_READY_SECONDS, 6);
    expect(oldTerminations[1]!).toBeGreaterThan(120);
    expect(oldTerminations[1]!).toBeLessThan(130);
  });
});

describe('summary: time to first ready pod', () => {
  it('is the first Ready pod of the revision, from the run start (as pods.csv has it), or 0 when one was Ready', async () => {
    const { RunRecorder } = await import('../../src/run/run-recorder.js');
    const { World } = await import('../../src/model/world.js');
    const summarize = (initialPods: number) => {
      const spec = world([service('hello', [revision({ initialPods })])], [open(5, 10, 20)], { duration: 30 });
      const rec = new RunRecorder({ outDir: undefined, trace: { mode: 'none' } });
      const w = new World(spec, rec);
      w.run();
      return rec.finish({ scenario: 't', seed: 1, simulatedSeconds: 30, events: w.sim.events, wallSeconds: 0 }).revisions[0]!;
    };
    // From zero: the first request at 10.06 s pokes the KPA; 0.5 s scheduling + 1 s start + 0.5 s readiness
    // + 0.5 s kubelet lag later the first pod is Ready.
    expect(summarize(0).timeToFirstReadySeconds).toBeCloseTo(10.06 + 2.501, 3);
    expect(summarize(1).timeToFirstReadySeconds).toBe(0);
  });
});

describe('scale to zero from Serve mode (the SKS change re-reconciles the PA)', () => {
  it('TBC 0: the activator was not in the path, so the last pod goes one grace period after it is', () => {
    const spec = world(
      [service('hello', [revision({ initialPods: 1, annotations: { 'autoscaling.knative.dev/target-burst-capacity': '0' } })])],
      [open(10, 0, 30)],
      { duration: 200 },
    );
    const { rec } = run(spec);
    expect(rec.requests.every((r) => r.route === 'direct')).toBe(true);
    const lastEnd = Math.max(...rec.requests.map((r) => r.end));
    const zero = rec.pods.filter((p) => p.event === 'Terminating').map((p) => p.time);
    expect(zero).toHaveLength(1);
    // ~60 s until the stable average is 0 (PA goes Inactive, SKS to Proxy), then the 30 s grace period.
    expect(zero[0]! - lastEnd).toBeGreaterThanOrEqual(88);
    expect(zero[0]! - lastEnd).toBeLessThanOrEqual(96);
  });
});

describe('scraper: old and young pods', () => {
  // One pod created at 0 that waits 70 s to be scheduled, then is ready at 72 s. Upstream
  // (pkg/resources/pods.go podIPWithCutoffProcessor) times a pod's age from status.startTime,
  // which the kubelet sets once the pod is bound, so with the 60 s stable window it is young
  // until 130 s, though it was created 130 s before that.
  const spec = world(
    [service('hello', [revision({ initialPods: undefined, podStart: { scheduling: constant(70), imagePull: constant(0), containerStart: constant(1), readiness: constant(0.5), kubeletReadyLag: constant(0.5) } })])],
    [],
    { duration: 80 },
  );
  const { world: w } = run(spec);
  const rev = w.services.get('hello')!.revisions[0]!;
  const pod = rev.readyPods.toArray()[0]!;

  it.each([
    [80, false],
    [129.5, false],
    [130, true],
    [200, true],
  ])('at %d s the pod is old: %s', (now, old) => {
    expect(pod.createdAt).toBe(0);
    expect(rev.autoscaler.isOldForScrape(pod, now)).toBe(old);
  });
});

describe('scraper: pods running before the run are old', () => {
  // A revision that existed before the run (initialPods) has been up for an unknown time, so
  // its pods are old from the start; a pod it creates during the run is young for a stable
  // window (60 s) from its start time.
  const spec = world([service('hello', [revision({ initialPods: 2, cc: 1, podStart: { scheduling: constant(0), imagePull: constant(0), containerStart: constant(1), readiness: constant(0.5), kubeletReadyLag: constant(0.5) } })])], [open(40, 0, 20)], { duration: 30 });
  const { world: w } = run(spec);
  const rev = w.services.get('hello')!.revisions[0]!;
  const pods = rev.readyPods.toArray();
  const before = pods.filter((p) => p.createdAt === 0);
  const created = pods.filter((p) => p.createdAt > 0);

  it('has both kinds of pods', () => {
    expect(before).toHaveLength(2);
    expect(created.length).toBeGreaterThan(0);
  });

  it.each([0, 1, 59])('at %d s the pre-run pods are old', (now) => {
    for (const p of before) expect(rev.autoscaler.isOldForScrape(p, now)).toBe(true);
  });

  it('a pod started during the run is young until a stable window after its status.startTime, which the API keeps in whole seconds', () => {
    expect(created.some((p) => p.startTime % 1 !== 0)).toBe(true);
    for (const p of created) {
      const start = Math.floor(p.startTime);
      expect(rev.autoscaler.isOldForScrape(p, start + 59.9)).toBe(false);
      expect(rev.autoscaler.isOldForScrape(p, start + 60)).toBe(true);
    }
  });
});
