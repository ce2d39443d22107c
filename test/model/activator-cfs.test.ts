/**
 * The activator's CPU limit as the kernel and Go enforce it (`cluster.activatorCpu.limit`):
 * automaxprocs (knative.dev/pkg sharedmain's init) sets GOMAXPROCS to the limit rounded down,
 * at least 1, so the activator runs on that many cores; under a limit below 1 core it runs on
 * 1 until its CFS quota (limit × 100 µs per 100 ms period) is spent, as a pod does.
 */
import { describe, expect, it } from 'vitest';
import { automaxprocs } from '../../src/core/capacity/index.js';
import { STATUS_OK } from '../../src/model/request.js';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

function simulate(activatorCpu: Record<string, unknown>, rps: number, duration = '20s') {
  const loaded = scenarioFromValue(
    {
      name: 't',
      duration,
      cluster: { activators: 1, activatorCpu },
      services: [
        {
          manifest: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name: 'fast' },
            // TBC -1 keeps the activator in the path; ten pods are plenty.
            spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/target-burst-capacity': '-1', 'autoscaling.knative.dev/min-scale': '10' } }, spec: { containers: [{ image: 'app' }] } } },
          },
          initialPods: 10,
          app: { serviceTime: '10ms' },
        },
      ],
      clients: [{ name: 'load', service: 'fast', open: { process: 'uniform', rps } }],
    },
    's.yaml',
  );
  const rec = new MemoryRecorder();
  const world = new World(loaded.world, rec);
  world.run();
  return { world, rec };
}

describe("the activator's GOMAXPROCS (automaxprocs: the quota in cores rounded down, at least 1)", () => {
  it.each([
    [10, 1],
    [500, 1],
    [1000, 1],
    [1500, 1],
    [2500, 2],
    [4000, 4],
  ])('a quota of %im runs on %i', (quota, procs) => {
    expect(automaxprocs(quota)).toBe(procs);
  });
});

/** Each request's latency (end − arrival) and status. */
const latencies = (rec: MemoryRecorder, from = 0, to = Number.POSITIVE_INFINITY) =>
  rec.requests.filter((r) => r.arrival >= from && r.arrival < to).map((r) => ({ latency: r.end - r.arrival, status: r.status }));

describe('an activator under a limit below 1 core runs on 1 core until its period\'s quota is spent', () => {
  // A request every second, arriving at whole seconds; 1 ms of ingress, 10 ms of app.
  it('80 ms of CPU under 500m: 50 ms at once, nothing until the period ends, 30 ms more: 140 ms in all (the limit spread evenly: 171 ms)', () => {
    const { world, rec } = simulate({ perRequest: '80ms', limit: '500m' }, 1, '5s');
    const got = latencies(rec);
    expect(got.length).toBe(5);
    // k.001–k.051 on 1 core (the 50 ms quota), throttled to k.1, k.1–k.13, then 10 ms at the pod.
    for (const r of got) {
      expect(r.status).toBe(STATUS_OK);
      expect(r.latency).toBeCloseTo(0.14, 9);
    }
    const cpu = world.activators[0]!.cpu!;
    expect(cpu.cfs?.throttledPeriods).toBe(5);
    expect(cpu.cpuSeconds(5)).toBeCloseTo(0.4, 9);
  });

  it('under the default 1000m (GOMAXPROCS 1, a whole core a period) the quota is never spent early: 91 ms', () => {
    const { world, rec } = simulate({ perRequest: '80ms' }, 1, '5s');
    for (const r of latencies(rec)) expect(r.latency).toBeCloseTo(0.091, 9);
    expect(world.activators[0]!.cpu!.cfs).toBeUndefined();
  });
});

describe('an activator under a limit above 1 core runs on the whole cores of it', () => {
  // 250 rps × 5 ms need 1.25 cores; the HPA held at one activator.
  const held = { perRequest: '5ms', minReplicas: 1, maxReplicas: 1 };

  it('1500m is GOMAXPROCS 1: one core, saturated, latency climbs past a second (spread as 1.5 cores it kept up)', () => {
    const { rec } = simulate({ ...held, limit: '1500m' }, 250, '20s');
    const late = latencies(rec, 10, 20).map((r) => r.latency).sort((a, b) => a - b);
    expect(late[Math.floor(late.length / 2)]!).toBeGreaterThan(1);
  });

  it('2000m is GOMAXPROCS 2: two cores keep up, 16 ms = 1 ms ingress + 5 ms activator + 10 ms app', () => {
    const { world, rec } = simulate({ ...held, limit: '2000m' }, 250, '20s');
    for (const r of latencies(rec, 10, 20)) expect(r.latency).toBeCloseTo(0.016, 6);
    expect(world.activators[0]!.cpu!.cfs).toBeUndefined();
  });
});
