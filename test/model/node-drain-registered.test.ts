/**
 * `kubectl drain` of a node its kubelet has registered but that is not Ready yet: kubectl finds
 * the Node object, cordons it and evicts nothing (no pod can bind under the not-ready taint), and
 * the user deletes the instance at once, as for a Ready node drained while empty. A node still
 * launching, not registered, has no Node object: NotFound.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { NodeRecorder } from './drain-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'knsim-drain-registered-'));

// std-001 (4 CPU, Ready at 0) holds one of two 3-CPU pods; the other waits. slow-001 is asked
// for at 0: registered at 15 s (20 s start-up, readyAfterRegistration 5 s), Ready at 20 s.
const YAML = (at: string) => `name: drain-registered
duration: 2m
cluster:
  nodePools:
    - { name: std, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 1 }
    - { name: slow, cpu: "4", memory: 16Gi, pricePerHour: 0.2, initialNodes: 0, maxNodes: 1, startupLatency: { dist: constant, value: 20s }, readyAfterRegistration: 5s }
services:
  - manifest:
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata: { name: app }
      spec:
        template:
          metadata: { annotations: { autoscaling.knative.dev/min-scale: "2", autoscaling.knative.dev/initial-scale: "2" } }
          spec: { containers: [{ image: app, resources: { requests: { cpu: "3" } } }] }
clients:
  - { name: c, service: app, open: { rps: 1 } }
updates:
  - { at: ${at}, drainNode: { node: slow-001 } }
`;

function drainAt(at: string) {
  const file = join(dir, `d${at}.yaml`);
  writeFileSync(file, YAML(at));
  const rec = new NodeRecorder();
  const world = new World(loadScenario(file, {}).world, rec);
  const c = world.cluster!;
  world.sim.at(0, () => c.provision(c.spec.pools.find((p) => p.name === 'slow')!, 0), undefined);
  world.run();
  const slow = rec.nodes.filter((e) => e.node === 'slow-001').map((e) => `${e.event}@${e.time}`);
  const bound = rec.pods.filter((p) => p.event === 'Scheduled' && p.pod.node?.name === 'slow-001').map((p) => p.time);
  return { record: world.nodeDrains[0]!.record, slow, bound, left: c.nodes.map((n) => n.name) };
}

describe('drainNode of a node registered but not Ready (start-up 20 s, registered at 15 s, Ready at 20 s)', () => {
  const rows: Array<{ at: string; outcome: string; evicted: number; empty: number | null; deleted: number | null; slow: string[]; bound: number[] }> = [
    // Launching, no Node object yet: left alone; it becomes Ready and takes the waiting pod.
    { at: '10s', outcome: 'NotFound', evicted: 0, empty: null, deleted: null, slow: ['Requested@0', 'Ready@20'], bound: [20] },
    // Registered: cordoned, nothing to evict, deleted at once; never Ready, never a pod.
    { at: '17s', outcome: 'Drained', evicted: 0, empty: 17, deleted: 17, slow: ['Requested@0', 'Tainted@17', 'Deleted@17'], bound: [] },
    // Ready with the pod it took at 20 s: evicted, gone 30 s later (the queue-proxy's drain), then deleted.
    { at: '25s', outcome: 'Drained', evicted: 1, empty: 55, deleted: 55, slow: ['Requested@0', 'Ready@20', 'Tainted@25', 'Deleted@55'], bound: [20] },
  ];
  it.each(rows)('drained at $at: $outcome', (row) => {
    const r = drainAt(row.at);
    expect(r.record.outcome).toBe(row.outcome);
    expect(r.record.evictedPods).toBe(row.evicted);
    expect(r.record.emptySeconds).toBe(row.empty);
    expect(r.record.deletedSeconds).toBe(row.deleted);
    expect(r.slow).toEqual(row.slow);
    expect(r.bound).toEqual(row.bound);
    expect(r.left.includes('slow-001')).toBe(row.deleted === null);
  });
});

describe('with Karpenter, a registered node drained is deleted as an empty Ready one is', () => {
  const yaml = YAML('17s').replace('\nservices:', '\n  nodeAutoscaler: { kind: karpenter }\nservices:');
  it('drained at 17 s: Drained, nothing evicted, empty at 17 s, deleted at 22 s (its 5 s minimum drain); Ready at 20 s meanwhile, still cordoned: never a pod', () => {
    const file = join(dir, 'karpenter.yaml');
    writeFileSync(file, yaml);
    const rec = new NodeRecorder();
    const world = new World(loadScenario(file, {}).world, rec);
    const c = world.cluster!;
    world.sim.at(0, () => c.provision(c.spec.pools.find((p) => p.name === 'slow')!, 0), undefined);
    world.run();
    const r = world.nodeDrains[0]!.record;
    expect([r.outcome, r.evictedPods, r.emptySeconds, r.deletedSeconds]).toEqual(['Drained', 0, 17, 22]);
    expect(rec.nodes.filter((e) => e.node === 'slow-001').map((e) => `${e.event}@${e.time}`)).toEqual(['Requested@0', 'Tainted@17', 'Ready@20', 'Deleted@22']);
    expect(rec.pods.filter((p) => p.event === 'Scheduled' && p.pod.node?.name === 'slow-001')).toEqual([]);
  });
});
