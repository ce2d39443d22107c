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
import { summarizeWorld } from '../../src/run/run-world.js';
import { provisioningBlockText } from '../../src/output/text-summary.js';

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

/**
 * The same batch under NodePool limits (test/fixtures/capacity/karpenter-limits.yaml: cpu 100,
 * memory 400Gi, nodes 10 unless a case sets one lower). A launch that brings the pool's usage
 * exactly to a limit goes ahead; one that would go a unit over does not, and the pods it was for
 * stay Pending with Karpenter's FailedScheduling event, at each 10 s re-trigger until the run ends.
 */
const limitsFixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-limits.yaml');

function runLimits(sets: string[]) {
  const rec = new MemoryRecorder();
  const world = new World(loadScenario(limitsFixture, { sets }).world, rec);
  world.run();
  return {
    requested: rec.nodeEvents.filter((n) => n.event === 'Requested').map((n) => [n.node, n.time]),
    scheduled: rec.pods.filter((p) => p.event === 'Scheduled').map((p) => p.pod.revision.spec.name).sort(),
    blocks: world.cluster!.provisioningBlocks.records,
  };
}

const EXCEED = 'Failed to schedule pod, all available instance types exceed limits for nodepool (NodePool=std)';
const EXHAUSTED = 'Failed to schedule pod, node limits have been exhausted for nodepool (NodePool=std)';

describe('NodePool limits on a provisioning pass: equal to the limit launches, a unit over does not', () => {
  it.each([
    { limit: 'cpu=8', nodes: 2, message: undefined },
    { limit: 'cpu=7999m', nodes: 1, message: EXCEED },
    { limit: 'memory=32Gi', nodes: 2, message: undefined },
    { limit: 'memory=34359738367', nodes: 1, message: EXCEED },
    { limit: 'nodes=2', nodes: 2, message: undefined },
    { limit: 'nodes=1', nodes: 1, message: EXHAUSTED },
    { limit: 'pods=220', nodes: 2, message: undefined },
    { limit: 'pods=219', nodes: 1, message: EXCEED },
  ])('limits.$limit: $nodes node(s)', ({ limit, nodes, message }) => {
    const r = runLimits([`cluster.nodePools[0].limits.${limit}`]);
    expect(r.requested).toEqual(nodes === 2 ? [['std-001', 3], ['std-002', 3]] : [['std-001', 3]]);
    if (message === undefined) {
      expect(r.scheduled).toEqual(['s0-00001', 's1-00001', 's2-00001', 's3-00001']);
      expect(r.blocks).toEqual([]);
      return;
    }
    // The one 4-CPU node takes the two 1400m pods once Ready (63 s); the 2500m ones never get a node.
    expect(r.scheduled).toEqual(['s0-00001', 's1-00001']);
    // At 3 s the pass's second NodeClaim (s3's and s1's pods) is refused; from 13 s on, std-001 is
    // launched and counted, and every 10 s re-trigger refuses again, to the last at 113 s.
    expect(r.blocks).toEqual([{ pool: 'std', reason: 'FailedScheduling', message, revisions: ['s1-00001', 's2-00001', 's3-00001'], pods: 3, firstSeconds: 3, lastSeconds: 113 }]);
  });

  it('maxNodes stays the nodes limit: maxNodes 1 and limits.nodes 1 launch the same nodes and bind the same pods at the same times', () => {
    const viaMax = run(1);
    const rec = new MemoryRecorder();
    new World(loadScenario(limitsFixture, { sets: ['cluster.nodePools[0].limits.nodes=1'] }).world, rec).run();
    expect(rec.nodeEvents.map((n) => [n.node, n.event, n.time])).toEqual(viaMax.nodes);
    expect(rec.pods.filter((p) => p.event === 'Scheduled').map((p) => [p.pod.revision.spec.name, p.time]).sort()).toEqual(viaMax.scheduled.sort());
  });

  it('the run summary carries the event users see on the Pending pods', () => {
    const s = summarizeWorld(loadScenario(limitsFixture, { sets: ['cluster.nodePools[0].limits.cpu=4'] }).world);
    expect(s.provisioningBlocks).toEqual([{ pool: 'std', reason: 'FailedScheduling', message: EXCEED, revisions: ['s1-00001', 's2-00001', 's3-00001'], pods: 3, firstSeconds: 3, lastSeconds: 113 }]);
    expect(provisioningBlockText(s.provisioningBlocks![0]!)).toBe(`pool std refused a node to 3 pods of s1-00001, s2-00001, s3-00001 at passes from 3s to 113s: FailedScheduling "${EXCEED}"`);
    // Without a limit reached the field is absent, so summaries of runs without limits keep their shape.
    expect(summarizeWorld(loadScenario(limitsFixture).world).provisioningBlocks).toBeUndefined();
  });
});
