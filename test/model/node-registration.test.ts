/**
 * A node is in kube-scheduler's node list from its registration (the kubelet creating the Node
 * object), not from Ready: until Ready its node.kubernetes.io/not-ready taint fails TaintToleration,
 * but it counts in numFeasibleNodesToFind and the rotating start (schedule_one.go), and the list
 * keeps the order nodes registered in (one zone: the node tree appends and removes in place).
 * A pool's `readyAfterRegistration` says how long before Ready its nodes register (default 0s).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import type { PodRecord, RecordSink } from '../../src/output/records.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runKnsim } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-registration-'));

/** A World on `yaml`, with `before(world)` run before the simulation; pod rows kept. */
function build(yaml: string, sets: string[], before: (w: World) => void) {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadScenario(file, { sets });
  const pods: PodRecord[] = [];
  const sink: RecordSink = { request: () => {}, decision: () => {}, pod: (r) => pods.push({ ...r }), traffic: () => {}, sample: () => {}, node: () => {} };
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: 0.5 } }, sink);
  const world = new World(loaded.world, recorder);
  before(world);
  world.run();
  return { world, pods };
}

// 150 Ready 4-CPU nodes (std-001 … std-150); the test asks for 100 `late` nodes at 1 s (Ready at
// 61 s, registered at 31 s by default here). Four 1-CPU pods are created at 0 and first tried at 40 s.
const ROTATION = `name: registration-rotation
duration: 45s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 150 }
    - { name: late, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 100, startupLatency: { dist: constant, value: 60s }, readyAfterRegistration: 30s }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: app }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/min-scale: "4", autoscaling.knative.dev/initial-scale: "4" } }
          spec: { containers: [{ image: app, resources: { requests: { cpu: "1" } } }] }
    podStart: { scheduling: 40s }
clients:
  - { name: c, service: app, start: 44s, open: { rps: 1 } }
`;

function rotation(sets: string[]) {
  const starts: number[] = [];
  const { world, pods } = build(ROTATION, sets, (w) => {
    const c = w.cluster!;
    const late = c.spec.pools.find((p) => p.name === 'late')!;
    w.sim.at(1, () => {
      for (let i = 0; i < 100; i++) c.provision(late, 1);
    }, undefined);
    // Each cycle's start, read as the pods' attempts run (all at 40 s, in creation order).
    const s = c.scheduler as unknown as { findNode: (p: unknown) => unknown };
    const find = s.findNode.bind(s);
    s.findNode = (p) => {
      starts.push(c.scheduler.nextStartNodeIndex);
      return find(p);
    };
  });
  const c = world.cluster!;
  const listed = c.registeredNodes().map((n) => n.name);
  const at40 = pods.filter((p) => p.event === 'Scheduled').map((p) => ({ node: p.node ?? '', time: p.time }));
  return { starts, next: c.scheduler.nextStartNodeIndex, listed, at40, index: (name: string) => listed.indexOf(name) };
}

describe('pods tried while 100 nodes are registered but not Ready (150 Ready, 250 in the list)', () => {
  it('registered at 31 s: 250 nodes, 120 to find (48 %); the search skips the 100 not-ready ones, so starts go 0, 120, 90, 60 and next is 30', () => {
    const r = rotation([]);
    expect(r.listed).toHaveLength(250);
    // The list: std-001 … std-150 (Ready at 0), then late-001 … late-100 in the order they registered.
    expect([r.listed[0], r.listed[149], r.listed[150], r.listed[249]]).toEqual(['std-001', 'std-150', 'late-001', 'late-100']);
    expect(r.starts).toEqual([0, 120, 90, 60]);
    expect(r.next).toBe(30);
    expect(r.at40.map((p) => p.time)).toEqual([40, 40, 40, 40]);
    // Each pod lands on a Ready node inside its search: [0, 120), then from 120 round to 90, 60, 30.
    const windows: Array<[number, number]> = [
      [0, 120],
      [120, 90],
      [90, 60],
      [60, 30],
    ];
    r.at40.forEach((p, k) => {
      const i = r.index(p.node);
      const [from, to] = windows[k]!;
      expect(p.node.startsWith('std-'), `pod ${k + 1} on ${p.node}`).toBe(true);
      expect(from < to ? i >= from && i < to : i >= from || i < to, `pod ${k + 1} on index ${i}`).toBe(true);
    });
  });
  it('readyAfterRegistration 0s (they register as they are Ready, at 61 s): 150 nodes at 40 s, all 100 to find; starts 0, 100, 50, 0 and next 100', () => {
    const r = rotation(['cluster.nodePools[1].readyAfterRegistration=0s']);
    expect(r.listed).toHaveLength(150);
    expect(r.starts).toEqual([0, 100, 50, 0]);
    expect(r.next).toBe(100);
  });
});

// One 4-CPU node, which big's 3-CPU pod holds from 0; small's 2-CPU pod is Unschedulable at 0.5 s.
// The test asks for a `wide` node at 0.75 s: Ready at 3.75 s, registered 2 s before (1.75 s).
const REQUEUE = `name: registration-requeue
duration: 5s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 1 }
    - { name: wide, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 1, startupLatency: { dist: constant, value: 3s }, readyAfterRegistration: 2s }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: big }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/min-scale: "1" } }
          spec: { containers: [{ image: app, resources: { requests: { cpu: 2975m } } }] }
    initialPods: 1
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: small }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/min-scale: "1" } }
          spec: { containers: [{ image: app, resources: { requests: { cpu: 1975m } } }] }
clients:
  - { name: c, service: big, start: 4s, end: 5s, open: { process: uniform, rate: { shape: constant, rps: 1 } } }
`;

describe("an Unschedulable pod and a node that registers before it is Ready (queueing hints)", () => {
  function requeue(sets: string[]) {
    const { world, pods } = build(REQUEUE, sets, (w) => {
      const c = w.cluster!;
      w.sim.at(0.75, () => c.provision(c.spec.pools.find((p) => p.name === 'wide')!, 0.75), undefined);
    });
    const small = pods.filter((p) => p.pod.startsWith('small-') && (p.event === 'Unschedulable' || p.event === 'Scheduled'));
    return { attempts: world.cluster!.scheduler.unschedulableAttempts, small: small.map((p) => [p.event, p.time, p.node]) };
  }
  it("registered at 1.75 s: NodeResourcesFit's hint retries it (a 4-CPU node added), the not-ready taint rejects it (2nd failed cycle); the taint's removal at Ready, 3.75 s, binds it", () => {
    const r = requeue([]);
    expect(r.attempts).toBe(2);
    expect(r.small).toEqual([
      ['Unschedulable', 0.5, ''],
      ['Scheduled', 3.75, 'wide-001'],
    ]);
  });
  it('readyAfterRegistration 0s: one failed cycle, bound at 3.75 s as the node is added Ready', () => {
    const r = requeue(['cluster.nodePools[1].readyAfterRegistration=0s']);
    expect(r.attempts).toBe(1);
    expect(r.small).toEqual([
      ['Unschedulable', 0.5, ''],
      ['Scheduled', 3.75, 'wide-001'],
    ]);
  });
});

// Two pools asked for in turn at 1 s: slow's node (Ready 20 s later) first, then fast's (10 s);
// each registers 5 s before it is Ready. std-001 is deleted at 30 s.
const ORDER = `name: registration-order
duration: 35s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 2 }
    - { name: slow, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 1, startupLatency: { dist: constant, value: 20s }, readyAfterRegistration: 5s }
    - { name: fast, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 1, startupLatency: { dist: constant, value: 10s }, readyAfterRegistration: 5s }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: app }
      spec: { template: { spec: { containers: [{ image: app }] } } }
clients:
  - { name: c, service: app, open: { rps: 1 } }
`;

describe('the node list keeps the order nodes registered in', () => {
  function listed(sets: string[], times: number[]) {
    const seen: Array<[number, string[]]> = [];
    build(ORDER, sets, (w) => {
      const c = w.cluster!;
      w.sim.at(1, () => {
        c.provision(c.spec.pools.find((p) => p.name === 'slow')!, 1);
        c.provision(c.spec.pools.find((p) => p.name === 'fast')!, 1);
      }, undefined);
      w.sim.at(30, () => {
        const n = c.nodes.find((x) => x.name === 'std-001')!;
        c.startRemoval(n, 30, 0);
      }, undefined);
      for (const t of times) w.sim.at(t, () => seen.push([t, c.registeredNodes().map((n) => n.name)]), undefined);
    });
    return seen;
  }
  it('table: at each instant, the registered nodes in list order', () => {
    expect(listed([], [1.5, 6.5, 11.5, 16.5, 21.5, 31.5])).toEqual([
      [1.5, ['std-001', 'std-002']],
      // fast-001 registers at 6 s (Ready at 11 s), slow-001 at 16 s (Ready at 21 s): fast-001 comes first.
      [6.5, ['std-001', 'std-002', 'fast-001']],
      [11.5, ['std-001', 'std-002', 'fast-001']],
      [16.5, ['std-001', 'std-002', 'fast-001', 'slow-001']],
      [21.5, ['std-001', 'std-002', 'fast-001', 'slow-001']],
      // std-001 is removed (empty, deleted at its drain at 30 s): the others keep their order.
      [31.5, ['std-002', 'fast-001', 'slow-001']],
    ]);
  });
  it('readyAfterRegistration 0s: fast-001, asked for after slow-001 but Ready (and registered) first at 11 s, still comes first', () => {
    const sets = ['cluster.nodePools[1].readyAfterRegistration=0s', 'cluster.nodePools[2].readyAfterRegistration=0s'];
    expect(listed(sets, [6.5, 11.5, 21.5])).toEqual([
      [6.5, ['std-001', 'std-002']],
      [11.5, ['std-001', 'std-002', 'fast-001']],
      [21.5, ['std-001', 'std-002', 'fast-001', 'slow-001']],
    ]);
  });
});

describe('readyAfterRegistration longer than a constant startupLatency', () => {
  it('one line naming the file, the field and the rule; exit code 2', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ORDER);
    const r = runKnsim(['run', file, '--no-report', '--set', 'cluster.nodePools[2].readyAfterRegistration=11s']);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `knsim: ${file}: cluster.nodePools[2].readyAfterRegistration: must be at most the startupLatency (10 s: the kubelet registers the node after its launch), got 11 s\n`,
    ]);
  });
});

// A node asked for at 1 s with Karpenter's 15-minute registration timeout (Cluster.provision's
// timeout): Ready 20 min after it is asked for.
const TIMEOUT = `name: registration-timeout
duration: 1300s
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 1 }
    - { name: slow, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 1, startupLatency: { dist: constant, value: 20m }, readyAfterRegistration: 10m }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: app }
      spec: { template: { spec: { containers: [{ image: app }] } } }
clients:
  - { name: c, service: app, open: { rps: 0.01 } }
`;

describe("Karpenter's registration timeout waits for the Node object, not for Ready", () => {
  function slowNode(sets: string[]) {
    let node: { state: string; registeredAt: number; readyAt: number; deletedAt: number } | undefined;
    build(TIMEOUT, sets, (w) => {
      const c = w.cluster!;
      w.sim.at(1, () => {
        node = c.provision(c.spec.pools.find((p) => p.name === 'slow')!, 1, 900);
      }, undefined);
    });
    return [node!.state, node!.registeredAt, node!.readyAt, node!.deletedAt];
  }
  it.each([
    { name: 'registered at 601 s (10 min before Ready), within 15 min: Ready at 1201 s', sets: [], want: ['Ready', 601, 1201, Number.NaN] },
    { name: 'readyAfterRegistration 0s: not registered by 901 s, deleted then', sets: ['cluster.nodePools[1].readyAfterRegistration=0s'], want: ['Deleted', Number.NaN, Number.NaN, 901] },
  ])('$name', ({ sets, want }) => {
    expect(slowNode(sets)).toEqual(want);
  });
});
