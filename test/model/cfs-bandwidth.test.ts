import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfsPeriodIndex, cfsQuotaPerPeriod } from '../../src/core/capacity/index.js';
import { STATUS_OK } from '../../src/model/request.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { ClientSpec, RevisionSpec, WorkModelSpec } from '../../src/model/spec.js';
import { constant, revision, run, service, world } from './world-fixture.js';

// CFS bandwidth control (Linux Documentation/scheduler/sched-bwc.rst) as the kubelet sets it: a
// quota of limit × 100 µs per 100 ms period (at least 1 ms). Periods lie on the grid of whole
// 100 ms of simulated time. Every request below enters service 1 ms after its user sends it.

describe('the CFS period grid', () => {
  it.each([
    [0, 0],
    [0.05, 0],
    [0.1, 1],
    // 3 × 0.1 is 0.30000000000000004: 0.3 itself is still in period 2, the boundary built as (k + 1) × 0.1 is not.
    [0.3, 2],
    [3 * 0.1, 3],
    [1.0, 10],
    [1.7125, 17],
  ])('t = %f s is in period %i', (t, k) => {
    expect(cfsPeriodIndex(t)).toBe(k);
  });

  it('a quota of 500m grants 50 ms of CPU a period, the least (10m) 1 ms', () => {
    expect(cfsQuotaPerPeriod(500)).toBeCloseTo(0.05, 15);
    expect(cfsQuotaPerPeriod(10)).toBeCloseTo(0.001, 15);
  });
});

const pinned1 = { 'autoscaling.knative.dev/min-scale': '1', 'autoscaling.knative.dev/max-scale': '1' };

function cpuRevision(cpuSeconds: number, limitMillis: number | undefined, ceilingMillis: number, parallelism = 1): RevisionSpec {
  const work: WorkModelSpec = { kind: 'cpu', waitSeconds: constant(0), parallelism, ceilingMillis };
  return {
    ...revision({ initialPods: 1, annotations: pinned1, serviceTime: constant(cpuSeconds) }),
    resources: { user: { cpuRequestMillis: 500, cpuLimitMillis: limitMillis }, sidecars: [], queueProxy: { cpuRequestMillis: 25 } },
    work,
  };
}

/** `users` closed-loop users with no think time from 1 s: the first requests enter service at 1.001 s. */
function inPod(rev: RevisionSpec, users: number, end = 3): Array<{ start: number; end: number }> {
  const client = { kind: 'closed', name: 'hey', service: 'hello', users, think: constant(0), startSeconds: 1, endSeconds: end } as ClientSpec;
  const { rec } = run(world([service('hello', [rev])], [client], { duration: 10 }));
  return rec.requests.filter((r) => r.status === STATUS_OK).map((r) => ({ start: r.serviceStart, end: r.end }));
}

describe('a limited pod runs at full speed until its period\'s quota is spent, then waits for the next period', () => {
  it.each([
    // [case, CPU s, limit m, ceiling m, parallelism, users, [start, end] of the first requests]
    // 10 ms a period: 1.001–1.011, then 10 ms in each of the periods from 1.1 to 1.4: done at 1.41 (old even
    // sharing at 100m: 0.5 s, to 1.501). The next enters at 1.411 with period 1.4's quota spent: 1.5 to 1.91.
    ['50 ms of CPU under 100m on 1 core: 409 ms, then 499 ms', 0.05, 100, 1000, 1, 1, [[1.001, 1.41], [1.411, 1.91]]],
    // 4 × 1 core spend 50 ms in 12.5 ms: each gets 12.5 ms a period, 100 ms after 8 periods (1.0 to 1.7): 1.7125.
    // The next four enter at 1.7135, period 1.7's quota spent: periods 1.8 to 2.5, done at 2.5125 (even sharing: 800 ms).
    ['4 × 100 ms under 500m on 4 cores: 711.5 ms, then 799 ms', 0.1, 500, 4000, 1, 4, [[1.001, 1.7125], [1.7135, 2.5125]]],
    // The least quota, 1 ms a period: 1 ms at 1.001, then 1 ms in each period to 2.9 (the 20th).
    ['20 ms under 10m on 1 core: 1.9 s', 0.02, 10, 1000, 1, 1, [[1.001, 2.901], [2.902, 4.901]]],
    ['20 ms under 5m gets the least quota too: the same 1.9 s', 0.02, 5, 1000, 1, 1, [[1.001, 2.901], [2.902, 4.901]]],
    // Two threads on 2 cores spend the 100 ms quota of a 1-CPU limit in 50 ms, as the request ends; the next,
    // at 1.052, waits for period 1.1 and takes 50 ms again (even sharing: 100 ms each).
    ['100 ms on 2 threads under a 1-CPU limit on 2 cores: 50 ms, then 98 ms', 0.1, 1000, 2000, 2, 1, [[1.001, 1.051], [1.052, 1.15]]],
    // No more cores than the limit: the quota is never spent before the period ends, the even sharing exactly.
    ['4 × 100 ms under a 1-CPU limit on 1 core: 400 ms', 0.1, 1000, 1000, 1, 4, [[1.001, 1.401], [1.402, 1.802]]],
    // A limit above the ceiling: its quota is the cores it may use (2 requests on 2 cores), never spent early.
    ['2 × 100 ms under a 2-CPU limit on a 1-core ceiling: 100 ms', 0.1, 2000, 1000, 1, 2, [[1.001, 1.101], [1.102, 1.202]]],
  ] as const)('%s', (_name, cpu, limit, ceiling, par, users, want) => {
    const got = inPod(cpuRevision(cpu, limit, ceiling, par), users);
    for (const [i, [start, end]] of want.entries()) {
      // Requests that enter together end together: check the first of each batch.
      const r = got[i * users]!;
      expect(r.start).toBeCloseTo(start, 9);
      expect(r.end).toBeCloseTo(end, 9);
    }
  });

  it('without a limit there is no quota: 4 × 100 ms on 4 cores take 100 ms', () => {
    const got = inPod(cpuRevision(0.1, undefined, 4000), 4);
    expect(got[0]!.end - got[0]!.start).toBeCloseTo(0.1, 9);
  });
});

describe('metrics follow the CPU used', () => {
  const overload = (rps: number): ClientSpec =>
    ({ kind: 'open', name: 'load', service: 'hello', process: 'uniform', rate: { shape: 'constant', rps }, startSeconds: 1, endSeconds: 100 }) as ClientSpec;

  it('an overloaded pod under 500m on 4 cores uses its quota, 50 ms each 100 ms: metrics-server reports 500m', () => {
    // 30 rps × 100 ms = 3 cores of demand: the quota is spent in every period from the first request on.
    const { world: w } = run(world([service('hello', [cpuRevision(0.1, 500, 4000)])], [overload(30)], { duration: 61 }));
    const rev = w.services.get('hello')!.revisions[0]!;
    expect(w.metricsServer!.podMetrics(rev)[0]).toMatchObject({ time: 60, cpuMillis: 500, windowSeconds: 15 });
    const pod = rev.allPods[0]!;
    // The counter itself: 50 ms in each of the 600 periods from 1.0 s to 60.9 s (the run ends at 61 s).
    expect(pod.res!.cpuSeconds(61)).toBeCloseTo(30, 9);
    // Throttled in each period from 1.0 s (the first request's) to 60.9 s.
    expect(pod.res!.cfs!.throttledPeriods).toBe(600);
  });

  it('a pod that never outruns its quota keeps no periods (no events): a 1-CPU limit on 1 core', () => {
    const { world: w } = run(world([service('hello', [cpuRevision(0.1, 1000, 1000)])], [overload(30)], { duration: 16 }));
    expect(w.services.get('hello')!.revisions[0]!.allPods[0]!.res!.cfs).toBeUndefined();
  });

  it('a measured profile under the same 500m reports what the periods let the CPU model use: its quota, 500m (the profile says 800m)', () => {
    // A profile gives a pod's average CPU, not how it bursts within a period: over metrics-server's windows of
    // whole periods the quota caps both models alike, so the profile's figure is capped at the quota's average.
    const profile: RevisionSpec = {
      ...cpuRevision(0.1, 500, 4000),
      work: { kind: 'profile', concurrency: [1, 4], latencySeconds: [0.1, 0.2], cpuMillis: [600, 800] },
    };
    const { world: w } = run(world([service('hello', [profile])], [overload(40)], { duration: 61 }));
    const rev = w.services.get('hello')!.revisions[0]!;
    expect(w.metricsServer!.podMetrics(rev)[0]).toMatchObject({ time: 60, cpuMillis: 500, windowSeconds: 15 });
    expect(rev.allPods[0]!.res!.cfs).toBeUndefined();
  });
});

describe("the pod cgroup's quota (the kubelet's ResourceConfigForPod) never binds the serving container alone", () => {
  // With a CPU limit on every container the pod cgroup gets the quota of their sum, which is never below the
  // serving container's own: it caps the containers together, and knsim gives the others no CPU use.
  const withQueueProxyLimit = (userLimit: number, qpLimit: number): RevisionSpec => ({
    ...cpuRevision(0.1, userLimit, 4000),
    resources: { user: { cpuRequestMillis: 500, cpuLimitMillis: userLimit }, sidecars: [], queueProxy: { cpuRequestMillis: 25, cpuLimitMillis: qpLimit } },
  });

  it('a 500m serving container with a 25m queue-proxy (pod quota 525m): 4 × 100 ms on 4 cores end at 1.7125 s, as without', () => {
    const got = inPod(withQueueProxyLimit(500, 25), 4);
    expect(got[0]!.end).toBeCloseTo(1.7125, 9);
  });

  it("5m and 3m (pod quota the least, 1 ms, as the container's own): 20 ms still take 1.9 s", () => {
    const rev = { ...withQueueProxyLimit(5, 3), serviceTime: constant(0.02) };
    const got = inPod(rev, 1);
    expect(got[0]!.end).toBeCloseTo(2.901, 9);
  });
});

describe('scenarios/cpu-bound.yaml (README, CPU model)', () => {
  const cpuBound = (sets: string[]) => summarizeWorld(loadScenario(resolve(import.meta.dirname, '../../scenarios/cpu-bound.yaml'), { sets }).world);

  it('its 1-CPU limit on the 1-core ceiling is never spent early; with a 4-core ceiling the pods burst within their quota: p50 127.551 → 119.295 ms, p95 1374.207 → 1488.895 ms, 15,629 more events', () => {
    const shipped = cpuBound([]);
    expect(shipped.overall.latencyMs).toMatchObject({ p50: 127.551, p95: 1374.207, p99: 2754.559 });
    expect(shipped.overall.maxReadyPods).toBe(10);
    const burst = cpuBound(['cluster.podCpuCeiling=4']);
    expect(burst.overall.latencyMs).toMatchObject({ p50: 119.295, p95: 1488.895, p99: 3321.855 });
    expect(burst.overall.maxReadyPods).toBe(10);
    // The CLI's counts (23,812 and 39,441) add its slices' own events to both.
    expect(burst.events - shipped.events).toBe(39_441 - 23_812);
  });
});
