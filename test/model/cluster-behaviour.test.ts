/**
 * Whole simulations with node pools: a burst that needs new nodes (Pending pods, a Cluster
 * Autoscaler scale-up, request latency that includes node start-up, scale-down after the
 * unneeded time), capacity spec A10 with its exact times (incl. the cooldown after a scale-up)
 * and A7(b) (the KPA with Pending pods: panic, EBC −291, the SKS stays in Proxy).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { AutoscalerRecord, NodeRecord, PodRecord, RecordSink, RequestRecord, TimeseriesRecord } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

const fixture = (name: string): string => resolve(import.meta.dirname, '../fixtures/capacity', `${name}.yaml`);

/** Runs a fixture in memory and keeps every record. */
function run(name: string, sets: string[] = []) {
  const loaded = loadScenario(fixture(name), { sets });
  const out = { pods: [] as PodRecord[], nodes: [] as NodeRecord[], requests: [] as RequestRecord[], decisions: [] as AutoscalerRecord[], samples: [] as TimeseriesRecord[] };
  const sink: RecordSink = {
    request: (r) => out.requests.push({ ...r }),
    decision: (r) => out.decisions.push({ ...r }),
    pod: (r) => out.pods.push({ ...r }),
    traffic: () => {},
    sample: (r) => out.samples.push({ ...r }),
    node: (r) => out.nodes.push({ ...r }),
  };
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: loaded.world.cluster.nodes!.cpuCostShare } }, sink);
  new World(loaded.world, recorder).run();
  const summary = recorder.finish({ scenario: loaded.name, seed: 1, simulatedSeconds: loaded.world.durationSeconds, events: 0, wallSeconds: 0 });
  const podAt = (pod: string, event: string) => out.pods.find((p) => p.pod === pod && p.event === event);
  const nodeAt = (node: string, event: string) => out.nodes.find((r) => r.node === node && r.event === event)?.time;
  return { ...out, summary, podAt, nodeAt };
}

/** The CA's loops run at firstScan + k × 10 s: the first at or after t. */
const loopAtOrAfter = (t: number, first = 5): number => first + Math.ceil((t - first) / 10 - 1e-9) * 10;

describe('a burst that needs more nodes (burst.yaml: 4 requests/s for 60 s on a service at zero, its node full)', () => {
  const r = run('burst');
  const pod = (n: number) => `burst-00001-deployment-000${n}`;

  it('its pods find no node: Pending with PodScheduled=False from creation, 4 at once before the first new node is Ready', () => {
    expect([1, 2, 3, 4].map((n) => r.podAt(pod(n), 'Unschedulable')!.time)).toEqual([100.001, 122.246482, 138.246482, 156.246482].map((t) => expect.closeTo(t, 6)));
    for (const n of [1, 2, 3, 4]) expect(r.podAt(pod(n), 'Unschedulable')!.time).toBe(r.podAt(pod(n), 'Pending')!.time);
    const at = (t: number) => r.samples.find((s) => s.revision === 'burst-00001' && s.time === t)!;
    expect([at(110).pending, at(130).pending, at(150).pending, at(200).pending, at(287).pending]).toEqual([1, 2, 3, 4, 4]);
    expect([at(288).ready, at(290).ready, at(290).pending]).toEqual([0, 3, 1]);
    // The KPA sees no ready pod meanwhile: the activator stays in the path, panicking from the burst on.
    const kpa = r.decisions.filter((d) => d.revision === 'burst-00001' && d.time > 101 && d.time < 288);
    expect(kpa.length).toBeGreaterThan(80);
    for (const d of kpa) {
      expect(d.readyPods, `t=${d.time}`).toBe(0);
      expect(d.sksMode, `t=${d.time}`).toBe('Proxy');
    }
    expect(Math.max(...kpa.map((d) => d.desired))).toBe(4);
  });

  it('the CA scales up at its first loop after a pod is Unschedulable; pods that fit the upcoming node wait for it; the node is Ready 183 s after the request', () => {
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['std-001', 0], ['std-002', 105], ['std-003', 165]]);
    expect(loopAtOrAfter(100.001)).toBe(105);
    // Pods 2 and 3 (122 s, 138 s) fit std-002 while it provisions: no node for them; pod 4 (156 s) does not.
    expect(loopAtOrAfter(156.246482)).toBe(165);
    expect([r.nodeAt('std-002', 'Ready'), r.nodeAt('std-003', 'Ready')]).toEqual([288, 348]);
    expect([1, 2, 3].map((n) => [r.podAt(pod(n), 'Scheduled')!.time, r.podAt(pod(n), 'Scheduled')!.node])).toEqual(Array(3).fill([288, 'std-002']));
    expect(r.podAt(pod(4), 'Scheduled')).toMatchObject({ time: 348, node: 'std-003' });
    // The start-up phases begin at binding: container start 1 s, no readiness lag.
    expect(r.podAt(pod(1), 'Ready')!.time).toBe(289);
    expect(r.summary.nodes).toEqual({ max: 3, nodeHours: expect.any(Number), podsWaitedForNode: 4, maxPendingSeconds: 191.754 });
  });

  it('request latency includes the node start-up: the first request waited for the CA loop (5 s), the node (183 s), the container start (1 s) and its own 1 s', () => {
    const burst = r.requests.filter((q) => q.revision === 'burst-00001');
    expect(burst.length).toBe(240);
    expect(burst.every((q) => q.status === 200 && q.cold)).toBe(true);
    const first = burst.find((q) => q.arrival === 100)!;
    expect(first.end - first.arrival).toBe(5 + 183 + 1 + 1);
    // Everything that arrived before the scale-up waited at least the node's start-up latency.
    const early = burst.filter((q) => q.arrival < 105);
    expect(early.length).toBe(20);
    for (const q of early) expect(q.serviceStart - q.arrival, `arrived ${q.arrival}`).toBeGreaterThanOrEqual(183);
    expect(Math.min(...burst.map((q) => q.serviceStart))).toBe(289);
  });

  it('after the load, each new node goes at the first loop strictly more than 600 s after it became unneeded, and is deleted 5 s after the taint', () => {
    // At 350.2 s the revision goes from 4 pods to 2: the ReplicaSet deletes two of std-002's three
    // (doubled up: rank 3 against 1), then at 352.2 s, of one pod on each node, the most recently
    // ready: std-003's only pod (1025m, utilization 0.26). std-002's last pod goes at 382.2 s.
    const last = (node: string) => Math.max(...r.pods.filter((p) => p.node === node && p.event === 'Terminating').map((p) => p.time));
    expect(r.pods.filter((p) => p.event === 'Terminating' && p.time < 351).map((p) => p.node)).toEqual(['std-002', 'std-002']);
    expect(last('std-003')).toBeCloseTo(352.246482, 6);
    expect(last('std-002')).toBe(382);
    // A terminating pod still draining is a pod CA's simulation must place elsewhere (only a
    // long-terminating one is skipped): at the loop at 355 std-003's fits nowhere (std-001 is full,
    // std-002 still holds its terminating pods), so std-003 is unremovable and not simulated again
    // until the recheck timeout (5 min): unneeded from the loop at 655. At 385 std-002's last pod
    // fits on std-003, empty since 382.2 s: unneeded from 385.
    expect([loopAtOrAfter(last('std-003')), loopAtOrAfter(last('std-002'))]).toEqual([355, 385]);
    // Removable iff unneededSince + 600 < now: the loop at +600 keeps it, the one at +610 takes it.
    expect([r.nodeAt('std-003', 'Tainted'), r.nodeAt('std-003', 'Deleted')]).toEqual([1265, 1270]);
    expect([r.nodeAt('std-002', 'Tainted'), r.nodeAt('std-002', 'Deleted')]).toEqual([995, 1000]);
    // The last scale-up (165 s) ended its cooldown at 765 s, before either: the unneeded time decides.
    expect(r.nodeAt('std-001', 'Tainted')).toBeUndefined();
    expect(r.summary.cost!.total).toBeCloseTo((0.2 * 1500 + 0.2 * (1000 - 105) + 0.2 * (1270 - 165)) / 3600, 6);
  });
});

describe('A10 with its numbers (a10-cooldown.yaml)', () => {
  it("B empties at 1003 (its pod gone), is unneeded from the loop at 1005, kept at 1605 (1005 + 600 < 1605 is false), tainted at 1615, deleted at 1620", () => {
    const r = run('a10-cooldown', ['clients[1].start=2300s', 'clients[1].end=2301s']);
    const b = r.pods.find((p) => p.revision === 'b-00001' && p.event === 'Gone')!;
    expect([b.time, b.node]).toEqual([1003, 'std-001']);
    expect([r.nodeAt('std-001', 'Tainted'), r.nodeAt('std-001', 'Deleted')]).toEqual([1615, 1620]);
    expect(r.nodeAt('std-002', 'Tainted')).toBeUndefined();
  });

  it('with scaleDownUnneededTime 0, B goes at the loop that first finds it unneeded: tainted at 1005, deleted at 1010', () => {
    const r = run('a10-cooldown', ['clients[1].start=2300s', 'clients[1].end=2301s', 'cluster.nodeAutoscaler.scaleDownUnneededTime=0s']);
    expect([r.nodeAt('std-001', 'Tainted'), r.nodeAt('std-001', 'Deleted')]).toEqual([1005, 1010]);
  });

  it('a scale-up elsewhere at 1205 holds the removal while 1205 + 600 > now: B goes at the loop at 1805, deleted at 1810', () => {
    const r = run('a10-cooldown');
    expect(r.podAt('c-00001-deployment-0001', 'Unschedulable')!.time).toBeCloseTo(1196.001, 6);
    expect(r.nodes.filter((n) => n.event === 'Requested' && n.time > 0).map((n) => [n.node, n.time])).toEqual([['big-001', 1205]]);
    expect([r.nodeAt('std-001', 'Tainted'), r.nodeAt('std-001', 'Deleted')]).toEqual([1805, 1810]);
  });

  // CA 1.34 on (static_autoscaler.go RunOnce): a loop that scales up goes on to the scale-down
  // part, which tracks unneeded nodes and, outside the cooldown, removes them.
  it.each([
    // c's pod Unschedulable at 996.001: the scale-up loop at 1005 is also the first to find B unneeded,
    // so B is unneeded from 1005, not 1015; the cooldown ends at 1605 and B goes at 1615 (1005 + 600 < 1615).
    { start: 996, delayAfterAdd: '10m', up: 1005, tainted: 1615 },
    { start: 996, delayAfterAdd: '0s', up: 1005, tainted: 1615 },
    // c's pod at 1606.001: the scale-up loop at 1615 is in cooldown (1615 + 600 > 1615), B waits until 2215...
    { start: 1606, delayAfterAdd: '10m', up: 1615, tainted: 2215 },
    // ...unless scale-down-delay-after-add is 0: the same loop scales up and removes B.
    { start: 1606, delayAfterAdd: '0s', up: 1615, tainted: 1615 },
  ])('a scale-up loop (c at $start s, delay after add $delayAfterAdd) also runs the scale-down part: B tainted at $tainted', ({ start, delayAfterAdd, up, tainted }) => {
    const r = run('a10-cooldown', [`clients[1].start=${start}s`, `clients[1].end=${start + 1}s`, `cluster.nodeAutoscaler.scaleDownDelayAfterAdd=${delayAfterAdd}`]);
    expect(r.nodeAt('big-001', 'Requested')).toBe(up);
    expect([r.nodeAt('std-001', 'Tainted'), r.nodeAt('std-001', 'Deleted')]).toEqual([tainted, tainted + 5]);
  });
});

describe('A7(b): the KPA with Pending pods (a7b.yaml: CC 0, target 70, total 100, TBC 211, 280 requests in flight)', () => {
  it('observed 280, ready 2, desired 4 with 2 Pending: panicking, EBC = floor(2×100 − 211 − 280) = −291, the SKS stays in Proxy', () => {
    const r = run('a7b');
    const rows = r.decisions.filter((d) => d.observedStable === 280 && d.observedPanic === 280);
    expect(rows.length).toBeGreaterThan(20);
    for (const d of rows) expect({ ready: d.readyPods, desired: d.desired, panic: d.inPanic, ebc: d.excessBurstCapacity, sks: d.sksMode }).toEqual({ ready: 2, desired: 4, panic: true, ebc: -291, sks: 'Proxy' });
    expect(r.pods.filter((p) => p.event === 'Unschedulable').map((p) => p.pod)).toEqual(['app-00001-deployment-0003', 'app-00001-deployment-0004']);
    expect(r.pods.filter((p) => p.event === 'Scheduled').length).toBe(2);
    const at150 = r.samples.find((s) => s.time === 150)!;
    expect([at150.pending, at150.ready, at150.sksMode]).toEqual([2, 2, 'Proxy']);
  });

  it('once a node autoscaler brings both pending pods up: ready 4, EBC = 400 − 211 − 280 = −91, still Proxy', () => {
    const r = run('a7b', ['cluster.nodePools[0].maxNodes=2', 'cluster.nodeAutoscaler={kind: cluster-autoscaler, firstScan: 5s}', 'duration=400s']);
    expect(r.nodes.filter((n) => n.event === 'Ready').map((n) => [n.node, n.time])).toEqual([['std-001', 0], ['std-002', 195]]);
    const rows = r.decisions.filter((d) => d.time > 200 && d.observedPanic === 280);
    expect(rows.length).toBeGreaterThan(50);
    for (const d of rows) expect({ ready: d.readyPods, ebc: d.excessBurstCapacity, sks: d.sksMode }).toEqual({ ready: 4, ebc: -91, sks: 'Proxy' });
  });
});

describe('the CPU model on nodes (cpu-on-node.yaml: podCpuCeiling 4 cores, a 2-core node, 8 users of 1 core-second requests)', () => {
  it('a pod without a CPU limit uses at most its node: 2000m, not the 4-core ceiling; each request takes 8 / 2 = 4 s', () => {
    const r = run('cpu-on-node');
    const at60 = r.samples.find((s) => s.revision === 'app-00001' && s.time === 60)!;
    expect(at60.resources!.cpuUsageMillis).toBeCloseTo(2000, -1);
    const done = r.requests.filter((q) => q.status === 200 && q.arrival > 10);
    expect(done.length).toBeGreaterThan(10);
    for (const q of done) expect(q.end - q.serviceStart).toBeCloseTo(4, 3);
  });
});

describe('a measured profile on a node smaller than the machine it was measured on (cpu-on-node.yaml, its app a profile of 3000m)', () => {
  it('reports at most the node\'s allocatable CPU: 2000m on the 2-core node, not the profile\'s 3000m', () => {
    const r = run('cpu-on-node', ['services[0].app={profile: [{concurrency: 1, latency: 1s, cpu: 3000m}, {concurrency: 8, latency: 2s, cpu: 3000m}]}']);
    // 8 users keep 8 requests in the pod: the profile's last point, 3000m, which the 2 cores cannot give.
    const at60 = r.samples.find((s) => s.revision === 'app-00001' && s.time === 60)!;
    expect(at60.resources!.cpuUsageMillis).toBe(2000);
  });
});

describe('the CPU model on nodes without cluster.podCpuCeiling (cpu-node-default.yaml: a 4-core node, 8 users of 1 core-second requests)', () => {
  it('a pod without a CPU limit alone on its node uses all of it: 4000m, each request 8 / 4 = 2 s (not the 1-core default of a scenario without nodes: 8 s)', () => {
    const r = run('cpu-node-default');
    const at60 = r.samples.find((s) => s.revision === 'app-00001' && s.time === 60)!;
    expect(at60.resources!.cpuUsageMillis).toBeCloseTo(4000, -1);
    const done = r.requests.filter((q) => q.status === 200 && q.arrival > 10);
    expect(done.length).toBeGreaterThan(10);
    for (const q of done) expect(q.end - q.serviceStart).toBeCloseTo(2, 2);
  });
});

describe('CPU contention on a node (cpu-contention.yaml: two pods without limits on a 2-core node, 8 users of 1 core-second requests each)', () => {
  const r = run('cpu-contention');
  // 1000m + 25m and 500m + 25m: 1049 and 537 cpu.shares, which the kubelet writes on cgroup v2 as
  // cpu.weight 1 + (shares − 2) × 9999 / 262142 (integer division): 40 and 21. The node's 2 cores split by them.
  const big = (2 * 40) / (40 + 21);
  const small = (2 * 21) / (40 + 21);

  it('the pods share the node by their cpu.weight 40 and 21: 1.31 and 0.69 cores, together its 2', () => {
    const at60 = (rev: string) => r.samples.find((s) => s.revision === rev && s.time === 60)!.resources!.cpuUsageMillis;
    expect(at60('big-00001')).toBeCloseTo(big * 1000, -1);
    expect(at60('small-00001')).toBeCloseTo(small * 1000, -1);
    // Not by cpu.shares (1.32 and 0.68 cores), which only cgroup v1 nodes use.
    expect(Math.abs(at60('small-00001') - (2 * 537 * 1000) / 1586)).toBeGreaterThan(8);
  });

  it("each pod's 8 requests share its part: 8 / 1.31 = 6.10 s and 8 / 0.69 = 11.62 s", () => {
    for (const [rev, cores] of [['big-00001', big], ['small-00001', small]] as const) {
      const done = r.requests.filter((q) => q.revision === rev && q.status === 200 && q.arrival > 15);
      expect(done.length).toBeGreaterThan(10);
      // Within 5 ms: while a user's next request is on its way (the 1 ms hops), 7 share the pod.
      for (const q of done) expect(q.end - q.serviceStart).toBeCloseTo(8 / cores, 2);
    }
  });

  it('a CPU limit below its share caps a pod first, and the others take the rest: small limited to 600m, big gets 1.4 cores', () => {
    // Each 100 ms period the two share the node by weight until small has spent its 60 ms quota (87 ms at its
    // 0.69 cores); throttled, it leaves the node to big for the rest: 140 ms a period, 1.4 cores on average.
    const capped = run('cpu-contention', ['services[1].manifest.spec.template.spec.containers[0].resources.limits.cpu=600m']);
    const done = (rev: string) => capped.requests.filter((q) => q.revision === rev && q.status === 200 && q.arrival > 15);
    expect(done('big-00001').length).toBeGreaterThan(10);
    for (const q of done('big-00001')) expect(q.end - q.serviceStart).toBeCloseTo(8 / 1.4, 2);
    // Small's 8 core-seconds are 133⅓ periods' quota: a batch ends a third of the way into a quota, so within a
    // few milliseconds of 8 / 0.6 = 13.333 s as the period grid falls (13.328 and 13.341 s here), never further.
    const small = done('small-00001').map((q) => q.end - q.serviceStart);
    expect(small.length).toBeGreaterThan(10);
    for (const t of small) expect(Math.abs(t - 8 / 0.6)).toBeLessThan(0.01);
    expect(Math.min(...small)).toBeCloseTo(13.328, 3);
    expect(Math.max(...small)).toBeCloseTo(13.341, 3);
  });

  it('beside an idle pod, a pod has the whole node: all 16 users on big, 16 / 2 = 8 s', () => {
    const alone = run('cpu-contention', ['clients[1].service=big']);
    const done = alone.requests.filter((q) => q.revision === 'big-00001' && q.status === 200 && q.arrival > 15);
    expect(done.length).toBeGreaterThan(10);
    for (const q of done) expect(q.end - q.serviceStart).toBeCloseTo(8, 2);
    expect(alone.requests.filter((q) => q.revision === 'small-00001')).toHaveLength(0);
  });
});
