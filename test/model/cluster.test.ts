/**
 * Nodes, scheduling and node autoscaling in whole simulations: capacity spec §7 A9–A12
 * reproduced through the scenario loader, the model and the outputs.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { NodeRecord, PodRecord, RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';

const fixture = (name: string): string => resolve(import.meta.dirname, '../fixtures/capacity', `${name}.yaml`);

/** Runs a fixture in memory; keeps its pod and node records and returns the summary. */
function run(name: string, sets: string[] = []) {
  const loaded = loadScenario(fixture(name), { sets });
  const pods: PodRecord[] = [];
  const nodes: NodeRecord[] = [];
  const sink: RecordSink = {
    request: () => {},
    decision: () => {},
    pod: (r) => pods.push({ ...r }),
    traffic: () => {},
    sample: () => {},
    node: (r) => nodes.push({ ...r }),
  };
  const n = loaded.world.cluster.nodes!;
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: n.cpuCostShare } }, sink);
  const world = new World(loaded.world, recorder);
  world.run();
  const summary = recorder.finish({ scenario: loaded.name, seed: 1, simulatedSeconds: loaded.world.durationSeconds, events: 0, wallSeconds: 0 });
  const at = (pod: string, event: string) => pods.find((p) => p.pod === pod && p.event === event);
  const nodeAt = (node: string, event: string) => nodes.find((r) => r.node === node && r.event === event)?.time;
  return { pods, nodes, summary, at, nodeAt, world };
}

describe('A9: fit, Pending, Cluster Autoscaler scale-up', () => {
  const r = run('a9');
  const fourth = 'app-00001-deployment-0004';
  it('three 1025m pods fit a 4000m node; the 4th (1025 > 925 left) is Unschedulable at t = 0', () => {
    for (const p of ['app-00001-deployment-0001', 'app-00001-deployment-0002', 'app-00001-deployment-0003']) {
      expect(r.at(p, 'Scheduled')).toMatchObject({ time: 0, node: 'std-001' });
    }
    expect(r.at(fourth, 'Unschedulable')?.time).toBe(0);
  });
  it('the CA loop at t = 5 requests one node; Ready at 185 (180 s latency); the pod binds at 185 and starts then', () => {
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['std-001', 0], ['std-002', 5]]);
    expect(r.nodeAt('std-002', 'Ready')).toBe(185);
    expect(r.at(fourth, 'Scheduled')).toMatchObject({ time: 185, node: 'std-002' });
    expect(r.at(fourth, 'Starting')?.time).toBe(185);
    expect(r.pods.filter((p) => p.pod === fourth && p.event === 'Ready')[0]!.time).toBeGreaterThan(185);
  });
  it('the pending pod is not ready for the KPA: the revision has 3 ready pods until it starts', () => {
    const rev = r.world.services.get('app')!.revisions[0]!;
    expect(rev.readyPods.length).toBe(4);
    expect(r.summary.nodes).toMatchObject({ max: 2, podsWaitedForNode: 1, maxPendingSeconds: 185 });
  });
});

describe('Cluster Autoscaler waits one loop for pods under 2 s old (static_autoscaler.go allPodsAreNew)', () => {
  it('a9 with the first loop at 1 s: the 4th pod (created at 0) is 1 s old, so no scale-up until the loop at 11 (was at 1); Ready at 191', () => {
    const r = run('a9', ['cluster.nodeAutoscaler.firstScan=1s']);
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['std-001', 0], ['std-002', 11]]);
    expect(r.at('app-00001-deployment-0004', 'Scheduled')).toMatchObject({ time: 191, node: 'std-002' });
  });
  it('exactly 2 s old is old enough (strict): the loop at 2 scales up', () => {
    const r = run('a9', ['cluster.nodeAutoscaler.firstScan=2s']);
    expect(r.nodeAt('std-002', 'Requested')).toBe(2);
  });
  it('that loop removes nothing either: ca-empty-and-drain with a 5-CPU pod (fits no node) created at 614 s: the removals due at 615 wait for the loop at 625', () => {
    const sets = [
      'configMaps.config-autoscaler["allow-zero-initial-scale"]=true',
      'services[2]={manifest: {apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: z}, spec: {template: {metadata: {annotations: {autoscaling.knative.dev/initial-scale: "0"}}, spec: {containers: [{image: app, resources: {requests: {cpu: "5"}}}]}}}}}',
      'clients[1]={name: w, service: z, start: 613.5s, end: 614s, open: {process: uniform, rate: {shape: constant, rps: 1}}}',
    ];
    const r = run('ca-empty-and-drain', sets);
    expect(r.at('z-00001-deployment-0001', 'Unschedulable')?.time).toBe(614.5);
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([
      ['std-001', 625],
      ['std-003', 625],
    ]);
  });
});

describe('Cluster Autoscaler: a node pool whose nodes never register', () => {
  it('backs off 5, 10, 20, then 30 min after each failed scale-up, each seen at a loop, and gives up its node then (clusterstate.go updateScaleRequests: DecreaseTargetSize)', () => {
    const e = run('a9', ['cluster.nodePools[0].startupLatency=20m', 'duration=2h']);
    // Loops every 10 s from 5 s. The request at 5 s is due at 905 s: the first loop past it (915 s) fails it,
    // backs the pool off until 1215 s, a loop that still skips it (backed off until the end has passed), and
    // reverts it: its one node never came, so the target drops by one and the node is given up at 915 s (not at
    // 925 s, the first loop more than 15 min after the 15 s loop first saw it unregistered).
    // Then 1225 → fails at 2135 (10 min, to 2735), 2745 → 3655 (20 min, to 4855), 4865 → 5775.
    expect(e.nodes.filter((n) => n.event === 'Requested' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time])).toEqual([
      ['std-001', 'Requested', 0],
      ['std-002', 'Requested', 5],
      ['std-002', 'Deleted', 915],
      ['std-003', 'Requested', 915 + 300 + 10],
      ['std-003', 'Deleted', 2135],
      ['std-004', 'Requested', 2135 + 600 + 10],
      ['std-004', 'Deleted', 3655],
      ['std-005', 'Requested', 3655 + 1200 + 10],
      ['std-005', 'Deleted', 5775],
    ]);
  });
});

describe('Cluster Autoscaler: one drain at a time (max-drain-parallelism 1; drain-one-at-a-time.yaml)', () => {
  it('a drained node is a drain in progress until it is deleted, not only while it holds pods: the next taint comes at the loop after the deletion', () => {
    const r = run('drain-one-at-a-time');
    const events = r.nodes.filter((n) => n.event === 'Tainted' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time]);
    // p-001's pod is gone at 621 s, the node deleted at the 5 s look at 625 s; the loop at 623 s may not taint p-002 (deletion tracker).
    expect(r.pods.find((p) => p.node === 'p-001' && p.event === 'Gone')!.time).toBe(621);
    expect(events).toEqual([
      ['p-001', 'Tainted', 613],
      ['p-001', 'Deleted', 625],
      ['p-002', 'Tainted', 633],
      ['p-002', 'Deleted', 645],
      ['p-003', 'Tainted', 653],
      ['p-003', 'Deleted', 665],
    ]);
  });
});

describe('Cluster Autoscaler: a scale-up that succeeds does not lift its pool\'s back-off (clusterstate.go updateScaleRequests; nothing calls RemoveBackoff)', () => {
  it('a failure, then a node that registers, then a failure: backed off 10 min, the first failure\'s 5 doubled', () => {
    // Nodes take 16 min (past the 15 min provision time) or 1 min, drawn per node; from 1500 s a load of 2 s requests
    // at 5 rps (containerConcurrency 1) asks for more nodes. Seed 6 draws: fail, succeed, then 1 of 3 failing.
    const e = run('a9', [
      'seed=6',
      'cluster.nodePools[0].startupLatency={dist: empirical, values: [16m, 1m]}',
      'services[0].manifest.spec.template.spec.containerConcurrency=1',
      'services[0].app.serviceTime=2s',
      'clients[0].start=1500s',
      'clients[0].end=7000s',
      'clients[0].open.rate.rps=5',
      'duration=2h',
    ]);
    const ev = e.nodes.filter((n) => ['Requested', 'Ready', 'Deleted'].includes(n.event)).map((n) => [n.node, n.event, n.time]);
    expect(ev).toEqual([
      ['std-001', 'Requested', 0],
      ['std-001', 'Ready', 0],
      ['std-002', 'Requested', 5],
      // Failed at the 915 s loop, and given up then: backed off until 1215 s, a loop that still skips the pool.
      ['std-002', 'Deleted', 915],
      ['std-003', 'Requested', 1225],
      // Registered: the 1295 s loop finds no node of the pool still coming; the request ends, the back-off stays.
      ['std-003', 'Ready', 1285],
      ['std-004', 'Requested', 1515],
      ['std-005', 'Requested', 1515],
      ['std-006', 'Requested', 1515],
      ['std-004', 'Ready', 1575],
      ['std-006', 'Ready', 1575],
      // Due at 2415 s, failed at the 2425 s loop: the first failure's back-off has passed, so it doubles to 10 min.
      // The revert (target −3) is refused, as two of its three nodes registered: std-005 goes at 2435 s, 15 min
      // after the 1525 s loop first saw it unregistered.
      ['std-005', 'Deleted', 2435],
      ['std-007', 'Requested', 2425 + 600 + 10],
      ['std-007', 'Ready', 3095],
    ]);
  });
});

describe('kube-scheduler scores LeastAllocated + BalancedAllocation (balanced.yaml: a 500m / 4 GiB pod, a node with 2 CPUs of DaemonSets, one with 6.5 GiB)', () => {
  it('the pod binds to the CPU-loaded node: 55 + 81 = 136 against 60 + 73 = 133 (LeastAllocated alone put it on the memory-loaded node, 60 > 55)', () => {
    const r = run('balanced');
    expect(r.at('app-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'cpu-001' });
  });
});

describe('kube-scheduler spreads a revision\'s pods (PodTopologySpread, system default hostname maxSkew 3, weight 2; spread.yaml)', () => {
  it('the second pod goes to the node without one of its revision\'s pods: 149 + 2 × 100 = 349 against 173 + 2 × 66 = 305 (the resource scores alone kept it on the emptier node, 173 > 149)', () => {
    const r = run('spread');
    expect(r.at('app-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'idle-001' });
    expect(r.at('app-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'busy-001' });
  });
});

describe("Knative's default anti-affinity, scored by InterPodAffinity (weight 2; anti-affinity.yaml)", () => {
  const third = 'app-00001-deployment-0003';
  it('a new pod avoids the node of its revision\'s terminating pod, which resources and PodTopologySpread preferred: 149 + 200 + 200 on c-001 against 173 + 200 + 0', () => {
    const r = run('anti-affinity');
    expect(r.at('app-00001-deployment-0002', 'Terminating')).toMatchObject({ time: 100, node: 'a-001' });
    expect(r.at(third, 'Scheduled')).toMatchObject({ time: 101.5, node: 'c-001' });
    // Still terminating as the new pod binds.
    expect(r.at('app-00001-deployment-0002', 'Gone')!.time).toBeGreaterThan(101.5);
  });
  it('config-deployment default-affinity-type none: no such term, so the pod takes the terminating pod\'s node', () => {
    const r = run('anti-affinity', ['configMaps.config-deployment["default-affinity-type"]=none']);
    expect(r.at(third, 'Scheduled')).toMatchObject({ time: 101.5, node: 'a-001' });
  });
  it('a template with an affinity of its own gets none from Knative (deploy.go makePodSpec)', () => {
    const r = run('anti-affinity', ['configMaps.config-features["kubernetes.podspec-affinity"]=allowed', 'services[0].manifest.spec.template.spec.affinity={}']);
    expect(r.at(third, 'Scheduled')).toMatchObject({ time: 101.5, node: 'a-001' });
  });
});

describe('the ReplicaSet deletes a doubled-up pod first (ActivePodsWithRanks; scale-down-rank.yaml)', () => {
  it('min-scale 3 → 2 deletes a pod of std-001, which holds two of the revision\'s pods, not the most recently ready one alone on std-002', () => {
    const r = run('scale-down-rank');
    expect(r.at('app-00001-deployment-0003', 'Ready')).toMatchObject({ node: 'std-002' });
    expect(r.at('app-00001-deployment-0002', 'Terminating')).toMatchObject({ time: 400, node: 'std-001' });
    expect(r.at('app-00001-deployment-0003', 'Terminating')).toBeUndefined();
  });
});

describe('A12: cost in summary.json', () => {
  const r = run('a9');
  it('node cost = price × lifetime from the provision request: 0.20 × 1 + 0.20 × 3595/3600', () => {
    expect(r.summary.cost!.total).toBeCloseTo(0.2 + (0.2 * 3595) / 3600, 6);
    expect(r.summary.nodes!.nodeHours).toBeCloseTo(1 + 3595 / 3600, 6);
    expect(r.summary.cost!.perDay).toBeCloseTo(r.summary.cost!.total * 24, 5);
  });
  it('per revision: 1.025 cores × $0.025/core-h (f_cpu 0.5 of $0.20 over 4 cores), from binding; the rest is idle', () => {
    const rate = (0.5 * 0.2) / 4;
    const want = 3 * 1.025 * rate + (1.025 * rate * (3600 - 185)) / 3600;
    expect(r.summary.cost!.perRevision['app-00001']).toBeCloseTo(want, 6);
    expect(r.summary.cost!.idle).toBeCloseTo(r.summary.cost!.total - want, 5);
  });
});

describe('A12 end to end (a12.yaml): node A 0–3600 s, node B 5–1620 s at $0.20/h', () => {
  const r = run('a12');
  it('B is requested at 5 s and deleted at 1620 s; the nodes cost 0.20 × 1 + 0.20 × 1615/3600 = $0.2897', () => {
    expect(r.nodeAt('std-002', 'Requested')).toBe(5);
    expect(r.nodeAt('std-002', 'Deleted')).toBe(1620);
    expect(r.summary.cost!.total).toBeCloseTo(0.2 + (0.2 * 1615) / 3600, 6);
    expect(r.summary.cost!.total.toFixed(4)).toBe('0.2897');
    expect(r.summary.nodes).toMatchObject({ max: 2, podsWaitedForNode: 1, maxPendingSeconds: 185 });
    expect(r.summary.nodes!.nodeHours).toBeCloseTo(1 + 1615 / 3600, 6);
  });
  it('b is charged 3.025 cores × $0.025 per core-hour from its binding at 185 s to 1003 s', () => {
    expect(r.summary.cost!.perRevision['b-00001']).toBeCloseTo((3.025 * 0.025 * (1003 - 185)) / 3600, 6);
  });
});

describe('DaemonSet pods are a workload, as OpenCost allocates them (a12.yaml with 200m / 512Mi of DaemonSets per node)', () => {
  const r = run('a12', ['cluster.nodePools[0].daemonSets={cpu: 200m, memory: 512Mi, pods: 2}']);
  // $0.025 per core-hour and $0.00625 per GiB-hour: 0.2 × 0.025 + 0.5 × 0.00625 = $0.008125 per node-hour.
  const perHour = 0.2 * 0.025 + 0.5 * 0.00625;
  it('charged their requests from each node\'s Ready to its deletion: A 0–3600 s, B 185–1620 s (none while B starts)', () => {
    expect(r.nodeAt('std-002', 'Ready')).toBe(185);
    expect(r.nodeAt('std-002', 'Deleted')).toBe(1620);
    expect(r.summary.cost!.daemonSets).toBeCloseTo(perHour + (perHour * (1620 - 185)) / 3600, 6);
    expect(r.summary.cost!.daemonSets.toFixed(6)).toBe('0.011364');
  });
  it('idle is what neither revisions nor DaemonSets are charged, per node as per cluster', () => {
    const c = r.summary.cost!;
    const revisions = Object.values(c.perRevision).reduce((a, v) => a + v, 0);
    expect(c.total.toFixed(4)).toBe('0.2897');
    expect(c.idle).toBeCloseTo(c.total - revisions - c.daemonSets, 5);
    expect(c.idlePerNode['std-001']).toBeCloseTo(0.2 - c.perRevision['a-00001']! - perHour, 6);
    expect(c.idlePerNode['std-002']).toBeCloseTo((0.2 * 1615) / 3600 - c.perRevision['b-00001']! - (perHour * 1435) / 3600, 6);
    expect(c.idlePerNode['std-001']! + c.idlePerNode['std-002']!).toBeCloseTo(c.idle, 5);
  });
  it('without DaemonSets nothing is charged to them', () => {
    expect(run('a12').summary.cost!.daemonSets).toBe(0);
  });
});

describe('A12 end to end (a12-pod.yaml): a pod requesting 1 core / 2 GiB on a 4-core/16 GiB node at $0.20/h for 1 h', () => {
  it('using 2 cores: 2 × $0.025 + 2 GiB × $0.00625 = $0.0625', () => {
    expect(run('a12-pod').summary.cost!.perRevision['app-00001']).toBeCloseTo(0.0625, 6);
  });
  it('using 0.5 core and 1 GiB: the requests are charged, 1 × $0.025 + 2 × $0.00625 = $0.0375', () => {
    expect(run('a12-pod', ['clients[0].closed={users: 1, think: 1s}']).summary.cost!.perRevision['app-00001']).toBeCloseTo(0.0375, 6);
  });
  it('with the queue-proxy\'s default 25m request, OpenCost charges it container by container: the user container\'s 2 cores and the queue-proxy\'s 25m, $0.063125', () => {
    // Pod-level max(1025m, 2000m) would swallow the queue-proxy's request: $0.0625.
    const sets = ['configMaps.config-deployment={}'];
    expect(run('a12-pod', sets).summary.cost!.perRevision['app-00001']).toBeCloseTo(2.025 * 0.025 + 2 * 0.00625, 9);
    // Under its request the user container is charged that: 1.025 × $0.025 + $0.0125.
    expect(run('a12-pod', [...sets, 'clients[0].closed={users: 1, think: 1s}']).summary.cost!.perRevision['app-00001']).toBeCloseTo(1.025 * 0.025 + 2 * 0.00625, 9);
  });
});

describe('cost of a pod with an init container (init-cost.yaml)', () => {
  it('the scheduler holds the init container\'s 3 CPUs, but the revision is charged its containers\' 1 CPU and 1 GiB, as OpenCost charges them', () => {
    const r = run('init-cost');
    expect(r.at('app-00001-deployment-0001', 'Scheduled')!.requests).toEqual({ cpuMillis: 1000, memoryBytes: 2 ** 30 });
    // $0.025 per core-hour and $0.00625 per GiB-hour for an hour; 3 × 0.025 + 0.00625 = $0.08125 before.
    expect(r.summary.cost!.perRevision['app-00001']).toBeCloseTo(0.025 + 0.00625, 6);
    expect(r.summary.cost!.idle).toBeCloseTo(0.2 - 0.03125, 6);
  });
});

describe('A10: Cluster Autoscaler scale-down timing', () => {
  const r = run('a10');
  const b = r.pods.find((p) => p.revision === 'b-00001' && p.event === 'Gone')!;
  it("b's node empties when its pod is gone; unneeded from the next loop, removable strictly after 600 s, deleted 5 s after the taint", () => {
    expect(b.node).toBe('std-001');
    const firstLoop = 5 + Math.ceil((b.time - 5) / 10 + 1e-9) * 10;
    expect(r.nodeAt('std-001', 'Tainted')).toBe(firstLoop + 610);
    expect(r.nodeAt('std-001', 'Deleted')).toBe(firstLoop + 615);
  });
  it("a's node (3025m of 4000m, utilization 0.756 ≥ 0.5) stays", () => {
    expect(r.nodeAt('std-002', 'Tainted')).toBeUndefined();
  });
  it('scale-down-unneeded-time 20m: tainted at the loop 1210 s after the first unneeded one (removable strictly after 1200 s); the cooldown case is in cluster-behaviour.test.ts', () => {
    const slow = run('a10', ['cluster.nodeAutoscaler.scaleDownUnneededTime=20m']);
    const firstLoop = 5 + Math.ceil((b.time - 5) / 10 + 1e-9) * 10;
    expect(slow.nodeAt('std-001', 'Tainted')).toBe(firstLoop + 1210);
  });
});

describe('A11: Karpenter batching', () => {
  const r = run('a11');
  it('pods failing at 0, 0.5, 1.2, 2.0 s share one window that closes at 3.0 s: one node, the cheapest that holds all four', () => {
    expect(r.pods.filter((p) => p.event === 'Unschedulable').map((p) => p.time)).toEqual([0, 0.5, 1.2, 2]);
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['big-001', 3]]);
    expect(r.pods.filter((p) => p.event === 'Scheduled').map((p) => [p.node, p.time])).toEqual(Array(4).fill(['big-001', 63]));
  });
  it('empty nodes: a command at the poll, run after the 15 s re-validation, within the 10 % budget (one node of two); an empty node is terminated 5 s after its drain began', () => {
    const e = run('a11', ['cluster.nodePools[2].initialNodes=2', 'duration=60s']);
    const tainted = e.nodes.filter((n) => n.event === 'Tainted');
    // Initial empty nodes are consolidatable at once (consolidateAfter 0s): the poll at 2 s builds a
    // command for ceil(10 % × 2) = 1 node, run at 17. tiny-001 has no pod, but the node termination
    // controller keeps it MinDrainTime (5 s): deleted at 22 (was 17). The pass right after the command,
    // at 17, finds it still being deleted, using up the budget (ceil(10 % × 2) − 1 = 0), so the next
    // pass is 10 s later, at 27, and takes tiny-002, run at 42 (was 32, by the pass at 17).
    expect(tainted.map((n) => [n.node, n.time])).toEqual([['tiny-001', 17], ['tiny-002', 42]]);
    expect(e.nodeAt('tiny-001', 'Deleted')).toBe(22);
    expect(e.nodeAt('tiny-002', 'Deleted')).toBe(47);
  });
  it('pods still Unschedulable re-trigger the provisioner every 10 s: after a node misses the 15 min registration timeout, a new one is launched', () => {
    // A 1 h progress deadline keeps the pods: their revisions, Unschedulable with none ready, are Unreachable,
    // and the KPA's activation timeout (progress deadline + 30 s) would otherwise take them to zero at 630 s.
    const e = run('a11', ['cluster.nodePools[0].startupLatency=20m', 'cluster.nodePools[1].startupLatency=20m', 'duration=2000s', 'configMaps.config-deployment.progress-deadline=1h']);
    // Requeues at 900, 900.5, 901.2, 902 open a window that closes at 903, just after big-001
    // (requested at 3) is deleted at its 15 min timeout: all four pods go onto big-002.
    expect(e.nodes.filter((n) => n.event === 'Requested' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time])).toEqual([
      ['big-001', 'Requested', 3],
      ['big-001', 'Deleted', 903],
      ['big-002', 'Requested', 903],
      ['big-002', 'Deleted', 1803],
      ['big-003', 'Requested', 1803],
    ]);
    expect(e.pods.filter((p) => p.event === 'Scheduled')).toEqual([]);
  });
  it('the budget counts initialized nodes only: 10 Ready + 1 launching allow ceil(10 %% × 10) = 1 disruption, not ceil(1.1) = 2'.replace('%%', '%'), () => {
    const e = run('a11', ['cluster.nodePools[2].maxNodes=20', 'cluster.nodePools[2].initialNodes=12', 'duration=60s']);
    const tainted = e.nodes.filter((n) => n.event === 'Tainted').map((n) => n.time);
    // Poll at 2 s: 12 Ready ⇒ 2 (run at 17). The pass right after, at 17, finds those two still being deleted
    // (until 22) ⇒ 0. The pass at 27: 10 Ready, big-001 launching since 3 s (Ready at 63) ⇒ 1 (run at 42).
    expect(tainted).toEqual([17, 17, 42]);
  });
  it.each([
    // [minNodes, tainted]: consolidation never takes a pool below its minNodes
    // tiny-001 is deleted at 22 (its 5 s minimum drain): the pass at 17 has no budget, the one at 27 takes tiny-002.
    [0, [['tiny-001', 17], ['tiny-002', 42]]],
    [1, [['tiny-001', 17]]],
    [2, []],
  ])('a pool with minNodes %i keeps that many of its two empty nodes', (minNodes, want) => {
    const e = run('a11', ['cluster.nodePools[2].initialNodes=2', `cluster.nodePools[2].minNodes=${minNodes}`, 'duration=60s']);
    expect(e.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual(want);
  });
});

describe('Karpenter provisioning packs a batch largest pod first, each onto the new node holding the fewest pods (provisioning/scheduling queue.go, scheduler.go add)', () => {
  // Which revisions share a node (kube-scheduler binds them once both nodes are Ready at 63 s, wherever it scores best).
  const together = (r: ReturnType<typeof run>) => {
    const by = new Map<string, string[]>();
    for (const p of r.pods.filter((p) => p.event === 'Scheduled')) by.set(p.node!, [...(by.get(p.node!) ?? []), p.revision].sort());
    return [...by.values()].sort();
  };
  it('karpenter-batch.yaml: 2525m, 2525m, then 1425m, 1425m onto 4-CPU nodes: two nodes, one of each size on each (was three: 1425m + 1425m left no room for a 2525m)', () => {
    const r = run('karpenter-batch');
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['std-001', 3], ['std-002', 3]]);
    expect(together(r)).toHaveLength(2);
    for (const n of together(r)) expect(n.filter((rev) => rev === 's2-00001' || rev === 's3-00001')).toHaveLength(1);
  });
  it('with a 3-CPU $0.10 pool besides a 4-CPU $0.30 one and 500m pods instead of 1400m: each 525m goes to the node holding one pod, so both nodes need 3050m: two 4-CPU nodes (was one 4-CPU node with both 525m pods and one 3-CPU node)', () => {
    const half = (i: number) => `services[${i}].manifest.spec.template.spec.containers[0].resources.requests.cpu=500m`;
    const r = run('karpenter-batch', [
      'cluster.nodePools[0].pricePerHour=0.3',
      'cluster.nodePools[1]={name: small, cpu: "3", memory: 16Gi, pricePerHour: 0.1, maxNodes: 5, startupLatency: 60s}',
      half(0),
      half(1),
      // Before consolidation replaces one of them (a 525m pod fits beside the other's pods, a 2525m one on a 3-CPU node).
      'duration=80s',
    ]);
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => n.node)).toEqual(['std-001', 'std-002']);
    expect(together(r)).toHaveLength(2);
    for (const n of together(r)) expect(n.filter((rev) => rev === 's2-00001' || rev === 's3-00001')).toHaveLength(1);
  });
});

describe('Karpenter consolidation (karpenter-consolidation.yaml: three 1-CPU pods, each alone on an 8-CPU $0.40 node)', () => {
  const events = (r: ReturnType<typeof run>) => r.nodes.filter((n) => n.event !== 'Requested' || n.time > 0).map((n) => [n.node, n.event, n.time]);

  it('multi-node (budget 100 %): the three nodes at once, replaced by one 4-CPU $0.20 node; drained when it is Ready', () => {
    const r = run('karpenter-consolidation');
    // Poll at 2 s: the longest prefix is all three (one node of their own type is no saving, a medium is);
    // re-validated at 17; the replacement is Ready after its 60 s, the old nodes go after the 30 s drain.
    expect(events(r)).toEqual([
      ['big-001', 'Ready', 0],
      ['big-002', 'Ready', 0],
      ['big-003', 'Ready', 0],
      ['big-001', 'Tainted', 17],
      ['big-002', 'Tainted', 17],
      ['big-003', 'Tainted', 17],
      ['medium-001', 'Requested', 17],
      ['medium-001', 'Ready', 77],
      ['big-001', 'Deleted', 107],
      ['big-002', 'Deleted', 107],
      ['big-003', 'Deleted', 107],
    ]);
    // The pods keep serving on the tainted nodes until the replacement is Ready, then move to it.
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.time > 0).map((p) => [p.node, p.time])).toEqual(Array(3).fill(['medium-001', 77]));
    expect(r.pods.filter((p) => p.event === 'Terminating').map((p) => p.time)).toEqual([77, 77, 77]);
  });

  it('single-node (budget 10 %: one node at a time): two deletions onto the others, then the last replaced by a cheaper node', () => {
    const r = run('karpenter-consolidation', ['cluster.nodeAutoscaler.budgetNodesPercent=10', 'duration=400s']);
    expect(events(r).slice(3)).toEqual([
      ['big-001', 'Tainted', 17],
      ['big-001', 'Deleted', 47],
      // While big-001 is being removed it uses up the budget: the pass right after the command (17)
      // finds nothing, so do those every 10 s after it; the one at 47 (after the deletion) takes the next.
      ['big-003', 'Tainted', 62],
      ['big-003', 'Deleted', 92],
      // big-002 holds all three pods: no other node, one medium ($0.20 < $0.40) holds them.
      ['big-002', 'Tainted', 107],
      ['medium-001', 'Requested', 107],
      ['medium-001', 'Ready', 167],
      ['big-002', 'Deleted', 197],
    ]);
  });

  it('the queue sees the replacement Ready at its next once-a-second check of the command (disruption/queue.go RequeueAfter 1 s): Ready at 77.5, the old nodes drained at 78 (was 77.5)', () => {
    const r = run('karpenter-consolidation', ['cluster.nodePools[1].startupLatency=60.5s']);
    expect(r.nodeAt('medium-001', 'Ready')).toBe(77.5);
    expect(r.pods.filter((p) => p.event === 'Terminating').map((p) => p.time)).toEqual([78, 78, 78]);
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.time > 0).map((p) => [p.node, p.time])).toEqual(Array(3).fill(['medium-001', 78]));
    expect(r.nodeAt('big-001', 'Deleted')).toBe(108);
  });

  it('no cheaper node: with only the big pool, the three pods end on one big node and it stays', () => {
    const r = run('karpenter-consolidation', ['cluster.nodePools[1].maxNodes=0', 'cluster.nodePools[2].maxNodes=0', 'duration=400s']);
    expect(r.nodes.filter((n) => n.event === 'Requested' && n.time > 0)).toEqual([]);
    expect(r.nodes.filter((n) => n.event === 'Deleted').map((n) => n.node)).toHaveLength(2);
  });

  it('a replacement not initialized 10 min after the command is called off: the old nodes are untainted at the queue\'s first check past 600 s (618) and keep their pods', () => {
    const r = run('karpenter-consolidation', ['cluster.nodePools[1].startupLatency=20m', 'cluster.nodePools[2].startupLatency=20m', 'duration=1000s']);
    // disruption/queue.go: minRetryDuration 10 min, checked every second (was: untainted at 917, when
    // medium-001 missed the 15 min registration timeout).
    expect(events(r).filter(([, , t]) => (t as number) >= 17 && (t as number) <= 618)).toEqual([
      ['big-001', 'Tainted', 17],
      ['big-002', 'Tainted', 17],
      ['big-003', 'Tainted', 17],
      ['medium-001', 'Requested', 17],
      ['big-001', 'Untainted', 618],
      ['big-002', 'Untainted', 618],
      ['big-003', 'Untainted', 618],
    ]);
    // The replacement is not deleted by the failed command: it goes on launching until its own registration timeout.
    expect(r.nodeAt('medium-001', 'Deleted')).toBe(917);
    expect(r.pods.filter((p) => p.event === 'Terminating' && p.time <= 618)).toEqual([]);
  });

  it('a replacement Ready after 12 min arrives as an ordinary node: the old nodes were untainted at 618 and are not drained onto it at 737', () => {
    const r = run('karpenter-consolidation', ['cluster.nodePools[1].startupLatency=12m', 'cluster.nodePools[2].startupLatency=12m', 'duration=800s']);
    expect(r.nodeAt('big-003', 'Untainted')).toBe(618);
    expect(r.nodeAt('medium-001', 'Ready')).toBe(737);
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.node === 'medium-001')).toEqual([]);
    // Empty, it goes by emptiness: the pass at 742 builds the command, run at 757; terminated 5 s later.
    expect(r.nodeAt('medium-001', 'Deleted')).toBe(762);
  });
});

describe('Karpenter candidate order (karpenter-order.yaml: a 16-CPU $0.40 node with two 3-CPU pods of services a and a2, a 2-CPU $0.10 node with one 1-CPU pod, room for either)', () => {
  it('upstream order (price / (1 + pods): 0.40 / 3 > 0.10 / 2): the $0.40 node goes, not the one with fewer pods', () => {
    const r = run('karpenter-order');
    // Budget ceil(10 % × 3) = 1: the poll at 2 s picks big-001, run at 17; its pods move to room-001.
    expect(r.nodes.filter((n) => n.event === 'Tainted' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time])).toEqual([
      ['big-001', 'Tainted', 17],
      ['big-001', 'Deleted', 47],
    ]);
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.time > 0).map((p) => [p.pod, p.node, p.time])).toEqual([
      ['a-00001-deployment-0002', 'room-001', 17],
      ['a2-00001-deployment-0002', 'room-001', 17],
    ]);
    // From 47 s the cluster costs $0.50/h, not $0.80/h (small-001 deleted instead, b's pod onto room-001,
    // big-001's pods then fit nowhere): 200 s cost 47 × 0.40 + 200 × 0.10 + 200 × 0.40 = $0.033, not $0.04575.
    expect(r.summary.cost!.total).toBeCloseTo((47 * 0.4 + 200 * 0.1 + 200 * 0.4) / 3600, 6);
  });
});

describe('Karpenter expiry (karpenter-consolidation.yaml, big pool only: the pods end on big-003, the other two go at 17–47 s)', () => {
  const bigOnly = ['cluster.nodePools[1].maxNodes=0', 'cluster.nodePools[2].maxNodes=0', 'duration=400s'];
  const lifecycle = (r: ReturnType<typeof run>) =>
    r.nodes.filter((n) => n.time >= 100 && n.event !== 'Ready').map((n) => [n.node, n.event, n.time]);

  it('expireAfter 120s: a node is tainted and drained 120 s after its request, Ready or not; its pods wait for a new node', () => {
    const r = run('karpenter-consolidation', [...bigOnly, 'cluster.nodeAutoscaler.expireAfter=120s']);
    expect(lifecycle(r)).toEqual([
      // big-003 (requested at 0) expires at 120: its three pods' replacements are Unschedulable at
      // once, the batch closes at 121 and big-004 is requested; the old pods drain in 30 s.
      ['big-003', 'Tainted', 120],
      ['big-004', 'Requested', 121],
      ['big-003', 'Deleted', 150],
      // big-004 expires 120 s after its request (121), not after Ready (181).
      ['big-004', 'Tainted', 241],
      ['big-005', 'Requested', 242],
      ['big-004', 'Deleted', 271],
      ['big-005', 'Tainted', 362],
      ['big-006', 'Requested', 363],
      ['big-005', 'Deleted', 392],
    ]);
    const s1 = r.pods.filter((p) => p.service === 's1' && (p.event === 'Unschedulable' || p.event === 'Scheduled') && p.time > 0);
    expect(s1.map((p) => [p.event, p.node, p.time])).toEqual([
      ['Unschedulable', '', 120],
      ['Scheduled', 'big-004', 181],
      ['Unschedulable', '', 241],
      ['Scheduled', 'big-005', 302],
      ['Unschedulable', '', 362],
    ]);
    expect(r.summary.nodes).toMatchObject({ podsWaitedForNode: 9, maxPendingSeconds: 61 });
    // Node-seconds 47 + 47 + 150 + 150 + 150 + 37 = 581 at $0.40/h, against 47 + 47 + 400 = 494 with no expiry.
    expect(r.summary.cost!.total).toBeCloseTo((581 * 0.4) / 3600, 6);
  });

  it('expiry is forceful: outside the 10 % budget and minNodes, all three initial nodes go at 120 s; the pool, below its minNodes 3, gets as many nodes at once as maxNodes 5 leaves room for with the three draining (two), the third as they are deleted', () => {
    const r = run('karpenter-consolidation', [...bigOnly, 'cluster.nodePools[0].minNodes=3', 'cluster.nodeAutoscaler.budgetNodesPercent=10', 'cluster.nodeAutoscaler.expireAfter=120s', 'duration=200s']);
    // big-006 was asked for at 120 too, six nodes against the pool's limit of five: the static
    // provisioning controller reserves within the limit, deleting NodeClaims counted (ReserveNodeCount).
    expect(r.nodes.filter((n) => n.event !== 'Ready' && n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['big-001', 'Tainted', 120],
      ['big-004', 'Requested', 120],
      ['big-002', 'Tainted', 120],
      ['big-005', 'Requested', 120],
      ['big-003', 'Tainted', 120],
      ['big-001', 'Deleted', 150],
      ['big-002', 'Deleted', 150],
      ['big-003', 'Deleted', 150],
      ['big-006', 'Requested', 150],
    ]);
    // The pods' batch (closing at 121) finds two nodes launching with room for the three and launches nothing; they bind when the nodes are Ready.
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.time > 0).map((p) => [p.node, p.time])).toEqual([
      ['big-004', 180],
      ['big-005', 180],
      ['big-005', 180],
    ]);
    expect(r.summary.nodes).toMatchObject({ max: 5, podsWaitedForNode: 3, maxPendingSeconds: 60 });
  });

  it('minNodes 1: consolidation leaves big-002 alone; when it expires at 120 s its replacement is requested at once (not by the pods\' batch at 121)', () => {
    const r = run('karpenter-consolidation', [...bigOnly, 'cluster.nodePools[0].minNodes=1', 'cluster.nodeAutoscaler.budgetNodesPercent=10', 'cluster.nodeAutoscaler.expireAfter=120s', 'duration=200s']);
    expect(r.nodes.filter((n) => n.time >= 100).map((n) => [n.node, n.event, n.time])).toEqual([
      ['big-002', 'Tainted', 120],
      ['big-004', 'Requested', 120],
      ['big-002', 'Deleted', 150],
      ['big-004', 'Ready', 180],
    ]);
    expect(r.pods.filter((p) => p.event === 'Scheduled' && p.time > 100).map((p) => [p.node, p.time])).toEqual(Array(3).fill(['big-004', 180]));
  });

  it('minNodes 1 and a node that never registers (start-up 20 min > the 15 min timeout): the floor is requested again when it is deleted', () => {
    const sets = ['cluster.nodePools[0].minNodes=1', 'cluster.nodePools[0].startupLatency=20m', 'cluster.nodeAutoscaler.expireAfter=20m', 'duration=2200s'];
    const r = run('karpenter-consolidation', [...bigOnly, ...sets]);
    expect(r.nodes.filter((n) => n.time >= 1000).map((n) => [n.node, n.event, n.time])).toEqual([
      ['big-003', 'Tainted', 1200],
      ['big-004', 'Requested', 1200],
      ['big-003', 'Deleted', 1230],
      ['big-004', 'Deleted', 2100],
      ['big-005', 'Requested', 2100],
    ]);
  });

  it.each([[[]], [['cluster.nodeAutoscaler.expireAfter=Never']]])('the default 720h (and Never) leave big-003 for the whole run %j', (sets) => {
    const r = run('karpenter-consolidation', [...bigOnly, ...sets]);
    expect(lifecycle(r)).toEqual([]);
    expect(r.summary.cost!.total).toBeCloseTo((494 * 0.4) / 3600, 6);
  });
});

describe('Karpenter emptiness (karpenter-terminating.yaml: small-001 holds only a terminating pod)', () => {
  it('WhenEmpty: a node whose pods all terminate is empty (not reschedulable): tainted at the 17 s command, deleted at the termination controller\'s first once-a-second look after the pod is gone', () => {
    const r = run('karpenter-terminating', ['cluster.nodeAutoscaler.consolidationPolicy=WhenEmpty']);
    const pod = 's0-00001-deployment-0002';
    const terminating = r.at(pod, 'Terminating')!.time;
    const gone = r.at(pod, 'Gone')!.time;
    expect([r.at(pod, 'Scheduled')?.node, terminating < 2, gone]).toEqual(['small-001', true, terminating + 30]);
    // The poll at 2 s sees it empty; the command runs at 17. Counted as not empty, it would have waited
    // for the pod to go (≈ 31.7 s), a later pass and its 15 s re-validation.
    // The drain began at 17; the pod goes at ≈ 31.7 s, seen gone at 17 + 15 = 32 (was deleted at ≈ 31.7).
    expect(gone).toBeGreaterThan(31);
    expect(gone).toBeLessThan(32);
    expect(r.nodes.filter((n) => n.event === 'Tainted' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-001', 'Tainted', 17],
      ['small-001', 'Deleted', 32],
    ]);
  });
});

describe('Karpenter disruption passes (karpenter-churn.yaml: small-001 empty until s1\'s pod binds there at 5 s)', () => {
  it('an emptiness command abandoned at its validation (17 s) goes on with consolidation in the same pass: small-001 deleted by the command built at 17, run at 32 (not built at the next tick, 22, run at 37)', () => {
    const r = run('karpenter-churn');
    expect(r.at('s1-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'small-001', time: 5 });
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-001', 'Tainted', 32],
      // Its pod drains for 30 s; the new one binds beside s0's pod on small-002 after its 5 s scheduling latency.
      ['small-001', 'Deleted', 62],
    ]);
    expect(r.at('s1-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'small-002', time: 37 });
  });
});

describe('Karpenter consolidation simulations (disruption/helpers.go SimulateScheduling)', () => {
  it('a11 with one small node holding s0\'s pod: no consolidation onto big-001 while it launches (3–63 s); was deleted at 27 s, its pod then Pending until 63', () => {
    const r = run('a11', ['cluster.nodePools[1].initialNodes=1']);
    expect(r.nodeAt('big-001', 'Ready')).toBe(63);
    expect(r.nodes.filter((n) => n.event === 'Tainted' && n.time < 63)).toEqual([]);
    expect(r.at('s0-00001-deployment-0001', 'Terminating')?.time ?? Infinity).toBeGreaterThanOrEqual(63);
  });
  it('single-node consolidation tries every candidate, not only the first budget-many: after big-001 is Ready (63), the pass at 72 finds big-001 (first in order, 0.40 / 4 > 0.10 / 2) immovable and deletes small-001 (run at 87; was never)', () => {
    const r = run('a11', ['cluster.nodePools[1].initialNodes=1']);
    expect(r.nodes.filter((n) => n.event === 'Tainted' || n.event === 'Deleted').map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-001', 'Tainted', 87],
      // s0's pod drains for 30 s; its successor binds beside the others on big-001.
      ['small-001', 'Deleted', 117],
    ]);
    expect(r.at('s0-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'big-001' });
  });
  it('consolidateAfter 30s (karpenter-churn.yaml): small-001, its last pod event at 5 s, takes no pods until 35: the pass at 32 finds no move for small-002, and nothing has changed in the cluster state since (the bind at 5 s) when small-001 becomes consolidatable, so consolidation computes nothing again until the state resets 5 minutes after that bind: at 312 small-001 goes onto small-002 (run at 327; was at 42, run at 57, without the consolidation state; was small-002 at 47 without consolidateAfter)', () => {
    const r = run('karpenter-churn', ['cluster.nodeAutoscaler.consolidateAfter=30s', 'duration=600s']);
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([['small-001', 327]]);
  });
  it('consolidateAfter Never (a NodePool that opts out of consolidation): no node is ever a candidate, so both nodes stay for the whole run (with 30s, small-001 went at 327)', () => {
    const r = run('karpenter-churn', ['cluster.nodeAutoscaler.consolidateAfter=Never', 'duration=600s']);
    expect(r.nodes.filter((n) => n.event === 'Tainted' || n.event === 'Deleted')).toEqual([]);
    expect(new Set(r.nodes.map((n) => n.node))).toEqual(new Set(['small-001', 'small-002']));
  });
});

describe('Karpenter\'s consolidateAfter clock is the NodeClaim\'s lastPodEventTime, written at most once per 10 s (nodeclaim/podevents dedupeTimeout)', () => {
  // karpenter-churn.yaml with s0's pod at 1525m (on small-002 from 0 s) and a third service whose
  // 125m pod binds at 12 s beside s1's (small-001, bound at 5 s, is the less loaded node).
  const sets = [
    'cluster.nodeAutoscaler.consolidateAfter=30s',
    'cluster.nodeAutoscaler.firstPoll=6s',
    'services[0].manifest.spec.template.spec.containers[0].resources.requests.cpu=1500m',
    'services[2]={manifest: {apiVersion: serving.knative.dev/v1, kind: Service, metadata: {name: s2}, spec: {template: {metadata: {annotations: {autoscaling.knative.dev/min-scale: "1"}}, spec: {containers: [{image: app, resources: {requests: {cpu: 100m}}}]}}}}, podStart: {scheduling: 12s}}',
  ];
  it('the bind at 12 s, 7 s after the one at 5 s, is not written: small-001 is consolidatable from 35, so the pass at 36 moves small-002\'s pod onto it (run at 51; was at 46, run at 61, counting from 12)', () => {
    const r = run('karpenter-churn', sets);
    expect(r.at('s1-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'small-001', time: 5 });
    expect(r.at('s2-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'small-001', time: 12 });
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([['small-002', 51]]);
  });
  it('with the third pod binding at 15 s (10 s after the last written event) it is written: small-001 settles until 45, the pass at 36 finds nothing, and with no change of the cluster state since 15 the next computation is at the 5-minute reset, the pass at 316 (run at 331; was the pass at 46, run at 61, without the consolidation state)', () => {
    const r = run('karpenter-churn', [...sets.slice(0, 3), sets[3]!.replace('scheduling: 12s', 'scheduling: 15s'), 'duration=600s']);
    expect(r.at('s2-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'small-001', time: 15 });
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([['small-002', 331]]);
  });
});

describe('Karpenter consolidation simulations schedule the Unschedulable pods and the pods of nodes being removed (disruption/helpers.go SimulateScheduling)', () => {
  it('karpenter-pending.yaml: at 17 s s2\'s pod (Unschedulable at 16.5, its batch still open) would need a new $0.10 node, so moving s1\'s pod off small-001 saves nothing; at 27 it goes onto small-003 (launching since 17.5) and small-001 goes (run at 42; was 32)', () => {
    const r = run('karpenter-pending');
    expect(r.at('s2-00001-deployment-0001', 'Unschedulable')?.time).toBe(16.5);
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-003', 'Requested', 17.5],
      ['small-001', 'Tainted', 42],
      ['small-001', 'Deleted', 72],
      ['small-003', 'Ready', 77.5],
    ]);
    expect(r.at('s1-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'small-002', time: 47 });
    expect(r.at('s2-00001-deployment-0001', 'Scheduled')).toMatchObject({ node: 'small-003', time: 77.5 });
  });
  it('karpenter-deleting.yaml: from 31 s zone-001 has room for one pod; big-001\'s (tainted at 17, waiting for mid-001) takes it first, so small-001\'s pod would need mid-001, still launching: small-001 stays (was tainted at 52, its pod onto zone-001)', () => {
    const r = run('karpenter-deleting');
    expect(r.at('a-00001-deployment-0002', 'Gone')?.time).toBeCloseTo(31.17, 2);
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([
      ['big-001', 17],
      // x's pod moved to mid-001 at 77; the pass at 92 finds it room on zone-001.
      ['mid-001', 107],
    ]);
    expect(r.pods.filter((p) => p.service === 'y' && p.event === 'Scheduled').map((p) => p.node)).toEqual(['small-001']);
  });
});

describe('Karpenter re-validation checks the budget again (validation.go validateCandidates)', () => {
  it('karpenter-revalidate.yaml: the pass at 152 takes both empty small nodes (3 nodes, 50 %: 2); keep-001 expires at 160 and is deleted, so at 167 the budget is ceil(50 % × 2) = 1: small-001 goes, small-002 waits (was both at 167)', () => {
    const r = run('karpenter-revalidate');
    expect(r.at('a-00001-deployment-0001', 'Terminating')?.time).toBeLessThan(152);
    expect(r.nodes.filter((n) => n.time >= 150 && n.node !== 'keep-002').map((n) => [n.node, n.event, n.time])).toEqual([
      // Empty: terminated 5 s after its drain began.
      ['keep-001', 'Tainted', 160],
      ['keep-001', 'Deleted', 165],
      ['small-001', 'Tainted', 167],
      // b's pod goes at 172 s (scaled to zero at 142 s, the scaler counting the grace period from condition times
      // stored in whole seconds; then its 30 s drain), seen gone at the termination controller's look at 167 + 5.
      ['small-001', 'Deleted', 172],
      // The pass right after the command finds small-001 using up the budget; small-002 expires at 181 (21 + 160).
      ['small-002', 'Tainted', 181],
      ['small-002', 'Deleted', 186],
    ]);
    expect(r.at('b-00001-deployment-0001', 'Gone')!.time).toBe(172);
  });
  it('a consolidation command goes as a whole or not at all: a and b kept at one pod, b\'s first trying at 35 s (small-002 launched at 36, Ready 96) and a $0.15 4-CPU pool: the pass at 102 would replace both small nodes by one medium; keep-001 expires at 110, the budget at 117 is 1 of the 2 needed: nothing runs (was both tainted and medium-001 requested at 117)', () => {
    const minScale = 'manifest.spec.template.metadata={annotations: {autoscaling.knative.dev/min-scale: "1"}}';
    const r = run('karpenter-revalidate', [
      `services[0].${minScale}`,
      `services[1].${minScale}`,
      'services[1].podStart.scheduling=35s',
      'cluster.nodePools[2]={name: medium, cpu: "4", memory: 8Gi, pricePerHour: 0.15, maxNodes: 1, startupLatency: 60s}',
      'cluster.nodeAutoscaler.expireAfter=110s',
      'duration=140s',
    ]);
    expect(r.nodes.filter((n) => n.time > 100 && n.node !== 'keep-002').map((n) => [n.node, n.event, n.time])).toEqual([
      ['keep-001', 'Tainted', 110],
      // Deleted 5 s after its drain began: it no longer counts at 117.
      ['keep-001', 'Deleted', 115],
      // Expired (21 + 110): not a consolidation.
      ['small-001', 'Tainted', 131],
    ]);
  });
});

describe('Cluster Autoscaler actuation budgets (ca-empty-and-drain.yaml: std-001 empty, std-003 holds a 1-CPU pod that fits beside c on std-002)', () => {
  it('an empty node and a node to drain start in the same loop (615 s: unneeded since the loop at 5 s, strictly over 600 s)', () => {
    const r = run('ca-empty-and-drain');
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['std-001', 'Tainted', 615],
      ['std-003', 'Tainted', 615],
      ['std-001', 'Deleted', 620],
      // Evicted 5 s after the taint; its pod drains 30 s, then the node goes (not tainted at 625, deleted at 660).
      ['std-003', 'Deleted', 650],
    ]);
    expect(r.at('a-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'std-002', time: 620.5 });
  });
  it('a drained node is deleted at CA\'s first look, every 5 s from the evictions (620 s), that finds its pods gone: with a 32 s drain the pod goes at 652, the node at 655 (was 652)', () => {
    const r = run('ca-empty-and-drain', ['cluster.drainPeriod=32s']);
    expect(r.at('a-00001-deployment-0001', 'Gone')).toMatchObject({ node: 'std-003', time: 652 });
    expect(r.nodeAt('std-003', 'Deleted')).toBe(655);
    // The empty node has nothing to wait for: deleted with its evictions, 5 s after the taint.
    expect(r.nodeAt('std-001', 'Deleted')).toBe(620);
  });
  it('deletions in progress use up max-scale-down-parallelism: with 1, the drain waits for the empty node to go', () => {
    const r = run('ca-empty-and-drain', ['cluster.nodeAutoscaler.maxEmptyBulkDelete=1', 'cluster.nodeAutoscaler.nodeDeleteDelayAfterTaint=15s']);
    // std-001 tainted at 615 is deleted at 630: the loop at 625 has no budget left; the one at 635 drains std-003.
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([
      ['std-001', 615],
      ['std-003', 635],
    ]);
  });
});

describe('Cluster Autoscaler maxNodes counts nodes being removed (ca-max-draining.yaml: std-001 drained from 615 s, a\'s new pod Unschedulable at 620.5)', () => {
  it('no scale-up while std-001 drains (the group\'s target size is still 2 of 2): std-003 requested at the loop after its deletion (655), not at 625; never 3 nodes at once', () => {
    const r = run('ca-max-draining');
    expect(r.at('a-00001-deployment-0002', 'Unschedulable')?.time).toBe(620.5);
    expect(r.nodes.filter((n) => n.time > 0 && n.event !== 'Ready').map((n) => [n.node, n.event, n.time])).toEqual([
      ['std-001', 'Tainted', 615],
      ['std-001', 'Deleted', 650],
      ['std-003', 'Requested', 655],
    ]);
    expect(r.summary.nodes!.max).toBe(2);
  });
});

describe('Cluster Autoscaler unneeded-nodes limit (planner.go unneededNodesLimit), ca-recheck.yaml with two empty 1-CPU spare nodes and maxEmptyBulkDelete 1', () => {
  it('the first loop looks for 2 × 1 unneeded nodes: the spares; small-001 is first simulated at 15 s, found unremovable, rechecked at 315: tainted at 925 (915 when simulated at 5)', () => {
    const sets = ['cluster.nodePools[2]={name: spare, cpu: "1", memory: 1Gi, pricePerHour: 0.05, initialNodes: 2, maxNodes: 2}', 'cluster.nodeAutoscaler.maxEmptyBulkDelete=1'];
    const r = run('ca-recheck', sets);
    expect(r.nodes.filter((n) => n.event === 'Tainted').map((n) => [n.node, n.time])).toEqual([
      ['spare-001', 615],
      ['spare-002', 625],
      ['small-001', 925],
    ]);
  });
});

describe('Cluster Autoscaler unremovable-node-recheck-timeout (ca-recheck.yaml: a\'s pod finds no place until d\'s pod is gone at 32.36 s)', () => {
  it('found unremovable at the 5 s loop, small-001 is not simulated again until 305 s: unneeded from 305, tainted at 915 (not from 35, tainted at 645)', () => {
    const r = run('ca-recheck');
    // d ran before the run and is idle: its PA goes Inactive at its first valid tick (2.36 s) and, its
    // SKS long in Proxy, the reconcile that status write enqueues takes it to zero at once; its pod is
    // gone after the 30 s drain.
    expect(r.at('d-00001-deployment-0001', 'Gone')?.time).toBeCloseTo(32.36269, 5);
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['small-001', 'Tainted', 915],
      ['small-001', 'Deleted', 950],
    ]);
    expect(r.at('a-00001-deployment-0002', 'Scheduled')).toMatchObject({ node: 'big-001', time: 920.5 });
  });
  it.each([
    // Rechecked at 125 (found unremovable at 5): unneeded from 125, tainted at the first loop strictly past 725.
    ['2m', 735],
    // Rechecked at every loop; the first that finds a place for a's pod is 35 (d's pod gone at 32.36).
    ['0s', 645],
  ])('unremovableNodeRecheckTimeout: %s moves the recheck: small-001 tainted at %i', (timeout, tainted) => {
    const r = run('ca-recheck', [`cluster.nodeAutoscaler.unremovableNodeRecheckTimeout=${timeout}`]);
    expect(r.nodeAt('small-001', 'Tainted')).toBe(tainted);
  });
});

describe('Cluster Autoscaler new-pod-scale-up-delay (static_autoscaler.go filterOutYoungPods: podAge > delay, strict)', () => {
  it('a9 with newPodScaleUpDelay 25s: the 4th pod (created at 0) is exactly 25 s old at the loop at 25, too young; the loop at 35 scales up (was at 25)', () => {
    const r = run('a9', ['cluster.nodeAutoscaler.newPodScaleUpDelay=25s']);
    expect(r.nodes.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time])).toEqual([['std-001', 0], ['std-002', 35]]);
    expect(r.at('app-00001-deployment-0004', 'Scheduled')).toMatchObject({ time: 215, node: 'std-002' });
  });
  it('24.5s: 25 s old is old enough at the loop at 25', () => {
    const r = run('a9', ['cluster.nodeAutoscaler.newPodScaleUpDelay=24.5s']);
    expect(r.nodeAt('std-002', 'Requested')).toBe(25);
  });
});

describe('Cluster Autoscaler min size during a drain (ca-min-draining.yaml: minNodes 4 of 5, std-4-001 drained from 615 s and given up at 740)', () => {
  it('std-4-004, empty from 680 s (b deleted at 650), is unneeded from the loop at 685 though the drain leaves 4 nodes (the target size, 5, still counts std-4-001: PreFilteringScaleDownNodeProcessor); verifyMinSize holds it until the drain fails; removable strictly after 685 + 600: tainted at 1295, deleted at 1300 (was unneeded only from 745, tainted at 1355)', () => {
    const r = run('ca-min-draining');
    expect(r.nodes.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time])).toEqual([
      ['std-4-001', 'Tainted', 615],
      ['std-4-001', 'Untainted', 740],
      ['std-4-004', 'Tainted', 1295],
      ['std-4-004', 'Deleted', 1300],
    ]);
    expect(r.at('b-00001-deployment-0001', 'Gone')).toMatchObject({ time: 680, node: 'std-4-004' });
  });
});

describe('Cluster Autoscaler evictions cap the grace period at max-graceful-termination-sec (actuation/drain.go evictPod)', () => {
  // a's revision with timeoutSeconds 1200 (max-revision-timeout-seconds raised) serving one 900 s request from 610 s.
  const sets = [
    'duration=2000s',
    'configMaps.config-defaults["max-revision-timeout-seconds"]=1200',
    'services[1].manifest.spec.template.spec.timeoutSeconds=1200',
    'services[1].manifest.spec.template.spec.responseStartTimeoutSeconds=1200',
    'services[1].app={serviceTime: 900s}',
    'clients[0]={name: q, service: a, start: 610s, end: 611s, open: {process: uniform, rate: {shape: constant, rps: 1}}}',
  ];
  it('ca-empty-and-drain: a\'s pod, evicted at 620 s with a 600 s grace period, is killed at 1220 (its request fails with 502) and std-003 goes then (was: the pod ran its request to 1510, the node went at 1515)', () => {
    const r = run('ca-empty-and-drain', sets);
    expect(r.at('a-00001-deployment-0001', 'Terminating')?.time).toBe(620);
    expect(r.pods.filter((p) => p.pod === 'a-00001-deployment-0001' && p.event === 'Gone').map((p) => p.time)).toEqual([1220]);
    expect(r.nodeAt('std-003', 'Deleted')).toBe(1220);
    expect(r.summary.overall.requests).toMatchObject({ total: 1, ok: 0, status502: 1 });
  });
});
