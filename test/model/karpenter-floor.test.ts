/**
 * knsim's minNodes floor under Karpenter, refilled as upstream's static provisioning controller
 * keeps a NodePool's replicas (static/provisioning/controller.go): within the node limit
 * (maxNodes), the NodeClaims being deleted counted (statenodepool.go ReserveNodeCount).
 * test/fixtures/capacity/karpenter-launch-failures.yaml without its failures: od-001 holds s's
 * first pod; the second gets spot-001 at 11 s.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-launch-failures.yaml');

function odEvents(...sets: string[]): Array<[string, string, number]> {
  const rec = new MemoryRecorder();
  const base = ['cluster.nodePools[0].launchFailures=[]', 'cluster.nodePools[1].minNodes=1', 'cluster.nodeAutoscaler.expireAfter=100s', 'duration=250s'];
  new World(loadScenario(fixture, { sets: [...base, ...sets] }).world, rec).run();
  return rec.nodeEvents.filter((n) => n.time > 0 && n.node.startsWith('od')).map((n): [string, string, number] => [n.node, n.event, n.time]);
}

describe('the floor within maxNodes', () => {
  it('with room (maxNodes 3), od-001 expiring at 100 is replaced at once: od-002 asked for at 100', () => {
    expect(odEvents().slice(0, 3)).toEqual([
      ['od-001', 'Tainted', 100],
      ['od-002', 'Requested', 100],
      ['od-001', 'Deleted', 130],
    ]);
  });

  it('at maxNodes 1 the draining od-001 still counts: od-002 is asked for as od-001 is deleted, at 130 (knsim asked at 100, two od nodes against a limit of one)', () => {
    expect(odEvents('cluster.nodePools[1].maxNodes=1')).toEqual([
      ['od-001', 'Tainted', 100],
      ['od-001', 'Deleted', 130],
      ['od-002', 'Requested', 130],
      ['od-002', 'Ready', 190],
      ['od-002', 'Tainted', 230],
    ]);
  });
});

/**
 * A drift command whose pods need no new node, in a pool at its floor: the command launches the
 * node the floor needs and drains the drifted node once it is Ready, as upstream's static drift
 * replaces a static NodePool's drifted node 1:1 (disruption/staticdrift.go), within maxNodes
 * reserved as ReserveNodeCount does (nodes being deleted counted).
 * test/fixtures/capacity/karpenter-drift.yaml: three drifted nodes (60 s) of one pod each, 60 s start-up.
 */
describe('the floor through a drift (karpenter-drift.yaml, minNodes 3)', () => {
  const drift = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-drift.yaml');
  function runDrift(...sets: string[]) {
    const rec = new MemoryRecorder();
    const world = new World(loadScenario(drift, { sets: ['cluster.nodePools[0].minNodes=3', ...sets] }).world, rec);
    world.run();
    const nodes = rec.nodeEvents.filter((n) => n.time > 0 && n.event !== 'Drifted').map((n): [string, string, number] => [n.node, n.event, n.time]);
    // When each pod was evicted (Terminating).
    const evicted = rec.pods.filter((p) => p.event === 'Terminating').map((p): [string, number] => [p.pod.name, p.time]);
    return { nodes, evicted, record: world.nodePoolDrifts[0]!.finish() };
  }

  it('each drifted node waits for a node of its pool and is drained once that is Ready, its one pod moving there (knsim drained std-001 at once at 62 and asked for the floor\'s node after: pods evicted at 62, 92 (two) and 122 (three), piling onto the drifted nodes left)', () => {
    const { nodes, evicted, record } = runDrift();
    expect(nodes).toEqual([
      ['std-001', 'Tainted', 62],
      ['std-004', 'Requested', 62],
      ['std-004', 'Ready', 122],
      ['std-001', 'Deleted', 152],
      ['std-002', 'Tainted', 152],
      ['std-005', 'Requested', 152],
      ['std-005', 'Ready', 212],
      ['std-002', 'Deleted', 242],
      ['std-003', 'Tainted', 242],
      ['std-006', 'Requested', 242],
      ['std-006', 'Ready', 302],
      ['std-003', 'Deleted', 332],
    ]);
    expect(evicted).toEqual([
      ['api-00001-deployment-0003', 122],
      ['api-00001-deployment-0001', 212],
      ['api-00001-deployment-0002', 302],
    ]);
    expect(record).toEqual({ pool: 'std', atSeconds: 60, driftedNodes: 3, replacementNodes: 3, deletedNodes: 3, completeSeconds: 332 });
  });

  it.each([
    { name: 'minNodes 0: no node for the floor, the pods go onto the others (as before)', sets: ['cluster.nodePools[0].minNodes=0'], replacements: 1, first: ['std-001', 'Tainted', 62] },
    // maxNodes 3: 3 nodes + 1 reserved > 3, as static drift reserves none at the limit; the drifted nodes stay.
    { name: 'minNodes 3 = maxNodes: no room to reserve, nothing drifts', sets: ['cluster.nodePools[0].maxNodes=3'], replacements: 0, first: undefined },
  ])('$name', ({ sets, replacements, first }) => {
    const { nodes, record } = runDrift(...sets);
    expect(nodes[0]).toEqual(first);
    expect(record.replacementNodes).toBe(replacements);
  });
});
