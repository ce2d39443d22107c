/**
 * Pod addresses (node podCIDRs, host-local IPAM) and the activators' tracker order that follows
 * from them: upstream's throttler sorts its trackers by `IP:8012` as a string, so with twelve
 * pods at 10.0.0.2–13 the order is .10–.13, then .2–.9.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCidr, formatIPv4 } from '../../src/core/capacity/pod-ips.js';
import type { ClusterNode } from '../../src/model/cluster-node.js';
import type { Pod } from '../../src/model/pod.js';
import { PodNetwork } from '../../src/model/pod-network.js';
import type { ClientSpec, NodePoolSpec } from '../../src/model/spec.js';
import { World } from '../../src/model/world.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder, revision, service, world } from './world-fixture.js';

const podNo = (name: string): string => name.slice(-4);

/** Twelve pods running from the start, kept by min-scale; the activator always in the path (TBC −1). */
function twelvePods(cc: number, activators: number, clients: ClientSpec[]): World {
  const annotations = { 'autoscaling.knative.dev/min-scale': '12', 'autoscaling.knative.dev/max-scale': '12', 'autoscaling.knative.dev/target-burst-capacity': '-1' };
  const spec = world([service('hello', [revision({ initialPods: 12, cc, annotations })])], clients, { duration: 60, activators });
  return new World(spec, new MemoryRecorder());
}

/** Uniform arrivals at `rps` from `t` for `seconds`. */
const requestsAt = (t: number, rps: number, seconds: number): ClientSpec => ({
  kind: 'open',
  name: 'load',
  service: 'hello',
  process: 'uniform',
  rate: { shape: 'constant', rps },
  startSeconds: t,
  endSeconds: t + seconds,
});

describe('pod addresses without node pools (one 10.0.0.0/8 host-local range)', () => {
  it('initial pods take 10.0.0.2 onwards in creation order', () => {
    const w = twelvePods(1, 1, []);
    w.sim.run(1);
    const rev = w.services.get('hello')!.revisions[0]!;
    const ips = () => new Map(rev.livePods.map((p) => [podNo(p.name), formatIPv4(p.ip)]));
    expect([...ips()]).toEqual(Array.from({ length: 12 }, (_, i) => [String(i + 1).padStart(4, '0'), `10.0.0.${i + 2}`]));
  });
});

describe('PodNetwork hands out and takes back', () => {
  const pod = (name: string, node?: ClusterNode): Pod => ({ name, ip: -1, node }) as Pod;

  it('a new pod takes the address after the last one handed out, not one freed meanwhile', () => {
    const net = new PodNetwork(undefined);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => pod(n));
    for (const p of [a, b, c]) net.attach(p!);
    net.detach(b!);
    net.attach(d!);
    expect([a, b, c, d].map((p) => formatIPv4(p!.ip))).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
  });

  it('a node registering after one was deleted gets the next block, not the freed one; its pods start at .2', () => {
    const pool = { name: 'p', cpuMillis: 4000, memoryBytes: 2 ** 34, maxPods: 110, pricePerHour: 0, minNodes: 0, maxNodes: 3, initialNodes: 0, startupLatency: { dist: 'constant', value: 1 }, daemonSet: { cpuMillis: 0, memoryBytes: 0, pods: 0 } } satisfies NodePoolSpec;
    const net = new PodNetwork({ pools: [pool], autoscaler: { kind: 'none' }, podIsAlwaysSchedulable: true, cpuCostShare: 0.5 });
    const [n1, n2, n3, n4] = [1, 2, 3, 4].map((i) => ({ name: `n${i}` }) as ClusterNode);
    net.nodeRegistered(n1!);
    net.nodeRegistered(n2!);
    net.nodeDeleted(n1!);
    net.nodeRegistered(n3!);
    // The /16 has 256 blocks: the allocator goes on from block 3 and comes back to block 0 only after wrapping round.
    net.nodeRegistered(n4!);
    expect([n1, n2, n3, n4].map((n) => net.podCidr(n!) && formatCidr(net.podCidr(n!)!))).toEqual([undefined, '10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24']);
    const p = pod('x', n3);
    net.attach(p);
    expect(formatIPv4(p.ip)).toBe('10.244.2.2');
  });
});

describe('pod addresses with node pools (A9: a 4-CPU node holds three 1-CPU pods)', () => {
  const loaded = loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/a9.yaml'));
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: { cpuCostShare: 0.5 } }, {
    request: () => {},
    decision: () => {},
    pod: () => {},
    traffic: () => {},
    sample: () => {},
    node: () => {},
  });
  const w = new World(loaded.world, recorder);
  w.sim.run(200);
  const rev = w.services.get('app')!.revisions[0]!;

  it('the cluster CIDR is flannel\'s 10.244.0.0/16 (5 nodes at most), a /24 per node', () => {
    expect(formatCidr(w.network.layout.clusterCidr)).toBe('10.244.0.0/16');
    expect(w.network.layout.nodePrefix).toBe(24);
  });

  it('each node gets the next /24 as it registers: std-001 at 0 s, std-002 when Ready at 185 s', () => {
    expect(w.cluster!.nodes.map((n) => [n.name, formatCidr(w.network.podCidr(n)!)])).toEqual([
      ['std-001', '10.244.0.0/24'],
      ['std-002', '10.244.1.0/24'],
    ]);
  });

  it('pods take addresses from their node\'s range from .2 (.1 is the gateway)', () => {
    expect(rev.livePods.map((p) => [podNo(p.name), p.node!.name, formatIPv4(p.ip)])).toEqual([
      ['0001', 'std-001', '10.244.0.2'],
      ['0002', 'std-001', '10.244.0.3'],
      ['0003', 'std-001', '10.244.0.4'],
      ['0004', 'std-002', '10.244.1.2'],
    ]);
  });
});

describe('the activators order their trackers by IP:8012 as a string', () => {
  it('CC 1 (first-available): the first request goes to pod 0009 at 10.0.0.10, not to pod 0001 at 10.0.0.2', () => {
    const w = twelvePods(1, 1, [requestsAt(5, 1, 0.5)]);
    w.run();
    const rec = w.recorder as MemoryRecorder;
    expect(rec.requests.map((r) => [r.route, podNo(r.pod!.name), formatIPv4(r.pod!.ip)])).toEqual([['activator', '0009', '10.0.0.10']]);
  });

  it('CC 1, two activators: each takes six pods of the string order, index 0 .10–.13, .2, .3 and index 1 .4–.9', () => {
    const w = twelvePods(1, 2, [requestsAt(5, 20, 2)]);
    w.sim.run(8);
    const rev = w.services.get('hello')!.revisions[0]!;
    const slices = w.activators
      .map((a) => a.existingThrottler(rev)!)
      .map((t) => [t.activatorIndex, t.numActivators, t.assigned.map((x) => formatIPv4(x.pod.ip).slice(7))] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(slices).toEqual([
      [0, 2, ['10', '11', '12', '13', '2', '3']],
      [1, 2, ['4', '5', '6', '7', '8', '9']],
    ]);
  });
});
