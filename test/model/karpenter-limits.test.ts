/**
 * A NodePool's node limit (knsim: maxNodes) in a provisioning pass: the scheduler subtracts the
 * state nodes it was given and each NodeClaim it opens from the limit (scheduler.go
 * remainingResources, subtractMax), so the NodeClaims a pass opens count once.
 * test/fixtures/capacity/karpenter-batch.yaml: four pods (2 × 1400m, 2 × 2500m) in one batch
 * closing at 3 s on an empty cluster need two 4-CPU nodes.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-batch.yaml');

function run(maxNodes: number): { nodes: Array<[string, string, number]>; scheduled: Array<[string, number]> } {
  const rec = new MemoryRecorder();
  new World(loadScenario(fixture, { sets: [`cluster.nodePools[0].maxNodes=${maxNodes}`] }).world, rec).run();
  return {
    nodes: rec.nodeEvents.map((n): [string, string, number] => [n.node, n.event, n.time]),
    scheduled: rec.pods.filter((p) => p.event === 'Scheduled').map((p): [string, number] => [p.pod.revision.spec.name, p.time]),
  };
}

describe('the NodeClaims one provisioning pass opens count once against maxNodes', () => {
  it.each([
    {
      maxNodes: 1,
      nodes: [['std-001', 'Requested', 3], ['std-001', 'Ready', 63]],
      // One node holds the two 1400m pods; the 2500m ones wait for room that never comes.
      scheduled: [['s0-00001', 63], ['s1-00001', 63]],
    },
    {
      // Was std-002 only at the next pass (13 s), the first pass's std-001 counted twice
      // (launching and opened: 1 + 1 = 2 of 2), and s3's pod never placed.
      maxNodes: 2,
      nodes: [['std-001', 'Requested', 3], ['std-002', 'Requested', 3], ['std-001', 'Ready', 63], ['std-002', 'Ready', 63]],
      scheduled: [['s0-00001', 63], ['s1-00001', 63], ['s2-00001', 63], ['s3-00001', 63]],
    },
    {
      maxNodes: 5,
      nodes: [['std-001', 'Requested', 3], ['std-002', 'Requested', 3], ['std-001', 'Ready', 63], ['std-002', 'Ready', 63]],
      scheduled: [['s0-00001', 63], ['s1-00001', 63], ['s2-00001', 63], ['s3-00001', 63]],
    },
  ])('maxNodes $maxNodes: $nodes.length node events', ({ maxNodes, nodes, scheduled }) => {
    const r = run(maxNodes);
    expect(r.nodes).toEqual(nodes);
    expect(r.scheduled.sort()).toEqual(scheduled);
  });
});
