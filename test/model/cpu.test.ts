import { describe, expect, it } from 'vitest';
import { AppProfile } from '../../src/model/app-profile.js';
import { cpuRate, ProcessorSharing } from '../../src/model/cpu.js';
import { cfsQuotaMillis, secondUniform } from '../../src/model/pod-resources.js';
import { STATUS_OK } from '../../src/model/request.js';
import type { ClientSpec, RevisionSpec, WorkModelSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

interface Item {
  readonly id: number;
  psJob: object | undefined;
}
const item = (id: number): Item => ({ id, psJob: undefined });

/** Drives a ProcessorSharing by hand: arrivals at given times, returns each job's completion time. */
function simulate(rate: (n: number) => number, jobs: ReadonlyArray<{ at: number; work: number }>): number[] {
  const ps = new ProcessorSharing<Item>(rate);
  const done = new Array<number>(jobs.length).fill(Number.NaN);
  const pending = jobs.map((j, i) => ({ ...j, item: item(i) })).sort((a, b) => a.at - b.at);
  let k = 0;
  for (;;) {
    const nextArrival = k < pending.length ? pending[k]!.at : Number.POSITIVE_INFINITY;
    const nextDone = ps.nextCompletion();
    if (nextArrival === Number.POSITIVE_INFINITY && nextDone === Number.POSITIVE_INFINITY) break;
    if (nextArrival <= nextDone) {
      const j = pending[k++]!;
      ps.add(j.item, j.work, j.at);
    } else {
      for (const it of ps.popDone(nextDone)) done[it.id] = nextDone;
    }
  }
  return done;
}

describe('processor sharing', () => {
  it.each([
    // [case, capacity cores, parallelism, jobs, completion times]
    ['4 × 100 ms on 1 CPU all finish at 400 ms', 1, 1, [0, 0, 0, 0].map((at) => ({ at, work: 0.1 })), [0.4, 0.4, 0.4, 0.4]],
    ['4 × 100 ms with a 2-CPU limit finish at 200 ms', 2, 1, [0, 0, 0, 0].map((at) => ({ at, work: 0.1 })), [0.2, 0.2, 0.2, 0.2]],
    ['one request cannot use more than its parallelism: 1 × 100 ms on 2 CPUs takes 100 ms', 2, 1, [{ at: 0, work: 0.1 }], [0.1]],
    ['parallelism 2 on 2 CPUs: one request alone takes half its CPU time', 2, 2, [{ at: 0, work: 0.1 }], [0.05]],
    // 0.1 s job alone for 0.05 s (half done), then shared with a 0.2 s job: the first needs 0.1 s more (0.15),
    // the second has 0.15 s left at 0.15 and runs alone: 0.3.
    ['a staggered arrival slows the first job down', 1, 1, [{ at: 0, work: 0.1 }, { at: 0.05, work: 0.2 }], [0.15, 0.3]],
    ['two CPUs, three jobs: each gets 2/3 core', 2, 1, [0, 0, 0].map((at) => ({ at, work: 0.2 })), [0.3, 0.3, 0.3]],
  ] as const)('%s', (_name, cores, par, jobs, want) => {
    const got = simulate(cpuRate(cores, par), jobs);
    got.forEach((t, i) => expect(t).toBeCloseTo(want[i]!, 12));
  });

  it('counts the CPU time used (cumulative core-seconds) and restarts virtual time when idle', () => {
    const ps = new ProcessorSharing<Item>(cpuRate(1, 1));
    const [a, b, c] = [item(0), item(1), item(2)];
    ps.add(a, 0.1, 0);
    ps.add(b, 0.1, 0);
    expect(ps.throughput).toBe(1);
    expect(ps.cumulative(0.1)).toBeCloseTo(0.1, 12);
    expect(ps.remove(b, 0.1)).toBe(true); // b leaves half done (timed out)
    expect(ps.remove(b, 0.1)).toBe(false);
    // An item in one queue is not in another: the other neither has nor removes it.
    const other = new ProcessorSharing<Item>(cpuRate(1, 1));
    expect(other.has(a)).toBe(false);
    expect(other.remove(a, 0.1)).toBe(false);
    expect(ps.has(a)).toBe(true);
    expect(ps.nextCompletion()).toBeCloseTo(0.15, 12);
    expect(ps.popDone(0.15)).toEqual([a]);
    expect(ps.has(a)).toBe(false);
    expect(ps.cumulative(1)).toBeCloseTo(0.15, 12);
    // Idle: a new job starts from a clean virtual time.
    ps.add(c, 0.3, 1);
    expect(ps.nextCompletion()).toBeCloseTo(1.3, 12);
  });

  it('handles many jobs in O(log n) per event: 10,000 jobs of 1..10,000 ms on 1 CPU end in work order', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => ({ at: 0, work: (10_000 - i) / 1000 }));
    const done = simulate(cpuRate(1, 1), jobs);
    // Under PS the smallest job (1 ms) finishes first, after 10,000 × 1 ms; the last at the total work.
    expect(done[9_999]).toBeCloseTo(10, 6);
    expect(done[0]).toBeCloseTo(jobs.reduce((a, j) => a + j.work, 0), 6);
  });
});

describe('app profile (latency vs concurrency, interpolated)', () => {
  // hey -c 1: 50 ms; -c 4: 80 ms; -c 8: 200 ms; with CPU 250m, 900m, 1000m.
  const p = new AppProfile([1, 4, 8], [0.05, 0.08, 0.2], [250, 900, 1000]);
  it.each([
    [1, 0.05],
    [2, 0.06],
    [4, 0.08],
    [6, 0.14],
    [8, 0.2],
    // Beyond the last point the pod is saturated: throughput stays 8 / 0.2 = 40 rps, latency n / 40.
    [16, 0.4],
  ])('latency at concurrency %d is %f s', (n, l) => {
    expect(p.latencyAt(n)).toBeCloseTo(l, 12);
    expect(p.rate(n)).toBeCloseTo(0.05 / l, 12);
  });
  it.each([
    [0, 0],
    [1, 250],
    [2, 250 + (650 * 1) / 3],
    [6, 950],
    [20, 1000],
  ])('CPU at concurrency %d is %f m', (n, m) => {
    expect(p.cpuMillisAt(n)).toBeCloseTo(m, 9);
  });
  it('a first point above concurrency 1 holds below it', () => {
    const q = new AppProfile([2, 10], [0.1, 0.3], undefined);
    expect(q.latencyAt(1)).toBe(0.1);
    expect(q.baseLatency).toBe(0.1);
    expect(q.cpuMillisAt(3)).toBeUndefined();
  });
});

it('the wait uniform is keyed to the work uniform but not its twin', () => {
  const us = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
  const vs = us.map(secondUniform);
  for (const v of vs) expect(v > 0 && v < 1).toBe(true);
  expect(secondUniform(0.3)).toBe(secondUniform(0.3));
  // Roughly uncorrelated: the sample correlation of 1,000 pairs is small.
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const mu = mean(us);
  const mv = mean(vs);
  const cov = mean(us.map((u, i) => (u - mu) * (vs[i]! - mv)));
  const corr = cov / Math.sqrt(mean(us.map((u) => (u - mu) ** 2)) * mean(vs.map((v) => (v - mv) ** 2)));
  expect(Math.abs(corr)).toBeLessThan(0.1);
});

// ---- in a world ------------------------------------------------------------------------------

const pinned1 = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

/** One warm pod pinned at 1, CC 0, requests of `cpu` CPU-seconds. */
function cpuRevision(work: WorkModelSpec, cpuSeconds: number, limitMillis: number | undefined, extra: Partial<RevisionSpec> = {}): RevisionSpec {
  return {
    ...revision({ initialPods: 1, annotations: pinned1, serviceTime: constant(cpuSeconds) }),
    resources: { user: { cpuRequestMillis: 500, cpuLimitMillis: limitMillis }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } },
    work,
    ...extra,
  };
}

const cpuWork = (ceilingMillis = 1000): Extract<WorkModelSpec, { kind: 'cpu' }> => ({ kind: 'cpu', waitSeconds: constant(0), parallelism: 1, ceilingMillis });

/** `users` closed-loop users with no think time: they send together and resend together. */
const together = (users: number, end: number): ClientSpec =>
  ({ kind: 'closed', name: 'hey', service: 'hello', users, think: constant(0), startSeconds: 1, endSeconds: end }) as ClientSpec;

function inPodTimes(rev: RevisionSpec, users: number): number[] {
  const { rec } = run(world([service('hello', [rev])], [together(users, 5)], { duration: 10 }));
  const ok = rec.requests.filter((r) => r.status === STATUS_OK);
  expect(ok.length).toBeGreaterThanOrEqual(users * 5);
  return ok.map((r) => r.end - r.serviceStart);
}

describe('cfsQuotaMillis (the kubelet\'s MilliCPUToQuota, as millicores)', () => {
  it.each([
    ['no limit: no quota', undefined, undefined],
    ['a limit of 0: no quota', 0, undefined],
    ['1m: the least quota, 1 ms per 100 ms', 1, 10],
    ['9m: likewise', 9, 10],
    ['10m: 1 ms per 100 ms', 10, 10],
    ['1500m: 150 ms per 100 ms', 1500, 1500],
  ] as const)('%s', (_name, limit, want) => {
    expect(cfsQuotaMillis(limit)).toBe(want);
  });
});

describe('CPU model in a pod', () => {
  it.each([
    ['4 concurrent 100 ms requests on a 1-CPU limit take 400 ms each', cpuWork(), 1000, 4, 0.4],
    ['with a 2-CPU limit: 200 ms', cpuWork(), 2000, 4, 0.2],
    ['without a limit the ceiling (1 CPU) caps it: 400 ms', cpuWork(1000), undefined, 4, 0.4],
    ['without a limit, a 4-CPU ceiling: 100 ms (one core per request)', cpuWork(4000), undefined, 4, 0.1],
    // A limit under the ceiling runs in CFS periods (500m on 4 cores: 711.5 ms, then 799 ms): cfs-bandwidth.test.ts.
    ['one request alone: its CPU time', cpuWork(), 1000, 1, 0.1],
  ] as const)('%s', (_name, work, limit, users, want) => {
    for (const t of inPodTimes(cpuRevision(work, 0.1, limit), users)) expect(t).toBeCloseTo(want, 9);
  });

  it('a CPU limit of 0 (with its request 0, as the API server requires) sets no CFS quota: the ceiling caps it, 4 × 100 ms take 400 ms', () => {
    // MilliCPUToQuota returns 0 for 0 millicores: the runtime then leaves the container unthrottled.
    const rev = cpuRevision(cpuWork(1000), 0.1, 0, { resources: { user: { cpuRequestMillis: 0, cpuLimitMillis: 0 }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } } });
    for (const t of inPodTimes(rev, 4)) expect(t).toBeCloseTo(0.4, 9);
  });

  // The kubelet's CFS quota (pkg/kubelet/cm/helpers_linux.go MilliCPUToQuota) is limit × 100 µs
  // per 100 ms period but at least 1 ms (MinQuotaPeriod): below 10m a limit still gets 10m. On its
  // 1-core ceiling a request runs 1 ms a period: the first, from 1.001 s, 1 ms there and 1 ms in each
  // period to the 20th (2.9 s): 1.9 s; the next, from 2.902 s with period 2.9's quota spent, ends at 4.901 s.
  it.each([
    ['a 10m limit: 20 ms of CPU takes 1.9 s, then 1.999 s', 10, [1.9, 1.999]],
    ['a 5m limit gets the least quota, 1 ms per 100 ms (10m): the same, not twice as long', 5, [1.9, 1.999]],
    ['a 1m limit likewise: not 10 times as long', 1, [1.9, 1.999]],
  ] as const)('%s', (_name, limit, want) => {
    const one: ClientSpec = { kind: 'closed', name: 'one', service: 'hello', users: 1, think: constant(0), startSeconds: 1, endSeconds: 5 } as ClientSpec;
    const { rec } = run(world([service('hello', [cpuRevision(cpuWork(), 0.02, limit)])], [one], { duration: 30 }));
    const times = rec.requests.filter((r) => r.status === STATUS_OK).map((r) => r.end - r.serviceStart);
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times[0]).toBeCloseTo(want[0], 9);
    for (const t of times.slice(1)) expect(t).toBeCloseTo(want[1], 9);
  });

  it('adds the non-CPU wait: 4 × (50 ms wait + 100 ms CPU) on 1 CPU take 450 ms', () => {
    const work: WorkModelSpec = { ...cpuWork(), waitSeconds: constant(0.05) };
    for (const t of inPodTimes(cpuRevision(work, 0.1, 1000), 4)) expect(t).toBeCloseTo(0.45, 9);
  });

  it('a measured profile: 4 concurrent requests take the profile latency at 4 (80 ms)', () => {
    const work: WorkModelSpec = { kind: 'profile', concurrency: [1, 4, 8], latencySeconds: [0.05, 0.08, 0.2], cpuMillis: undefined };
    for (const t of inPodTimes(cpuRevision(work, 0.05, undefined), 4)) expect(t).toBeCloseTo(0.08, 9);
    for (const t of inPodTimes(cpuRevision(work, 0.05, undefined), 6)) expect(t).toBeCloseTo(0.14, 9);
  });

  const overload = (rps: number, start: number): ClientSpec =>
    ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: start, endSeconds: 100 }) as ClientSpec;

  it('metrics-server reports the busy CPU: an overloaded pod uses its 1-CPU limit (1000m), a 2-CPU limit 2000m', () => {
    for (const [limit, want] of [[1000, 1000], [2000, 2000]] as const) {
      // 30 rps × 100 ms = 3 cores of demand: the pod is never idle once the load starts.
      const { world: w } = run(world([service('hello', [cpuRevision(cpuWork(), 0.1, limit)])], [overload(30, 1)], { duration: 61 }));
      const rev = w.services.get('hello')!.revisions[0]!;
      const pod = rev.allPods[0]!;
      // Scrapes at 0, 15, 30, 45, 60: the 45–60 window is all busy.
      expect(pod.cpuUsageMillis(61)).toBe(want);
      const m = w.metricsServer!.podMetrics(rev);
      expect(m).toHaveLength(1);
      expect(m[0]).toMatchObject({ time: 60, cpuMillis: want, windowSeconds: 15 });
    }
  });

  it('a measured profile\'s CPU stays within the container\'s CFS quota: 2500m to 3000m on a 1-CPU limit reports 1000m, without a limit 3000m', () => {
    // 40 rps on a pod that serves 20 (4 at a time in 200 ms): from the first seconds at least 4 requests are
    // in the pod all along, the profile's last point (3000m).
    const work: WorkModelSpec = { kind: 'profile', concurrency: [1, 4], latencySeconds: [0.1, 0.2], cpuMillis: [2500, 3000] };
    for (const [limit, want] of [[1000, 1000], [undefined, 3000]] as const) {
      const { world: w } = run(world([service('hello', [cpuRevision(work, 0.1, limit)])], [overload(40, 1)], { duration: 61 }));
      const rev = w.services.get('hello')!.revisions[0]!;
      // The 45–60 window is all busy; utilization against the 525m request stays within 100 × 1000 / 525 %.
      expect(w.metricsServer!.podMetrics(rev)[0]).toMatchObject({ time: 60, cpuMillis: want, windowSeconds: 15 });
    }
  });

  it('a pod running before the run: its first scrape (at 15 s, after the t = 0 one that found no pod) averages its CPU from the run start, not 0', () => {
    // Busy on its 1-CPU limit from the first request (1 ms in): the [0, 15] window is all but 1 ms busy.
    const { world: w } = run(world([service('hello', [cpuRevision(cpuWork(), 0.1, 1000)])], [overload(30, 0)], { duration: 16 }));
    const rev = w.services.get('hello')!.revisions[0]!;
    const m = w.metricsServer!.podMetrics(rev);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ time: 15, cpuMillis: 1000, windowSeconds: 15 });
  });

  it('metrics lag as metrics-server averages: a load starting at 18 s shows as (12/15) of a core after the 30 s scrape', () => {
    // 2 rps of 1 CPU-second each on 1 CPU from 18 s (the ingress hop is 1 ms): busy from 18 s on (capacity spec A8's shape).
    const client = overload(2, 18 - 0.001);
    const { world: w } = run(world([service('hello', [cpuRevision(cpuWork(), 1, 1000)])], [client], { duration: 46 }));
    const pod = w.services.get('hello')!.revisions[0]!.allPods[0]!;
    expect(pod.cpuUsageMillis(46)).toBe(1000);
    const { world: w30 } = run(world([service('hello', [cpuRevision(cpuWork(), 1, 1000)])], [client], { duration: 31 }));
    expect(w30.services.get('hello')!.revisions[0]!.allPods[0]!.cpuUsageMillis(31)).toBe(800);
  });
});
