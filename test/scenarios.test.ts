/**
 * Every shipped scenario runs, and shows what its description says, in numbers.
 * Expectations come from Knative's rules (targets, windows, bounds), not from past output.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../src/model/world.js';
import { loadScenario } from '../src/scenario/load.js';
import { MemoryRecorder } from './model/world-fixture.js';
import { runWorld, summarizeWorld } from '../src/run/run-world.js';
import { runSettings } from '../src/run/settings.js';
import { runKnsim } from './support/cli.js';

const dir = resolve(import.meta.dirname, '../scenarios');

function runScenario(name: string, sets: string[] = []) {
  const loaded = loadScenario(join(dir, `${name}.yaml`), { sets });
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  const reqs = rec.requests;
  const ok = reqs.filter((r) => r.status === 200);
  const byRev = (rev: string) => reqs.filter((r) => r.revision?.spec.name === rev);
  const ready = (rev: string, t: number) => rec.samples.filter((s) => s.rev === rev && s.time <= t).at(-1)?.ready ?? 0;
  const maxReady = (rev: string) => Math.max(0, ...rec.samples.filter((s) => s.rev === rev).map((s) => s.ready));
  const zeroAt = (rev: string) => rec.pods.filter((p) => p.pod.revision.spec.name === rev && p.event === 'Terminating').map((p) => p.time);
  const lastEnd = (rev: string) => Math.max(...byRev(rev).map((r) => r.end));
  return { loaded, world, rec, reqs, ok, byRev, ready, maxReady, zeroAt, lastEnd };
}

/** p99 (nearest rank) of the latencies of a run's 200s arriving in [from, to), rounded to the ms. */
function p99(run: ReturnType<typeof runScenario>, from: number, to: number): number {
  const ms = run.ok.filter((q) => q.arrival >= from && q.arrival < to).map((q) => (q.end - q.arrival) * 1000).sort((a, b) => a - b);
  return Math.round(ms[Math.ceil(ms.length * 0.99) - 1]!);
}

it('every file in scenarios/ is covered by this test', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
  expect(files).toEqual([...covered].sort());
});

const covered = new Set<string>();
const scenario = (name: string, fn: () => void) => {
  covered.add(name);
  describe(name, fn);
};

scenario('quickstart', () => {
  const r = runScenario('quickstart');
  it('cold-starts through the activator, serves everything, and returns to zero 60–95 s after the load', () => {
    expect(r.ok.length).toBe(r.reqs.length);
    const cold = r.reqs.filter((q) => q.cold);
    expect(cold.length).toBeGreaterThan(10);
    expect(cold.every((q) => q.arrival < 15)).toBe(true);
    // 30 rps × ~0.13 s mean ≈ 4 concurrent: one pod (target 70).
    expect(r.maxReady('hello-00001')).toBe(1);
    const zero = r.zeroAt('hello-00001');
    expect(zero).toHaveLength(1);
    expect(zero[0]! - r.lastEnd('hello-00001')).toBeGreaterThanOrEqual(60);
    expect(zero[0]! - r.lastEnd('hello-00001')).toBeLessThanOrEqual(95);
  });
});

scenario('hello-world', () => {
  const r = runScenario('hello-world');
  it('20 in-flight requests at target 0.7 per pod ask for ceil(20 / 0.7) = 29 pods, then scale to zero', () => {
    expect(r.maxReady('hello-00001')).toBe(29);
    const desired = Math.max(...r.rec.decisions.map((d) => d.desired));
    expect(desired).toBeGreaterThanOrEqual(29);
    expect(r.reqs.filter((q) => q.cold).length).toBeGreaterThanOrEqual(1);
    expect(r.ok.length).toBe(r.reqs.length);
    // Each user loops 1 s requests for 60 s: roughly 20 × 60 minus cold-start waits.
    expect(r.reqs.length).toBeGreaterThan(1000);
    expect(r.reqs.length).toBeLessThanOrEqual(1200);
    expect(r.ready('hello-00001', 299)).toBe(0);
    expect(r.rec.decisions.some((d) => d.inPanic)).toBe(true);
  });

  it('takes its last pod the instant its PA goes Inactive, in the reconcile that status write enqueues', () => {
    // The tick at 121.874 s finds the PA Active a whole window with desired 0: Inactive (and, the SKS
    // in Proxy all along, a requeue in 3 s). The KPA's PA informer sees that write and reconciles it
    // again at once: Inactive, the activators in the path long enough, zero then (not at 124.874 s,
    // nor at the next pod deletion, 123.874 s, as when only the requeue and the pods triggered it).
    const rev = r.world.services.get('hello')!.revisions[0]!;
    const terminating = r.rec.pods.filter((p) => p.event === 'Terminating').map((p) => p.time);
    expect(rev.autoscaler.pa.active).toBe('Inactive');
    expect(rev.autoscaler.pa.lastTransitionSeconds).toBeCloseTo(121.87354, 5);
    expect(Math.max(...terminating)).toBe(rev.autoscaler.pa.lastTransitionSeconds);
    expect([r.ready('hello-00001', 121), r.ready('hello-00001', 122)]).toEqual([1, 0]);
  });
});

scenario('spike-from-zero', () => {
  const r = runScenario('spike-from-zero');
  it('buffers the spike at the activator, panics, and returns to zero after', () => {
    const first = Math.min(...r.reqs.map((q) => q.arrival));
    expect(first).toBeGreaterThanOrEqual(30);
    const poke = r.rec.decisions.find((d) => d.poke)!;
    expect(poke.time - first).toBeLessThan(0.01);
    expect(r.reqs.filter((q) => q.cold).length).toBeGreaterThan(100);
    expect(r.rec.decisions.some((d) => d.inPanic)).toBe(true);
    // 200 rps × 0.24 s mean = 48 in flight needs ceil(48 / 7) = 7 pods; panic over-provisions beyond that.
    expect(r.maxReady('spiky-00001')).toBeGreaterThanOrEqual(7);
    expect(r.ready('spiky-00001', 299)).toBe(0);
    expect(r.ok.length).toBe(r.reqs.length);
  });
  it('makes about 48 concurrent, as the description says (it said 40, taking the 200 ms median for the mean)', () => {
    // Lognormal, median 200 ms, p99 800 ms: mean = 0.2 × exp(σ² / 2) with σ = ln 4 / z99, 0.239 s.
    const mean = r.reqs.reduce((s, q) => s + q.serviceTime, 0) / r.reqs.length;
    expect(200 * mean).toBeGreaterThan(46);
    expect(200 * mean).toBeLessThan(50);
    // What the panic window saw once the spike's queue had drained (from 44 s until it ends at 60 s).
    const seen = r.rec.decisions.filter((d) => d.time > 44 && d.time < 60).map((d) => d.observedPanic);
    expect(seen.reduce((s, v) => s + v, 0) / seen.length).toBeCloseTo(48, -0.5);
    const text = readFileSync(join(dir, 'spike-from-zero.yaml'), 'utf8').replace(/\s+/g, ' ');
    expect(text).toContain('make about 48 concurrent, ceil(48 / 7) = 7 pods');
  });
});

scenario('scale-to-zero-tail', () => {
  it('retention 2 m: the last pod goes max(grace, retention) after the PA turned inactive', () => {
    const r = runScenario('scale-to-zero-tail');
    const inactive = r.lastEnd('tail-00001') + 60;
    const zero = r.zeroAt('tail-00001')[0]!;
    expect(zero - inactive).toBeGreaterThanOrEqual(120);
    expect(zero - inactive).toBeLessThanOrEqual(130);
  });
  it('without retention the activator was already in the path, so zero comes a few seconds after inactive', () => {
    const r = runScenario('scale-to-zero-tail', ['configMaps.config-autoscaler.scale-to-zero-pod-retention-period=0s']);
    const zero = r.zeroAt('tail-00001')[0]!;
    expect(zero - r.lastEnd('tail-00001')).toBeGreaterThanOrEqual(60);
    expect(zero - r.lastEnd('tail-00001')).toBeLessThanOrEqual(70);
  });
});

scenario('blue-green', () => {
  const r = runScenario('blue-green');
  it('moves all default traffic to green once it is ready; blue keeps its tag until 3 m, then scales to zero', () => {
    const users = r.reqs.filter((q) => q.clientName === 'users');
    expect(users.filter((q) => q.arrival < 119).every((q) => q.revision!.spec.name === 'hello-blue')).toBe(true);
    expect(users.filter((q) => q.arrival > 125).every((q) => q.revision!.spec.name === 'hello-green')).toBe(true);
    expect(r.reqs.filter((q) => q.clientName === 'blue-check').every((q) => q.revision!.spec.name === 'hello-blue')).toBe(true);
    const zero = r.zeroAt('hello-blue').at(-1)!;
    expect(zero - r.lastEnd('hello-blue')).toBeGreaterThanOrEqual(60);
    expect(zero - r.lastEnd('hello-blue')).toBeLessThanOrEqual(95);
    expect(r.ready('hello-green', 359)).toBeGreaterThanOrEqual(1);
  });
});

scenario('canary', () => {
  const r = runScenario('canary');
  it('splits the default route 90/10 and sends the QA tag client only to the canary', () => {
    const users = r.reqs.filter((q) => q.clientName === 'users' && q.arrival > 65);
    const n = users.length;
    const canary = users.filter((q) => q.revision!.spec.name === 'hello-00002').length;
    expect(Math.abs(canary - 0.1 * n)).toBeLessThan(4 * Math.sqrt(n * 0.1 * 0.9));
    expect(r.reqs.filter((q) => q.clientName === 'qa').every((q) => q.revision!.spec.name === 'hello-00002')).toBe(true);
  });
});

scenario('rollout', () => {
  const r = runScenario('rollout');
  it('shifts traffic in steps over the rollout duration instead of at once', () => {
    const shares = r.rec.traffics.filter((t) => t.service === 'hello').map((t) => ({ time: t.time, p: t.percents.get('hello-00002') ?? 0 }));
    const start = shares.find((s) => s.p > 0)!;
    expect(start.p).toBe(1);
    const done = shares.find((s) => s.p === 100)!;
    // rollout-duration 120 s: the last step lands about 120 s after the 1 % start.
    expect(done.time - start.time).toBeGreaterThan(100);
    expect(done.time - start.time).toBeLessThanOrEqual(125);
    const steps = new Set(shares.filter((s) => s.time >= start.time && s.time <= done.time).map((s) => s.p));
    expect(steps.size).toBeGreaterThan(3);
    expect(r.ok.length).toBe(r.reqs.length);
  });
});

scenario('rps-metric', () => {
  const r = runScenario('rps-metric');
  it('tracks the request rate: 400 rps at 50 × 70 % = 35 rps per pod needs ceil(400 / 35) = 12 pods', () => {
    expect(r.rec.decisions.every((d) => d.rev.spec.autoscaling.metric === 'rps')).toBe(true);
    const late = r.rec.decisions.filter((d) => d.time > 300 && d.valid);
    const desired = late.map((d) => d.desired);
    expect(Math.min(...desired)).toBeGreaterThanOrEqual(11);
    expect(Math.max(...desired)).toBeLessThanOrEqual(13);
  });
});

scenario('scale-bounds', () => {
  const r = runScenario('scale-bounds');
  it('starts with initial-scale 3 pods and never goes below min-scale 2', () => {
    expect(r.world.services.get('bounded')!.revisions[0]!.spec.autoscaling.initialScale).toBe(3);
    expect(r.rec.pods.filter((p) => p.event === 'Pending' && p.time === 0)).toHaveLength(3);
    const after = r.rec.samples.filter((s) => s.time > 10);
    expect(Math.min(...after.map((s) => s.ready))).toBe(2);
    expect(r.ready('bounded-00001', 299)).toBe(2);
  });
  it('keeps the activator in the path all run, as the description says (it said the activator left it): 2 × 5 slots never reach a TBC of 211', () => {
    const decisions = r.rec.decisionsOf('bounded-00001');
    expect(decisions.length).toBeGreaterThan(100);
    expect(decisions.every((d) => d.sksMode === 'Proxy' && d.excessBurstCapacity < 0)).toBe(true);
    expect(readFileSync(join(dir, 'scale-bounds.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('the activator staying in the path all along');
  });
});

scenario('scale-down-delay', () => {
  const r = runScenario('scale-down-delay');
  it('holds the burst pod count between bursts, so later bursts find warm pods', () => {
    const rev = r.world.services.get('bursty')!.revisions[0]!.spec.name;
    const peak = r.maxReady(rev);
    expect(peak).toBeGreaterThan(1);
    // Between bursts (40 s → 160 s) the 2 m delay keeps every pod.
    expect(r.ready(rev, 150)).toBe(r.ready(rev, 45));
    const later = r.reqs.filter((q) => q.arrival > 160 && q.arrival < 190);
    expect(later.every((q) => !q.cold)).toBe(true);
  });
  it('halves the count once per 2 minutes from the first burst\'s 21, before and through the third burst, as the description says (it said the decay only started after the last burst)', () => {
    const rev = r.world.services.get('bursty')!.revisions[0]!.spec.name;
    expect([100, 250, 330, 450, 590].map((t) => r.ready(rev, t))).toEqual([21, 10, 5, 2, 1]);
    const steps = r.rec.decisionsOf(rev).filter((d, i, all) => i > 0 && d.desired < all[i - 1]!.desired && d.time > 100).map((d) => Math.round(d.time));
    expect(steps).toEqual([196, 316, 436, 556]);
    expect(readFileSync(join(dir, 'scale-down-delay.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('the count halves once per 2 minutes, from the first burst\'s 21 pods at about 200 s');
  });
  it('starts the first burst cold, as the description says: the idle pod that ran before the run is gone at 1.8 s (its activator endpoints long populated), before the burst at 10 s', () => {
    const rev = r.world.services.get('bursty')!.revisions[0]!.spec.name;
    // The first valid tick (1.844 s) marks the PA Inactive; the reconcile that write enqueues takes it to zero.
    expect(r.zeroAt(rev)[0]).toBeCloseTo(1.844, 3);
    expect(r.ready(rev, 9)).toBe(0);
    expect(r.reqs.filter((q) => q.cold).length).toBe(191);
    expect(r.reqs.filter((q) => q.cold).every((q) => q.arrival >= 10 && q.arrival < 40)).toBe(true);
    expect(readFileSync(join(dir, 'scale-down-delay.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('so the first burst starts cold');
  });
  it('without the delay the same bursts scale down in between', () => {
    const r2 = runScenario('scale-down-delay', ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/scale-down-delay"]=0s']);
    const rev = r2.world.services.get('bursty')!.revisions[0]!.spec.name;
    expect(r2.ready(rev, 150)).toBeLessThan(r.ready(rev, 150));
  });
});

scenario('wait-for-zero', () => {
  const r = runScenario('wait-for-zero');
  const sent = (client: string) => r.reqs.filter((q) => q.clientName === client).sort((a, b) => a.arrival - b.arrival);
  const probe = sent('probe');
  const after = sent('after-zero');
  const readyAt = r.rec.pods.find((p) => p.event === 'Ready')!.time;
  const zero = r.zeroAt('hello-00001');
  it('the probe starts at the first Ready pod and sends for 20 s: 1 user, 1 s think + 0.1 s work + 1 ms ingress → 19 requests', () => {
    expect(probe[0]!.arrival).toBe(readyAt);
    expect(probe).toHaveLength(Math.floor(20 / 1.101) + 1);
    expect(probe.every((q) => q.status === 200 && !q.cold)).toBe(true);
  });
  it('the revision reaches zero a stable window (60 s) after the probe, within the 30 s grace period and a tick', () => {
    expect(zero).toHaveLength(2);
    const idle = zero[0]! - probe.at(-1)!.end;
    expect(idle).toBeGreaterThanOrEqual(60);
    expect(idle).toBeLessThanOrEqual(60 + 30 + 2);
  });
  it('after-zero starts exactly 5 s after zero, 2 rps for 30 s = 60 requests; the first cold-starts a pod in 2.15 s', () => {
    expect(after[0]!.arrival).toBe(zero[0]! + 5);
    expect(after).toHaveLength(60);
    expect(after.every((q) => q.status === 200)).toBe(true);
    // Scheduling 0.5 s, container 1 s, readiness 0.5 s: 2.0 s. The activator's watcher ticks every 0.2 s from the
    // revision's creation: its first round after the container came up starts the queue-proxy's 50 ms check, whose
    // steps here see the app 49 ms after it passes; + 100 ms work + 1 ms ingress.
    expect(after[0]!.cold).toBe(true);
    expect(after[0]!.end - after[0]!.arrival).toBeCloseTo(2.15, 6);
    expect(after.filter((q) => !q.cold).length).toBeGreaterThan(50);
    // The 5 sent before the activator finds the pod (2.05 s) are the cold ones, as the description says (it said only
    // the first was); the fifth, sent at 2.0 s, reaches the activator (1 ms ingress) 48 ms before the pod is found.
    expect(after.filter((q) => q.cold).map((q) => q.arrival - after[0]!.arrival)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(readFileSync(join(dir, 'wait-for-zero.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('Its first requests, the 5 sent before the activator finds the new pod (2.05 s), find no pod');
    // And back to zero once it stops.
    expect(zero[1]!).toBeGreaterThan(after.at(-1)!.end + 60);
  });
});

scenario('crash-recovery', () => {
  const POD = 'api-00001-deployment-0001';
  const TBC_OFF = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-burst-capacity"]=-1';
  const MESH_DISABLED = 'configMaps.config-network.mesh-compatibility-mode=disabled';
  const r = runScenario('crash-recovery');
  const pod1 = r.rec.pods.filter((p) => p.pod.name === POD && p.time > 0).map((p) => [p.event, Number(p.time.toFixed(6))]);
  const failed = (run: typeof r) => run.reqs.filter((q) => q.status === 502);
  // A 502 at the instant of an exit was inside the pod; the others reached it after its restart.
  const exits = new Set([120, 300, 316, 342, 388]);
  const early = (run: typeof r) => failed(run).filter((q) => !exits.has(Number(q.end.toFixed(6))));
  it('restarts the container at once, then after 10, 20, 40 and 80 s; Ready as it runs after the short outages, only once its app answers after the long ones', () => {
    expect(pod1).toEqual([
      ['CrashLoopBackOff', 120], ['Restarted', 120], ['Ready', 121], ['ActivatorHealthy', 121.5],
      ['CrashLoopBackOff', 300], ['Restarted', 310], ['Ready', 311], ['ActivatorHealthy', 311.5],
      ['CrashLoopBackOff', 316], ['Restarted', 336], ['Ready', 337], ['ActivatorHealthy', 337.5],
      ['CrashLoopBackOff', 342], ['Restarted', 382], ['Ready', 383.5], ['ActivatorHealthy', 383.5],
      ['CrashLoopBackOff', 388], ['Restarted', 468], ['Ready', 469.5], ['ActivatorHealthy', 469.5],
    ]);
  });
  it('fails 22 of the 17,945 answered requests: 6 inside the pod at its exits, 6 + 5 + 5 sent to it before its app answered', () => {
    expect(r.reqs).toHaveLength(17945);
    expect(failed(r)).toHaveLength(22);
    const before = early(r).map((q) => Math.floor(q.podIn!));
    expect(before.filter((t) => t === 121)).toHaveLength(6);
    expect(before.filter((t) => t === 311)).toHaveLength(5);
    expect(before.filter((t) => t === 337)).toHaveLength(5);
    expect(before).toHaveLength(16);
    expect(early(r).every((q) => q.route === 'direct' && q.pod?.name === POD)).toBe(true);
  });
  it('through the activators only the 5 requests inside the pod at its exits fail, and trusting Ready (mesh-compatibility-mode disabled) brings the 22 back', () => {
    const viaActivator = runScenario('crash-recovery', [TBC_OFF]);
    expect(failed(viaActivator)).toHaveLength(5);
    expect(early(viaActivator)).toHaveLength(0);
    const trusting = runScenario('crash-recovery', [TBC_OFF, MESH_DISABLED]);
    expect(failed(trusting)).toHaveLength(22);
    expect(early(trusting)).toHaveLength(16);
    expect(early(trusting).every((q) => q.route === 'activator')).toBe(true);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'crash-recovery.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['the 6 requests the ingress sends the pod in between get 502', '10, 20, 40, 80 s', '(5 more 502s each time)', '(6 of them): 22 of the 17,945 requests answered fail', 'only the 5 requests inside the pod at its exits fail', 'the 22 failures come back']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('llm-streaming', () => {
  const r = runScenario('llm-streaming');
  it('streamed: only requests that waited past the response start timeout for a slot fail, at 15 s, while new pods pull their image', () => {
    expect(r.reqs).toHaveLength(703);
    const cut = r.reqs.filter((q) => q.status === 504);
    expect(cut).toHaveLength(34);
    expect(r.ok).toHaveLength(669);
    for (const q of cut) {
      expect(q.end - q.routedAt).toBeCloseTo(15, 6);
      // Its first byte would have come after the timer (or it never started).
      expect(Number.isNaN(q.serviceStart) || q.serviceStart + 0.8 > q.routedAt + 15).toBe(true);
      expect(q.arrival).toBeGreaterThanOrEqual(5 * 60 + 7);
      expect(q.arrival).toBeLessThan(5 * 60 + 55);
    }
    const s = summarizeWorld(r.loaded.world);
    expect(s.overall.firstByteMs!.p99).toBeCloseTo(13443.1, 1);
    expect(s.overall.firstByteMs!.p50).toBeCloseTo(801.3, 1);
  });
  it('written whole, the same 15 s timer cuts every answer longer than that: 531 of 703', () => {
    const whole = runScenario('llm-streaming', ['services[0].app.stream.firstByte=1h']);
    expect(whole.reqs).toHaveLength(703);
    expect(whole.reqs.filter((q) => q.status === 504)).toHaveLength(531);
  });
});

scenario('websocket-scale-down', () => {
  const r = runScenario('websocket-scale-down');
  const delay = (d: string) => [`services[0].manifest.spec.template.metadata.annotations={autoscaling.knative.dev/scale-down-delay: "${d}"}`];
  const closedOf = (run: typeof r) => run.reqs.filter((q) => q.closedAtShutdown);
  it('scale-downs close 164 of the 743 sessions that ended, each 30 s after its pod started terminating, none by a timer', () => {
    expect(r.reqs).toHaveLength(743);
    expect(r.ok).toHaveLength(743);
    const closed = closedOf(r);
    expect(closed).toHaveLength(164);
    for (const q of closed) {
      expect(q.end).toBeCloseTo(q.pod!.terminatingAt + 30, 9);
      expect(q.end - q.serviceStart).toBeLessThan(q.serviceTime);
    }
    const ends = closed.map((q) => q.end).sort((a, b) => a - b);
    expect(ends[0]).toBeCloseTo(13 * 60 + 37.837, 3);
    expect(ends.at(-1)).toBeCloseTo(25 * 60 + 21.837, 3);
    const open = closed.map((q) => q.end - q.serviceStart).sort((a, b) => a - b);
    // The median of 164: the mean of the 82nd and 83rd.
    expect(Math.round((open[81]! + open[82]!) / 2)).toBe(322);
    expect(r.maxReady('chat-00001')).toBe(46);
  });
  it('scale-down-delay closes fewer at a price in pod-hours: 5m 86 (14.4 h against 10.4 h), 10m 38 (16.5 h)', () => {
    const hours = (run: typeof r) => summarizeWorld(run.loaded.world).overall.podHours;
    const d5 = runScenario('websocket-scale-down', delay('5m'));
    const d10 = runScenario('websocket-scale-down', delay('10m'));
    expect([closedOf(d5).length, closedOf(d10).length]).toEqual([86, 38]);
    expect([hours(r), hours(d5), hours(d10)].map((h) => Math.round(h * 10) / 10)).toEqual([10.4, 14.4, 16.5]);
  });
  it('the README\'s tune over the delay picks 5m: 15.1 pod-hours, 10.5 % of the sessions closed (mean of seeds 1 to 3)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-ws-tune-')), 'tune');
    const key = 'services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/scale-down-delay"]';
    const res = runKnsim(['tune', join(dir, 'websocket-scale-down.yaml'), '--space', `${key}=0s,2m,5m,10m`, '--slo', 'sessionsClosed<=15%', '--objective', 'podHours', '--replications', '3', '--workers', '1', '--out', out, '--no-report']);
    expect(res.code, res.stderr).toBe(0);
    const winner = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')).winner;
    expect(winner.values[key]).toBe('5m');
    expect(winner.metrics.pod_hours.mean.toFixed(1)).toBe('15.1');
    expect((winner.metrics.sessions_closed_rate.mean * 100).toFixed(1)).toBe('10.5');
    const readme = readFileSync(join(dir, '../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('picks 5m (15.1 pod-hours, 10.5 % of the sessions closed, over seeds 1 to 3)');
  });
});

scenario('hang', () => {
  const POD = 'orders-00001-deployment-0001';
  const LIVENESS = 'services[0].manifest.spec.template.spec.containers[0].livenessProbe';
  const r = runScenario('hang');
  const none = runScenario('hang', [`${LIVENESS}=null`]);
  const byStatus = (run: typeof r, status: number) => run.reqs.filter((q) => q.status === status);
  const readyFrom = (run: typeof r, t: number) => run.rec.samples.filter((x) => x.time >= t).map((x) => x.ready);
  const KILL = 145.26885;
  it('stays in the endpoints (TCP readiness passes); the liveness probe gets the container killed at its third failure, 145.3 s, and it restarts at once', () => {
    const pod1 = r.rec.pods.filter((p) => p.pod.name === POD && p.time > 0).map((p) => [p.event, Number(p.time.toFixed(6))]);
    expect(pod1.slice(0, 5)).toEqual([['LivenessFailed', KILL], ['CrashLoopBackOff', KILL], ['Restarted', KILL], ['Ready', KILL + 1], ['ActivatorHealthy', KILL + 1.5]]);
    // Kubernetes' defaults: the third of the ticks 10 s apart from the first at or after the hang, plus the 1 s timeout.
    expect(KILL - 120).toBeGreaterThanOrEqual(21);
    expect(KILL - 120).toBeLessThan(31);
    expect(r.rec.pods.some((p) => p.pod.name === POD && p.event === 'NotReady')).toBe(false);
  });
  it('its queue-proxy holds 4 running and 40 waiting, which get 502 at the kill, and answers 503 when full (29 times); 73 of 11,910 fail', () => {
    expect(r.reqs).toHaveLength(11910);
    const b502 = byStatus(r, 502);
    expect(b502).toHaveLength(44);
    for (const q of b502) expect(q.end).toBeCloseTo(KILL, 6);
    expect(b502.filter((q) => q.serviceStart <= q.podIn + 1e-9)).toHaveLength(4);
    const b503 = byStatus(r, 503);
    expect(b503).toHaveLength(29);
    for (const q of [...b502, ...b503]) {
      expect(q.pod?.name).toBe(POD);
      expect(q.podIn).toBeGreaterThanOrEqual(120 - 1);
      expect(q.podIn).toBeLessThanOrEqual(KILL);
    }
    expect(r.reqs.length - r.ok.length).toBe(73);
  });
  it('the scraper\'s estimate takes the KPA to 52 pods, back to 3 by 210 s', () => {
    expect(r.maxReady('orders-00001')).toBe(52);
    expect(readyFrom(r, 210).every((n) => n === 3)).toBe(true);
  });
  it('without the liveness probe (or with a tcpSocket one) it stays hung: 221 time out after 60 s, 99 get 503, 20 still wait; 6 to 149 pods', () => {
    expect(none.rec.pods.some((p) => p.pod.name === POD && p.time > 0)).toBe(false);
    const b504 = byStatus(none, 504);
    expect(b504).toHaveLength(221);
    for (const q of b504) {
      expect(q.pod?.name).toBe(POD);
      // The revision timeout runs from routing, after the ingress's 1 ms hop.
      expect(q.end - q.arrival).toBeCloseTo(60.001, 6);
    }
    expect(byStatus(none, 503)).toHaveLength(99);
    expect(none.world.requestsSent - none.reqs.length).toBe(20);
    expect(none.maxReady('orders-00001')).toBe(149);
    expect(Math.min(...readyFrom(none, 150))).toBe(6);
    const tcp = runScenario('hang', [`${LIVENESS}={tcpSocket: {}}`]);
    expect(tcp.reqs.map((q) => q.status)).toEqual(none.reqs.map((q) => q.status));
  });
  it('costs 1.71 pod-hours with the probe, 10.79 without', () => {
    expect(summarizeWorld(r.loaded.world).overall.podHours.toFixed(2)).toBe('1.71');
    expect(summarizeWorld(none.loaded.world).overall.podHours.toFixed(2)).toBe('10.79');
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'hang.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['until 4 run (and never finish) and 40 wait, then answers 503 (29 times)', 'scales to 52 pods', 'at its third failure, 145.3 s', 'the 44 requests inside get 502', 'back at 3 pods by 210 s: 73 of the 11,910 requests answered fail, 1.71 pod-hours', '(221 get 504, 99 get 503, 20 still wait at the end)', 'between 6 and 149 pods: 10.79 pod-hours']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('autoscaler-restart', () => {
  const r = runScenario('autoscaler-restart');
  const up = runScenario('autoscaler-restart', ['updates=[]']);
  const apiDecisions = (run: typeof r) => run.rec.decisions.filter((d) => d.rev.spec.name === 'api-00001');
  const waitingAt = (run: typeof r, t: number) => run.rec.samples.find((x) => x.rev === 'api-00001' && x.time === t)!.waiting;
  const p99 = (run: typeof r, rev: string) => {
    const l = run.byRev(rev).filter((q) => q.status === 200).map((q) => q.end - q.arrival).sort((a, b) => a - b);
    return l[Math.ceil(0.99 * l.length) - 1]!;
  };
  const firstRequest = (run: typeof r) => run.byRev('reports-00001').reduce((a, b) => (a.arrival < b.arrival ? a : b));
  it('decides nothing from 120 s to 150 s; the new decider ticks first at 152 s, in panic, and asks for 71 then 76 pods', () => {
    const d = apiDecisions(r);
    expect(d.filter((x) => x.time > 120 && x.time < 150)).toEqual([]);
    const after = d.filter((x) => x.time >= 150);
    expect(after.slice(0, 2).map((x) => [x.time, x.desired, x.inPanic])).toEqual([[152, 71, true], [154, 76, true]]);
    // 432 wait when the autoscaler is back; the queue peaks 4 s later, before the activator finds the new pods.
    expect(waitingAt(r, 150)).toBe(432);
    expect(waitingAt(r, 152)).toBe(502);
    expect(waitingAt(r, 153)).toBe(532);
    expect(waitingAt(r, 154)).toBe(541);
    expect(Math.max(...r.rec.samples.filter((x) => x.rev === 'api-00001').map((x) => x.waiting))).toBe(541);
  });
  it('peaks at 76 ready pods against 20 with the autoscaler up; api p99 1.82 s against 0.42 s; 2.68 pod-hours against 1.21', () => {
    expect(r.maxReady('api-00001')).toBe(76);
    expect(up.maxReady('api-00001')).toBe(20);
    expect(p99(r, 'api-00001')).toBeCloseTo(1.818, 2);
    expect(p99(up, 'api-00001')).toBeCloseTo(0.42, 2);
    expect(summarizeWorld(r.loaded.world).overall.podHours.toFixed(2)).toBe('2.68');
    expect(summarizeWorld(up.loaded.world).overall.podHours.toFixed(2)).toBe('1.21');
    expect(r.ok.length).toBe(r.reqs.length);
  });
  it('creates the reports pod only at 152 s, so its first request (5.6 s into the outage) takes 28.7 s, against 2.3 s', () => {
    const pod = r.rec.pods.find((p) => p.pod.revision.spec.name === 'reports-00001')!;
    expect([pod.event, pod.time]).toEqual(['Pending', 152]);
    const first = firstRequest(r);
    expect(first.arrival - 120).toBeCloseTo(5.58, 2);
    expect(first.end - first.arrival).toBeCloseTo(28.72, 2);
    const firstUp = firstRequest(up);
    // The pod's 2.0 s start, then the activator's next 50 ms step of the queue-proxy's check, 100 ms of work.
    expect(firstUp.end - firstUp.arrival).toBeCloseTo(2.32, 2);
  });
  it('swept over the downtime (10, 30, 60 s; 5 replications), api\'s mean p99 is 0.27, 1.77 and 4.0 s and its mean peak 14, 74 and 159 pods, as the README says', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-restart-sweep-')), 'sweep');
    const res = runKnsim(['sweep', join(dir, 'autoscaler-restart.yaml'), '--grid', 'updates[0].restartAutoscaler.downtime=10s,30s,60s', '--out', out, '--no-report']);
    expect(res.code, res.stderr).toBe(0);
    const [head, ...rows] = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    const col = (name: string) => head!.split(',').indexOf(name);
    const cells = rows.map((r) => r.split(','));
    expect(cells.map((c) => c[col('replications')])).toEqual(['5', '5', '5']);
    expect(cells.map((c) => (Number(c[col('p99_ms_mean')]) / 1000).toFixed(2))).toEqual(['0.27', '1.77', '4.00']);
    expect(cells.map((c) => Math.round(Number(c[col('max_pods_mean')])))).toEqual([14, 74, 159]);
    const readme = readFileSync(join(dir, '../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('a sweep over `updates[0].restartAutoscaler.downtime` of 10, 30 and 60 s (5 replications) gives api a p99 of 0.27, 1.77 and 4.0 s and 14, 74 and 159 pods at most');
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'autoscaler-restart.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['(432 requests waiting when it is back, 541 at most 4 s later)', 'asks for 71, then 76 pods, where the same spike with the autoscaler up peaks at 20', "api's p99 goes from 0.42 s to 1.82 s and the run costs 2.68 pod-hours instead of 1.21", 'first request 5.6 s into the outage', 'that request takes 28.7 s (2.3 s with the autoscaler up)']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('activator-crash', () => {
  const r = runScenario('activator-crash');
  const two = runScenario('activator-crash', ['cluster.activators=2']);
  const failed = (run: typeof r) => run.reqs.filter((q) => q.status === 503);
  const firstReady = (run: typeof r) => run.rec.pods.find((p) => p.event === 'Ready')!.time;
  it('with one activator: the 133 it held fail at the crash, then 258 find no endpoint until the first pod is Ready 4.9 s later', () => {
    const f = failed(r);
    expect(f.filter((q) => q.end === 63)).toHaveLength(133);
    const after = f.filter((q) => q.end !== 63);
    expect(after).toHaveLength(258);
    expect(firstReady(r) - 63).toBeCloseTo(4.86, 2);
    for (const q of after) {
      expect(q.arrival).toBeGreaterThan(63);
      expect(q.end).toBeLessThan(firstReady(r));
    }
    // Then straight to the pods until the activator is back.
    expect(r.reqs.filter((q) => q.arrival > firstReady(r) + 0.01 && q.arrival < 73).every((q) => q.route === 'direct' && q.status === 200)).toBe(true);
  });
  it('with two: only the 67 the crashed one held fail; the other takes every request until it is back', () => {
    const f = failed(two);
    expect(f).toHaveLength(67);
    expect(f.every((q) => q.end === 63 && q.activator?.index === 0)).toBe(true);
    expect(new Set(two.reqs.filter((q) => q.route === 'activator' && q.activatorIn >= 63 && q.activatorIn < 73).map((q) => q.activator!.index))).toEqual(new Set([1]));
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'activator-crash.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['the 133 requests it held fail with 503 at once', 'until the first pod is Ready, 4.9 s later, the ingress has no endpoint at all (258 more 503s)', 'only the 67 requests the crashed activator held fail']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('activator-rollout', () => {
  const r = runScenario('activator-rollout');
  const direct = runScenario('activator-rollout', ['services[0].manifest.spec.template.metadata.annotations["autoscaling.knative.dev/target-burst-capacity"]=0']);
  const jobs = (run: typeof r) => run.byRev('transcode-00001');
  it('moves new requests to the new activator when it is Ready at 310 s; no API request fails', () => {
    const via = (from: number, to: number) => new Set(r.reqs.filter((q) => q.route === 'activator' && q.activatorIn >= from && q.activatorIn < to).map((q) => q.activator!.index));
    expect(via(0, 310)).toEqual(new Set([0]));
    expect(via(310, 1800)).toEqual(new Set([1]));
    const api = r.byRev('api-00001');
    expect(api.length).toBeGreaterThan(30000);
    expect(api.every((q) => q.status === 200 && q.route === 'activator')).toBe(true);
  });
  it('kills the old activator at 15m10s (deleted at 310 s, 600 s grace): the 7 jobs it still proxied fail after 10.6 to 14.4 min of work', () => {
    const held = jobs(r).filter((q) => q.activator?.index === 0);
    const failed = held.filter((q) => q.status === 503);
    expect(failed).toHaveLength(7);
    expect(failed.every((q) => q.end === 910)).toBe(true);
    const worked = failed.map((q) => (q.end - q.serviceStart) / 60);
    expect(Math.min(...worked)).toBeCloseTo(10.6, 1);
    expect(Math.max(...worked)).toBeCloseTo(14.4, 1);
    // The 8th it held had just finished: a 15-minute job that started before 10 s.
    const done = held.filter((q) => q.status === 200);
    expect(done).toHaveLength(1);
    expect(done[0]!.end).toBeLessThan(910);
    expect(r.reqs.filter((q) => q.status !== 200)).toEqual(failed);
  });
  it("puts 2 of the new activator's jobs on pods still running the old one's: they wait in the queue-proxies from 340 s until 910 s", () => {
    // Each activator counts only what it sent itself; the new one sees every pod free.
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-rollout-')), 'run');
    runWorld(r.loaded.world, { outDir: out, trace: { mode: 'none' } });
    const lines = readFileSync(join(out, 'timeseries.csv'), 'utf8').trim().split('\n');
    const cols = lines[0]!.split(',');
    const queued = lines
      .slice(1)
      .map((l) => l.split(','))
      .filter((f) => f[cols.indexOf('revision')] === 'transcode-00001' && Number(f[cols.indexOf('pod_queued')]) > 0)
      .map((f) => [Number(f[cols.indexOf('time_s')]), Number(f[cols.indexOf('pod_queued')])]);
    expect(queued[0]).toEqual([340, 1]);
    expect(queued.find((q) => q[1] === 2)![0]).toBe(345);
    expect(Math.max(...queued.map((q) => q[1]!))).toBe(2);
    expect(queued.at(-1)![0]).toBe(909);
  });
  // Those two jobs, followed to their end (a minute past the scenario's 30): nothing leaks. Each pod's one slot
  // (containerConcurrency 1) holds an old-activator job that would run until 1132 s or 1172 s; the kill at 910 s ends
  // it with 503, the queue-proxy's breaker frees the slot as its handler returns, and the queued job starts then,
  // 1470 s into its 1800 s timeout.
  const longer = runScenario('activator-rollout', ['duration=31m']);
  const ipOf = (ip: number) => [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');
  it.each([
    { arrival: 339.754, pod: 'transcode-00001-deployment-0008', ip: '10.0.0.10', ahead: 232.311, aheadWouldEnd: 1132.312 },
    { arrival: 344.174, pod: 'transcode-00001-deployment-0009', ip: '10.0.0.11', ahead: 271.968, aheadWouldEnd: 1171.969 },
  ])('the job of $arrival s waits at $pod ($ip) behind the old activator\'s job of $ahead s, until the kill at 910 s ends that one', (row) => {
    const job = jobs(longer).find((q) => Math.abs(q.arrival - row.arrival) < 5e-4)!;
    expect(job.activator!.index).toBe(1);
    expect([job.pod!.name, ipOf(job.pod!.ip)]).toEqual([row.pod, row.ip]);
    // Sent on at once: the new activator counted the pod free.
    expect(job.podIn - job.arrival).toBeLessThan(0.01);
    expect([job.serviceStart, job.end, job.status]).toEqual([910, 1810, 200]);
    const ahead = jobs(longer).filter((q) => q !== job && q.pod === job.pod && q.serviceStart < job.arrival && q.end > job.arrival);
    expect(ahead).toHaveLength(1);
    expect(ahead[0]!.activator!.index).toBe(0);
    expect(ahead[0]!.arrival).toBeCloseTo(row.ahead, 3);
    expect([ahead[0]!.end, ahead[0]!.status]).toEqual([910, 503]);
    expect(ahead[0]!.serviceStart + 900).toBeCloseTo(row.aheadWouldEnd, 3);
  });
  it('puts only those 2 there: first-available tries pods in `IP:8012` string order, where 10.0.0.10 and .11 come first, then the free new pods, and the old ones (10.0.0.3 to .9) last', () => {
    const sent = jobs(longer).filter((q) => q.activator?.index === 1).sort((a, b) => a.arrival - b.arrival);
    expect(sent.slice(0, 3).map((q) => ipOf(q.pod!.ip))).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    expect(sent[2]!.serviceStart - sent[2]!.arrival).toBeLessThan(0.01);
    // Before the kill it never reached the pods the old activator's other jobs held.
    const oldPods = new Set(jobs(longer).filter((q) => q.activator?.index === 0 && q.end >= 310).map((q) => q.pod));
    expect(oldPods.size).toBe(8);
    expect(sent.filter((q) => q.arrival < 910 && oldPods.has(q.pod)).map((q) => ipOf(q.pod!.ip))).toEqual(['10.0.0.10', '10.0.0.11']);
  });
  it('with target-burst-capacity 0 the jobs reach the pods directly once one is Ready, and nothing fails', () => {
    expect(direct.reqs.filter((q) => q.status !== 200)).toEqual([]);
    const viaActivator = jobs(direct).filter((q) => q.route === 'activator');
    expect(viaActivator).toHaveLength(1);
    expect(viaActivator[0]!.cold).toBe(true);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'activator-rollout.yaml'), 'utf8').replace(/\s+/g, ' ');
    // The default it names is the one both revisions run with.
    expect(runSettings(r.loaded.world).revisions.map((s) => s.targetBurstCapacity)).toEqual([211, 211]);
    for (const phrase of ['the default target-burst-capacity, 211, exceeds their spare capacity', 'the new activator is Ready 10 s later', 'No API request fails', 'puts 2 jobs on pods still running the old one\'s (the first two it tries: pods go in `IP:8012` string order, 10.0.0.10 before 10.0.0.3), where they wait in the queue-proxies from 5m40s until the kill ends the jobs ahead of them', 'at 15m10s it is killed, and the 7 jobs it still proxied fail with 503 after 10.6 to 14.4 minutes of work', 'the rollout fails nothing']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('karpenter-drift', () => {
  const r = runScenario('karpenter-drift');
  const pdb = runScenario('karpenter-drift', [
    'podDisruptionBudgets=[{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: api-pdb}, spec: {maxUnavailable: 1, selector: {matchLabels: {serving.knative.dev/service: api}}}}]',
  ]);
  const nodeEvents = (run: typeof r, event: string) => run.rec.nodeEvents.filter((n) => n.event === event);
  it('marks the three nodes Drifted at 5m and replaces them one at a time, each drained once the nodes its pods need are Ready', () => {
    expect(nodeEvents(r, 'Drifted').map((n) => [n.node, n.time])).toEqual([
      ['std-4-001', 300],
      ['std-4-002', 300],
      ['std-4-003', 300],
    ]);
    const at = (node: string, event: string) => nodeEvents(r, event).find((n) => n.node === node)!.time;
    // A drifted node with a replacement is tainted when it is requested, drained at the queue's first look after that node is Ready, deleted after its pods' 30 s drain.
    for (const [old, fresh] of [
      ['std-4-001', 'std-4-004'],
      ['std-4-003', 'std-4-007'],
    ] as const) {
      expect(at(fresh, 'Requested')).toBe(at(old, 'Tainted'));
      expect(at(fresh, 'Ready') - at(fresh, 'Requested')).toBeGreaterThan(60);
      // (The KPA's own scale-downs terminate pods earlier; the drain's evictions come after the new node is Ready.)
      const drained = r.rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === old && p.time >= at(fresh, 'Ready'))[0]!.time;
      expect(drained).toBe(Math.ceil(at(fresh, 'Ready') - at(old, 'Tainted')) + at(old, 'Tainted'));
      expect(at(old, 'Deleted')).toBeCloseTo(drained + 30, 6);
    }
    // One at a time: the next is tainted only after the previous is deleted.
    expect(at('std-4-002', 'Tainted')).toBeGreaterThan(at('std-4-001', 'Deleted'));
    expect(at('std-4-003', 'Tainted')).toBeGreaterThan(at('std-4-002', 'Deleted'));
    // std-4-002 needs no new node: its pods go onto std-4-005, launched for the panic's pods and Ready (empty) at 449.4 s,
    // which the provisioning passes for those pods nominated until past 451 s, so emptiness did not take it. It is drained at once.
    expect(at('std-4-005', 'Ready')).toBeLessThan(at('std-4-002', 'Tainted'));
    expect(nodeEvents(r, 'Requested').some((n) => n.time === at('std-4-002', 'Tainted'))).toBe(false);
    const moved = r.rec.pods.filter((p) => p.event === 'Scheduled' && p.time > at('std-4-002', 'Tainted') && p.time < at('std-4-002', 'Tainted') + 1);
    expect(moved.map((p) => p.pod.node?.name)).toEqual(['std-4-005', 'std-4-005']);
    expect(at('std-4-002', 'Deleted') - at('std-4-002', 'Tainted')).toBeCloseTo(30, 6);
    expect([at('std-4-001', 'Deleted'), at('std-4-002', 'Deleted'), at('std-4-003', 'Deleted')].map((t) => Math.round(t))).toEqual([404, 481, 605]);
    expect(r.world.nodePoolDrifts[0]!.finish()).toEqual({ pool: 'std-4', atSeconds: 300, driftedNodes: 3, replacementNodes: 2, deletedNodes: 3, completeSeconds: at('std-4-003', 'Deleted') });
    expect(r.ok.length).toBe(r.reqs.length);
  });
  it('a Ready node is not a Ready pod: the evicted pods\' replacements are Ready 8 to 13 s later, the KPA panics for 13 pods, two nodes come, one stays for the next drifted node\'s pods', () => {
    const evicted = 374.234535;
    const replacements = r.rec.pods.filter((p) => p.event === 'Pending' && Math.abs(p.time - evicted) < 1e-6).map((p) => p.pod);
    expect(replacements).toHaveLength(3);
    const readyAfter = replacements.map((pod) => r.rec.pods.find((e) => e.pod === pod && e.event === 'Ready')!.time - evicted).sort((a, b) => a - b);
    expect(Math.floor(readyAfter[0]!)).toBe(8);
    expect(Math.floor(readyAfter[2]!)).toBe(13);
    const rev = r.rec.decisionsOf('api-00001');
    expect(rev.filter((d) => d.time < 374).every((d) => !d.inPanic && d.want === 8)).toBe(true);
    expect(Math.max(...rev.filter((d) => d.time < 500).map((d) => d.want))).toBe(13);
    expect(nodeEvents(r, 'Requested').filter((n) => n.node === 'std-4-005' || n.node === 'std-4-006').map((n) => Math.round(n.time))).toEqual([382, 382]);
    expect(nodeEvents(r, 'Deleted').filter((n) => n.node === 'std-4-005' || n.node === 'std-4-006').map((n) => Math.round(n.time))).toEqual([501]);
    // The third drifted node's drain starts a second panic (14 pods): two more nodes, nominated when Ready, take the pods of
    // std-4-007 (the third's replacement, deleted at 701 s) and then of std-4-008 (746 s).
    expect(Math.max(...rev.map((d) => d.want))).toBe(14);
    expect(nodeEvents(r, 'Deleted').filter((n) => n.time > 650).map((n) => [n.node, Math.round(n.time)])).toEqual([
      ['std-4-007', 701],
      ['std-4-008', 746],
    ]);
    expect(p99(r, 0, 300)).toBe(251);
    expect(p99(r, 374, 760)).toBe(506);
  });
  it('records the nodes held by a nomination at passes whose budget is 0 too, as upstream looks at every candidate before its budget (helpers.go GetCandidates, then BuildDisruptionBudgetMapping): six nodes from 301 s (std-4-002, which the drift command for std-4-001 moved pods onto, at the next drift pass, with std-4-001 using up the budget; was 391 s while drift looked at no candidate at such a pass) to 681 s', () => {
    const [b] = r.world.cluster!.scaleDownBlocks.records;
    expect(r.world.cluster!.scaleDownBlocks.records).toHaveLength(1);
    expect(b).toMatchObject({ autoscaler: 'karpenter', reason: 'Nominated', pools: ['std-4'], nodes: 6 });
    expect([b!.firstSeconds, b!.lastSeconds].map((t) => Math.round(t * 1000) / 1000)).toEqual([301.235, 681.235]);
  });
  it('with a PodDisruptionBudget of maxUnavailable 1: one pod at a time, no panic, p99 254 ms, the last node gone at 12m05s', () => {
    expect(pdb.rec.decisionsOf('api-00001').every((d) => !d.inPanic && d.want === 8)).toBe(true);
    expect(Math.min(...pdb.rec.samples.filter((s) => s.time >= 300).map((s) => s.ready))).toBe(7);
    expect(p99(pdb, 0, 1500)).toBe(254);
    expect(Math.round(pdb.world.nodePoolDrifts[0]!.finish().completeSeconds! * 1000) / 1000).toBe(725.235);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'karpenter-drift.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of [
      'marks the pool\'s three 4-CPU nodes Drifted',
      'one at a time',
      'The drifted nodes go at 6m44s, 8m01s and 10m05s, with two replacement nodes',
      'are Ready only 8 to 13 s later',
      'asks for 13 pods',
      'stays nominated for 20 s',
      'emptiness takes only the other (gone at 8m21s)',
      'panic (14 pods, two more nodes, Ready at 10m49s',
      'removes the last replacement at 11m41s and one of them at 12m26s',
      'p99 between 6m14s and 12m40s is 506 ms, against 251 ms before',
      'no panic, p99 254 ms over the whole run, the last drifted node gone at 12m05s',
    ]) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('node-drain-pdb', () => {
  const r = runScenario('node-drain-pdb');
  const evicted = r.rec.pods.filter((p) => p.event === 'Terminating' && p.pod.node?.name === 'std-4-001').map((p) => p.time);
  it('evicts one pod at 5m and the others at 5m15s and 8m, after 39 refused evictions; the node goes at 8m30s', () => {
    expect(evicted).toEqual([300, 315, 480]);
    expect(r.world.nodeDrains[0]!.record).toEqual({ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 3, refusedEvictions: 39, emptySeconds: 510, deletedSeconds: 510 });
    expect(r.world.cluster!.budgets!.records).toEqual([{ name: 'api-pdb', revisions: ['api-00001'], disruptions: 3, refusedEvictions: 39, forcedDeletions: 0 }]);
  });
  it('waits for the replacements: Ready at 5m13s, then on the added node at 7m58s', () => {
    const ready = r.rec.pods.filter((p) => p.event === 'Ready' && p.time > 300).map((p) => p.time);
    expect(ready[0]).toBeCloseTo(313.2, 1);
    expect(ready[1]).toBeCloseTo(478.0, 1);
    expect(r.world.cluster!.nodes.filter((n) => n.requestedAt > 300).map((n) => [n.name, Math.round(n.readyAt)])).toEqual([['std-4-004', 470]]);
  });
  it('keeps seven pods Ready: p99 288 ms between 5m and 7m40s, no panic, nothing fails', () => {
    expect(Math.min(...r.rec.samples.filter((s) => s.time >= 300).map((s) => s.ready))).toBe(7);
    expect(p99(r, 300, 460)).toBe(288);
    expect(r.rec.decisionsOf('api-00001').every((d) => !d.inPanic && d.want === 8)).toBe(true);
    expect(r.ok.length).toBe(r.reqs.length);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'node-drain-pdb.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['`maxUnavailable: 1`', 'Ready at 5m13s', 'the second pod goes at 5m15s', 'Ready at 7m50s', 'the last pod goes at 8m, after 39 refused evictions', 'deleted at 8m30s', 'p99 288 ms between 5m and 7m40s (409 ms without the budget), no panic', 'one node added instead of two']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('node-drain', () => {
  const r = runScenario('node-drain');
  const spare = runScenario('node-drain', ['cluster.nodePools[0].initialNodes=4']);
  const events = (run: typeof r, e: string) => run.rec.pods.filter((p) => p.event === e);
  const replacements = (run: typeof r) => events(run, 'Pending').filter((p) => p.time === 300).map((p) => p.pod);
  const boundAt = (run: typeof r, pod: (typeof r.rec.pods)[number]['pod']) => run.rec.pods.find((e) => e.pod === pod && e.event === 'Scheduled')!.time;
  it('evicts the 3 pods of std-4-001 at 5m; they drain in 30 s, nothing fails, the node is deleted at 5m30s', () => {
    const d = r.world.nodeDrains[0]!.record;
    expect(d).toEqual({ node: 'std-4-001', fromSeconds: 300, outcome: 'Drained', evictedPods: 3, refusedEvictions: 0, emptySeconds: 330, deletedSeconds: 330 });
    expect(r.ok.length).toBe(r.reqs.length);
    expect(replacements(r)).toHaveLength(3);
  });
  it('binds one replacement at once; two wait Pending about 2.5 minutes for a node the Cluster Autoscaler adds', () => {
    const waits = replacements(r).map((p) => boundAt(r, p) - 300).sort((a, b) => a - b);
    expect(waits[0]).toBeLessThan(1);
    expect(waits[1]).toBeCloseTo(149.5, 1);
    expect(waits[2]).toBeCloseTo(149.5, 1);
  });
  it('queues requests meanwhile (p99 409 ms from 5m to 7m40s against 251 ms before); the KPA panics and asks for 11 pods', () => {
    expect(p99(r, 0, 300)).toBe(251);
    expect(p99(r, 300, 460)).toBe(409);
    const rev = r.rec.decisionsOf('api-00001').filter((d) => d.time > 300 && d.time < 460);
    expect(rev.find((d) => d.inPanic)!.time).toBeCloseTo(308, 0);
    expect(Math.max(...rev.map((d) => d.want))).toBe(11);
    // Before the drain: min-scale's 8 pods, no panic.
    expect(r.rec.decisionsOf('api-00001').filter((d) => d.time < 300).every((d) => !d.inPanic && d.want === 8)).toBe(true);
  });
  it('gets a second node from the Cluster Autoscaler that no pod uses, still there at the end', () => {
    const added = r.world.cluster!.nodes.filter((n) => n.requestedAt > 300);
    expect(added.map((n) => n.name)).toEqual(['std-4-004', 'std-4-005']);
    const used = new Set(r.rec.pods.filter((p) => p.event === 'Scheduled').map((p) => p.pod.node!.name));
    expect(used.has('std-4-004')).toBe(false);
    expect(used.has('std-4-005')).toBe(true);
  });
  it('with a spare node the replacements start at once: p99 266 ms in that window, no node added', () => {
    for (const p of replacements(spare)) expect(boundAt(spare, p) - 300).toBeLessThan(1);
    expect(p99(spare, 300, 460)).toBe(266);
    expect(spare.world.cluster!.nodes.filter((n) => n.requestedAt > 0)).toEqual([]);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'node-drain.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of [
      "evicts the node's 3 pods at once",
      'no request fails and the node is deleted at 5m30s',
      'two wait Pending about 2.5 minutes',
      'p99 409 ms between 5m and 7m40s, against 251 ms before',
      'asks for 11 pods',
      'p99 266 ms in that window, no node added',
    ]) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('slow-start', () => {
  const PROBE = 'services[0].manifest.spec.template.spec.containers[0].startupProbe';
  const FAST = [`${PROBE}.periodSeconds=1`, `${PROBE}.failureThreshold=60`];
  const r = runScenario('slow-start');
  const fast = runScenario('slow-start', FAST);
  const events = (run: typeof r, e: string) => run.rec.pods.filter((p) => p.event === e);
  const firstReady = (run: typeof r) => [0, 300, 600].map((from) => Number(Math.min(...events(run, 'Ready').filter((p) => p.time >= from && p.time < from + 300).map((p) => p.time)).toFixed(6)));
  const latency = (run: typeof r) => {
    const ms = run.ok.map((q) => (q.end - q.arrival) * 1000).sort((a, b) => a - b);
    return { p50: ms[Math.ceil(ms.length * 0.5) - 1]!, max: ms.at(-1)! };
  };
  it('is Ready at startup-probe ticks, 10 s apart from each pod\'s start; kills containers whose app needs more than 29 s', () => {
    // Pod 1: scheduled at 1.01388, running 1 s later; ticks at 11.01, 21.01, 31.01 (9, 19 and 29 s after it runs).
    expect(firstReady(r)).toEqual([31.01388, 330.550057, 636.517461]);
    for (const p of events(r, 'Ready')) {
      const anchor = p.pod.startTime;
      expect(Math.abs((p.time - anchor) / 10 - Math.round((p.time - anchor) / 10))).toBeLessThan(1e-9);
    }
    expect(events(r, 'CrashLoopBackOff')).toHaveLength(9);
    // Every kill is at a tick 29 s after the container started (containerStart 1 s after the pod's start or restart).
    for (const p of events(r, 'CrashLoopBackOff')) expect(Number(((p.time - p.pod.startTime) % 10).toFixed(6))).toBe(0);
    // Over the whole run (the README's claim): pod 0006, killed in the second batch, restarts at once and gets Ready.
    const neverReady = new Set(r.rec.pods.map((p) => p.pod.name));
    for (const p of events(r, 'Ready')) neverReady.delete(p.pod.name);
    expect([...neverReady].sort()).toEqual(['orders-00001-deployment-0007', 'orders-00001-deployment-0008']);
    expect(r.ok).toHaveLength(870);
    expect(r.ok.length).toBe(r.reqs.length);
    const l = latency(r);
    expect((l.p50 / 1000).toFixed(1)).toBe('4.3');
    expect((l.max / 1000).toFixed(1)).toBe('36.3');
    // The requests waiting in the activator count as concurrency: the decider wants far more than max-scale gives.
    const decisions = r.rec.decisionsOf('orders-00001');
    expect(Math.max(...decisions.map((d) => d.desired))).toBe(22);
    expect(Math.max(...decisions.map((d) => d.want))).toBe(3);
  });
  it('probing every second with room to start: no kill, each pod Ready within 1 s of its app answering', () => {
    expect(events(fast, 'CrashLoopBackOff')).toHaveLength(0);
    expect(firstReady(fast)).toEqual([28.01388, 328.550057, 627.729855]);
    const ready = events(fast, 'Ready');
    expect(ready).toHaveLength(9);
    for (const p of ready) {
      const lag = p.time - p.pod.fault.appReadyAt;
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(1 + 1e-9);
    }
    const l = latency(fast);
    expect((l.p50 / 1000).toFixed(2)).toBe('0.56');
    expect((l.max / 1000).toFixed(1)).toBe('28.9');
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'slow-start.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['here 29 s after it starts', 'the first pod at 31.0 s, its app answering at 27–28 s', '9 kills in the run', 'two of the last batch\'s three pods are never Ready', '(p50 4.3 s, max 36.3 s)', 'the decider wants up to 22 pods; max-scale holds them at 3', 'no kill, every pod Ready within 1 s of its app answering, p50 0.56 s, max 28.9 s']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('memory-pressure', () => {
  const RIGHT_SIZED = 'services[0].manifest.spec.template.spec.containers[0].resources.requests.memory=600Mi';
  const r = runScenario('memory-pressure');
  const sized = runScenario('memory-pressure', [RIGHT_SIZED]);
  const at = (run: typeof r, e: string) => run.rec.pods.filter((p) => p.event === e).map((p) => [p.pod.name.slice(-4), Number(p.time.toFixed(6))]);
  it('packs four pods to a node by their requests; the kubelets evict 2 as their working sets outgrow the nodes, and 10 requests get 502', () => {
    const bound = r.rec.pods.filter((p) => p.event === 'Scheduled' && p.time > 100 && p.time < 125);
    const perNode = new Map<string, number>();
    for (const p of r.rec.pods.filter((q) => q.event === 'Scheduled' && q.time < 125)) perNode.set(p.pod.node!.name, (perNode.get(p.pod.node!.name) ?? 0) + 1);
    expect(bound).toHaveLength(6);
    expect([...perNode.values()]).toEqual([4, 4]);
    // One pod per node per check, each node on its own phase; the check 1 s after each eviction finds the node below the threshold.
    // The second is the first replacement, just bound to the other node: with no stats entry yet, the kubelet ranks it
    // first (rankMemoryPressure), so it holds none of the 502s.
    expect(at(r, 'Evicted')).toEqual([['0001', 130.409019], ['0009', 131.697027]]);
    expect(r.reqs.filter((q) => q.status === 502)).toHaveLength(10);
    expect(r.reqs.filter((q) => q.status === 502).every((q) => Number(q.end.toFixed(6)) === 130.409019)).toBe(true);
  });
  it('binds the first replacement to the other node, which evicts it; leaves the second Pending until the Cluster Autoscaler\'s third node is Ready (asked for at 135.1 s, Ready 180 s later)', () => {
    expect(r.rec.pods.filter((p) => p.pod.name.endsWith('0009') && p.event === 'Scheduled').map((p) => [Number(p.time.toFixed(6)), p.pod.node?.name])).toEqual([[130.909019, 'std-2-001']]);
    expect(at(r, 'Unschedulable')).toEqual([['0010', 132.197027]]);
    const bound = r.rec.pods.filter((p) => p.event === 'Scheduled' && p.time > 300).map((p) => [p.pod.name.slice(-4), Number(p.time.toFixed(6)), p.pod.node?.name]);
    expect(bound).toEqual([['0010', 315.145697, 'std-2-003']]);
    const third = r.world.cluster!.nodes.find((n) => n.name === 'std-2-003')!;
    expect([Number(third.requestedAt.toFixed(6)), Number(third.readyAt.toFixed(6))]).toEqual([135.145697, 315.145697]);
    // Both nodes under pressure, each until 5 min after its last eviction (the last time it crossed the threshold).
    expect(r.world.cluster!.nodes.map((n) => [n.name, Number(n.memoryCrossedAt.toFixed(6)), n.memoryPressure])).toEqual([
      ['std-2-001', 131.697027, false],
      ['std-2-002', 130.409019, false],
      ['std-2-003', Number.NaN, false],
    ]);
  });
  it('with requests that cover the working set: three pods to a node, a third node asked for at once, nothing evicted', () => {
    expect(at(sized, 'Evicted')).toEqual([]);
    expect(sized.reqs.filter((q) => q.status !== 200)).toEqual([]);
    expect(at(sized, 'Unschedulable')).toEqual([['0007', 123.592528], ['0008', 123.592528]]);
    const bound = sized.rec.pods.filter((p) => p.event === 'Scheduled' && p.time > 300).map((p) => [p.pod.name.slice(-4), Number(p.time.toFixed(6)), p.pod.node?.name]);
    expect(bound).toEqual([['0007', 305.145697, 'std-2-003'], ['0008', 305.145697, 'std-2-003']]);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'memory-pressure.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['four to a 2 GiB node', '2 evictions (pods.csv Evicted): a loaded pod, whose 10 requests get 502', 'asks for a third node at 135 s, Ready 3 min later', 'three pods fit a node', 'asks for at 125 s, and nothing is evicted or fails']) {
      expect(text).toContain(phrase);
    }
  });
});

scenario('mesh', () => {
  const DIRECT = ['configMaps.config-network.mesh-compatibility-mode=disabled'];
  const r = runScenario('mesh');
  const direct = runScenario('mesh', DIRECT);
  /** From 2 min on (after the start's panic): requests answered, those that waited in a pod, p50/p95 (ms), ready pods. */
  const steady = (run: typeof r) => {
    const ok = run.ok.filter((q) => q.arrival >= 120);
    const ms = ok.map((q) => (q.end - q.arrival) * 1000).sort((a, b) => a - b);
    const p = (x: number) => ms[Math.ceil(ms.length * x) - 1]!;
    const ready = run.rec.samples.filter((s) => s.time >= 120).map((s) => s.ready);
    return { ok: ok.length, waited: ok.filter((q) => q.serviceStart > q.podIn).length / ok.length, p50: p(0.5), p95: p(0.95), pods: [Math.min(...ready), Math.max(...ready)] };
  };
  it('through the ClusterIP: the mesh sends 31% of the requests to a pod already serving one; they wait there', () => {
    expect(r.loaded.world.cluster.meshCompatibilityMode).toBe('enabled');
    expect(r.ok.length).toBe(r.reqs.length);
    const s = steady(r);
    expect(s.ok).toBeGreaterThan(19000);
    expect(s.waited.toFixed(2)).toBe('0.31');
    expect((s.p50 / 1000).toFixed(2)).toBe('0.37');
    expect((s.p95 / 1000).toFixed(2)).toBe('1.07');
    expect(s.pods).toEqual([25, 28]);
    // The panic is the start's alone, the same in both modes.
    const panics = (run: typeof r) => run.rec.decisions.filter((d) => d.inPanic).map((d) => d.time);
    expect(Math.max(...panics(r))).toBeLessThan(120);
    expect(panics(r)).toEqual(panics(direct));
  });
  it('addressing pods: only a pod with a free slot gets a request, none waits there, fewer pods do the same work', () => {
    expect(direct.ok.length).toBe(direct.reqs.length);
    const s = steady(direct);
    expect(s.waited).toBe(0);
    expect((s.p50 / 1000).toFixed(2)).toBe('0.30');
    expect((s.p95 / 1000).toFixed(2)).toBe('0.81');
    expect(s.pods).toEqual([20, 22]);
  });
  it('says so in its description', () => {
    const text = readFileSync(join(dir, 'mesh.yaml'), 'utf8').replace(/\s+/g, ' ');
    for (const phrase of ['containerConcurrency × ready pods ÷ activators', '31% of the requests wait in a pod, p50 0.37 s and p95 1.07 s', 'keeps 25–28 pods', 'none waits in a pod, p50 0.30 s, p95 0.81 s, 20–22 pods']) {
      expect(text).toContain(phrase);
    }
  });
});

describe('target burst capacity trio', () => {
  covered.add('tbc-default');
  covered.add('tbc-unlimited');
  covered.add('tbc-zero');
  const def = runScenario('tbc-default');
  const unl = runScenario('tbc-unlimited');
  const zero = runScenario('tbc-zero');
  it('the same workload (common random numbers) in all three', () => {
    // Requests still in flight at the horizon never complete, so compare the arrivals before it.
    const arrivals = (x: typeof def) => x.reqs.map((q) => q.arrival).filter((t) => t < 290).sort((a, b) => a - b);
    expect(arrivals(unl)).toEqual(arrivals(def));
    expect(arrivals(zero)).toEqual(arrivals(def));
  });
  it('and the same work: a request has the same service time in all three, whenever a pod starts it', () => {
    const work = (x: typeof def) => new Map(x.reqs.map((q) => [q.id, q.serviceTime]));
    const d = work(def);
    let compared = 0;
    for (const other of [unl, zero]) {
      for (const [id, t] of work(other)) {
        if (!d.has(id)) continue; // still in flight at the horizon in one run
        compared++;
        expect(t, `request ${id}`).toBe(d.get(id));
      }
    }
    expect(compared).toBeGreaterThan(0.99 * 2 * d.size);
  });
  it('-1 and 211 answer every request at the same instant: the activator hop takes no time (README, assumptions)', () => {
    const ends = (x: typeof def) => new Map(x.reqs.map((q) => [q.id, q.end]));
    const d = ends(def);
    const u = ends(unl);
    expect(u.size).toBe(d.size);
    for (const [id, t] of u) expect(t, `request ${id}`).toBe(d.get(id));
    expect(def.reqs.filter((q) => q.route === 'direct').length).toBeGreaterThan(1000);
  });
  it('-1: every request through the activator; 0: direct whenever a pod is ready; 211: in between', () => {
    expect(unl.reqs.every((q) => q.route === 'activator')).toBe(true);
    expect(zero.reqs.filter((q) => q.route === 'activator').length).toBe(0);
    const viaDefault = def.reqs.filter((q) => q.route === 'activator').length;
    expect(viaDefault).toBeGreaterThan(0);
    expect(viaDefault).toBeLessThan(def.reqs.length);
  });
  it('with TBC 0 the burst overflows the single pod’s queue-proxy (503s); the activator absorbs it otherwise', () => {
    expect(zero.reqs.filter((q) => q.status === 503).length).toBeGreaterThan(0);
    // 10 × containerConcurrency waiting plus 10 running: the rest get 503 at once, as the description says
    // (it said only that the burst queued in the queue-proxies).
    const full = zero.reqs.filter((q) => q.status === 503);
    expect(full).toHaveLength(444);
    expect(full.every((q) => Math.abs(q.end - q.arrival - 0.001) < 1e-9 && q.arrival > 61 && q.arrival < 67)).toBe(true);
    expect(readFileSync(join(dir, 'tbc-zero.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('444 of the 19,903 requests fail, all sent between 61 s and 67 s');
    expect(unl.reqs.filter((q) => q.status === 503).length).toBe(0);
    expect(def.reqs.filter((q) => q.status === 503).length).toBe(0);
  });
});

scenario('two-services', () => {
  const r = runScenario('two-services');
  it('scales each service on its own metric: backend 10 rps × 0.59 s mean ≈ 6 in flight at 0.7 per pod needs about 9 pods', () => {
    const backend = r.world.services.get('backend')!.revisions[0]!.spec.name;
    const late = r.rec.decisionsOf(backend).filter((d) => d.time > 120 && d.valid).map((d) => d.desired);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...late)).toBeLessThanOrEqual(12);
    const frontend = r.world.services.get('frontend')!.revisions[0]!.spec.name;
    expect(r.byRev(frontend).length).toBeGreaterThan(r.byRev(backend).length * 10);
  });
  it('holds 37 backend pods through the start\'s panic, then 8 to 10, as the description says (it did not say the 37)', () => {
    const backend = r.world.services.get('backend')!.revisions[0]!.spec.name;
    const samples = r.rec.samples.filter((s) => s.rev === backend);
    const at37 = samples.filter((s) => s.ready === 37).map((s) => s.time);
    expect([Math.min(...at37), Math.max(...at37)]).toEqual([13, 71]);
    expect(Math.max(...samples.map((s) => s.ready))).toBe(37);
    const later = samples.filter((s) => s.time >= 75).map((s) => s.ready);
    expect([Math.min(...later), Math.max(...later)]).toEqual([8, 10]);
    expect(later.filter((n) => n === 9).length / later.length).toBeGreaterThan(0.7);
    const reqs = r.byRev(backend).filter((q) => q.status === 200);
    expect(reqs.reduce((s, q) => s + q.serviceTime, 0) / reqs.length).toBeCloseTo(0.59, 2);
    expect(readFileSync(join(dir, 'two-services.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('holds 37 pods from 13 s to 71 s');
  });
});

scenario('azure-trace', () => {
  const r = runScenario('azure-trace');
  it('replays both traces: recorded durations become service times', () => {
    const fn = r.reqs.filter((q) => q.clientName === 'functions');
    const arr = r.reqs.filter((q) => q.clientName === 'arrivals');
    expect(fn.length).toBeGreaterThan(100);
    expect(arr.length).toBeGreaterThan(10);
    expect(fn.every((q) => q.fixedServiceTime !== undefined)).toBe(true);
    expect(arr.every((q) => q.fixedServiceTime === undefined)).toBe(true);
    const firstFn = Math.min(...fn.map((q) => q.arrival));
    expect(firstFn).toBeCloseTo(5, 6); // offset 5s
  });
  it('as the description says: one cold start, then one pod takes every burst and stays up (it said cold starts after idle gaps and scale-ups)', () => {
    const rev = 'functions-00001';
    expect(r.reqs.filter((q) => q.cold).length).toBe(1);
    expect(r.maxReady(rev)).toBe(1);
    expect(r.zeroAt(rev)).toEqual([]);
    const arrivals = r.reqs.map((q) => q.arrival).sort((a, b) => a - b);
    const gap = Math.max(...arrivals.slice(1).map((t, i) => t - arrivals[i]!));
    expect(gap).toBeGreaterThan(35);
    expect(gap).toBeLessThan(41);
    // The longest gap is 40.56 s: the description said "40 s at most".
    expect(readFileSync(join(dir, 'azure-trace.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('no gap between arrivals (under 41 s) outlasts the 60 s stable window');
    expect(Math.max(...r.rec.decisionsOf(rev).map((d) => d.observedStable).filter(Number.isFinite))).toBeLessThan(2.8);
    expect(readFileSync(join(dir, 'azure-trace.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('the first request waits for the run\'s one cold start, and that one pod then takes every burst');
  });
});

scenario('cpu-bound', () => {
  const r = runScenario('cpu-bound');
  const rev = 'crunch-00001';
  it('saw-tooths at target 10: down to one pod that falls behind, then scaled out again, before the burst', () => {
    const before = r.rec.samples.filter((s) => s.rev === rev && s.time < 180);
    const firstLow = before.find((s) => s.time > 30 && s.ready === 1);
    expect(firstLow).toBeDefined();
    expect(before.some((s) => s.time > firstLow!.time && s.ready >= 4)).toBe(true);
    expect(r.rec.decisionsOf(rev).filter((d) => d.time < 180 && d.inPanic).length).toBeGreaterThan(45);
  });
  it('OOM-kills pods in the burst and answers the requests they held 502, and nothing else fails', () => {
    const ooms = r.rec.pods.filter((p) => p.event === 'OOMKilled');
    expect(ooms.filter((o) => o.time >= 180 && o.time < 240).length).toBeGreaterThanOrEqual(3);
    const bad = r.reqs.filter((q) => q.status === 502);
    expect(bad.length).toBeGreaterThan(0);
    for (const q of bad) expect(ooms.some((o) => Math.abs(o.time - q.end) < 1e-9 && o.pod === q.pod)).toBe(true);
    expect(r.reqs.filter((q) => q.status !== 200 && q.status !== 502)).toEqual([]);
  });
  it('metrics-server sees about 1.4 cores of use at 15 rps (90 ms of CPU per request on average)', () => {
    const w = r.world;
    const revision = w.services.get('crunch')!.revisions[0]!;
    const metrics = w.metricsServer!.podMetrics(revision);
    // Last scrape at 360 s covers 345–360 s of steady 15 rps. No container restarted in the last minute (the
    // last OOM kill is at 258.7 s), and the newest pods' containers started at 339.1 s, in time for a point at
    // 345 s: every pod has metrics. (Terminating pods still run, they drain, and metrics-server scrapes them too.)
    expect(r.rec.pods.filter((p) => p.event === 'OOMKilled' && p.time > 260)).toEqual([]);
    const live = revision.allPods.filter((p) => p.phase !== 'Gone').length;
    expect(metrics).toHaveLength(live);
    // The served pods' mean, over every pod of the revision.
    const used = (metrics.reduce((a, m) => a + m.cpuMillis, 0) / metrics.length) * live;
    expect(used).toBeGreaterThan(1100);
    expect(used).toBeLessThan(1800);
  });
});

scenario('capacity-planning', () => {
  // A whole day in memory, summary only (1.7 M requests: no per-request records kept).
  const loaded = loadScenario(join(dir, 'capacity-planning.yaml'));
  const s = summarizeWorld(loaded.world);
  it('the morning ramp outgrows the first node: pods wait Pending for room, the CA adds nodes, and the day costs node-hours × $0.20', () => {
    expect(s.nodes!.max).toBeGreaterThanOrEqual(2);
    expect(s.nodes!.podsWaitedForNode).toBeGreaterThan(0);
    expect(s.nodes!.maxPendingSeconds).toBeGreaterThan(0);
    expect(s.cost!.total).toBeCloseTo(s.nodes!.nodeHours * 0.2, 4);
    // At least the one node min-size keeps for 24 h, and under the 10-node maximum all day.
    expect(s.nodes!.nodeHours).toBeGreaterThanOrEqual(24);
    expect(s.nodes!.nodeHours).toBeLessThan(10 * 24);
    // The DaemonSets (300m, 512Mi) are charged $0.010625 per Ready node-hour, as OpenCost charges any
    // workload: a little under the node-hours billed, which count the nodes' start-up too.
    expect(s.cost!.daemonSets).toBeCloseTo(0.522127, 5);
    expect(s.cost!.daemonSets).toBeLessThan(s.nodes!.nodeHours * 0.010625);
    expect(s.cost!.idle).toBeCloseTo(s.cost!.total - s.cost!.perRevision['api-00001']! - s.cost!.daemonSets, 5);
    expect(s.overall.requests.ok).toBe(s.overall.requests.total);
  });
  it('an emptyDir cache (or safe-to-evict "false") keeps nodes below the utilization threshold: 56.19 node-hours against 49.98, as the README says', () => {
    const cache = loadScenario(join(dir, 'capacity-planning.yaml'), {
      sets: ['services[0].manifest.spec.template.spec.volumes=[{name: cache, emptyDir: {}}]', 'services[0].manifest.spec.template.spec.containers[0].volumeMounts=[{name: cache, mountPath: /cache}]'],
    });
    const held = summarizeWorld(cache.world);
    expect(s.scaleDownBlocks).toBeUndefined();
    expect(held.scaleDownBlocks).toMatchObject([{ autoscaler: 'cluster-autoscaler', reason: 'LocalStorageRequested', revisions: ['api-00001'], nodes: 3 }]);
    expect([s.nodes!.nodeHours, held.nodes!.nodeHours].map((h) => Math.round(h * 100) / 100)).toEqual([49.98, 56.19]);
    expect([s.cost!.total, held.cost!.total].map((c) => c.toFixed(2))).toEqual(['10.00', '11.24']);
    const readme = readFileSync(join(dir, '../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('costs 56.2 node-hours a day instead of 50.0 ($11.24 against $10.00)');
  });
  it('under Karpenter, a consolidation freeze from 9:00 to 17:00 cuts the pods that wait for a node by 55 % and costs 0.8 % less, as the README says', () => {
    const karpenter = (budgets: string) => summarizeWorld(loadScenario(join(dir, 'capacity-planning.yaml'), { sets: [`cluster.nodeAutoscaler={kind: karpenter${budgets}}`] }).world);
    const plain = karpenter('');
    const frozen = karpenter(', budgets: [{nodes: "10%"}, {nodes: "0", reasons: [Underutilized], schedule: "0 9 * * 1-5", duration: 8h}]');
    expect([plain.nodes!.podsWaitedForNode, frozen.nodes!.podsWaitedForNode]).toEqual([326, 146]);
    expect([plain.cost!.perDay, frozen.cost!.perDay].map((c) => c.toFixed(2))).toEqual(['9.50', '9.42']);
    // The consolidations at 21,646 s and 84,801 s each leave the revision without a Ready pod for 5 s: the day's only cold requests (50 and 24).
    expect(plain.overall.coldStartRequests).toBe(74);
    const readme = readFileSync(join(dir, '../README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('cuts the pods that waited for a node from 326 to 146, for $9.42 a day instead of $9.50');
    expect(readme).toContain("Ready pod for 5 s (50 requests wait for one); a second consolidation at 23:33 (84,801 s) does the same to 24 requests: the day's only cold requests");
  });
});

scenario('kpa-vs-hpa', () => {
  const r = runScenario('kpa-vs-hpa');
  it('sends the same requests to both services (common random numbers), all answered', () => {
    const arrivals = (rev: string) => r.byRev(rev).map((q) => q.arrival).sort((a, b) => a - b);
    expect(arrivals('hpa-00001')).toEqual(arrivals('kpa-00001'));
    expect(r.ok.length).toBe(r.reqs.length);
  });
  it('the HPA syncs every 15 s, stays at ≥ 1 pod, grows at most max(2 × current, 4) per sync and serves directly', () => {
    const syncs = r.rec.decisionsOf('hpa-00001');
    expect(syncs.every((d, i) => d.time === 15 * (i + 1))).toBe(true);
    for (let i = 1; i < syncs.length; i++) expect(syncs[i]!.want).toBeLessThanOrEqual(Math.max(2 * syncs[i - 1]!.want, 4));
    expect(Math.min(...r.rec.samples.filter((s) => s.rev === 'hpa-00001').map((s) => s.ready))).toBe(1);
    expect(r.byRev('hpa-00001').every((q) => q.route === 'direct')).toBe(true);
  });
  it('the KPA scales out further on the spike; the HPA runs fewer pods', () => {
    expect(r.maxReady('kpa-00001')).toBeGreaterThan(r.maxReady('hpa-00001'));
    const podSeconds = (rev: string) => r.rec.samples.filter((s) => s.rev === rev).reduce((a, s) => a + s.ready, 0);
    expect(podSeconds('hpa-00001')).toBeLessThan(podSeconds('kpa-00001'));
  });
  it('the KPA panics through the ramp and the hold, not only on the spike at 7 m, as the description says (it said on the spike)', () => {
    const d = r.rec.decisionsOf('kpa-00001');
    const firstPanic = d.find((x) => x.inPanic)!.time;
    expect(firstPanic).toBeGreaterThan(60);
    expect(firstPanic).toBeLessThan(80);
    // Evaluations every 2 s: over 200 s in panic before the spike.
    expect(d.filter((x) => x.inPanic && x.time < 420).length * 2).toBeGreaterThan(200);
    expect(readFileSync(join(dir, 'kpa-vs-hpa.yaml'), 'utf8').replace(/\s+/g, ' ')).toContain('panics again and again, from about 70 s through the ramp and the hold as well as on the spike');
  });
});
