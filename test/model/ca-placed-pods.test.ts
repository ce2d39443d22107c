/**
 * The Cluster Autoscaler's actuation tells an empty node from one to drain by the pods its removal
 * simulation moved (planner.go NodesToDelete, PodsToReschedule), and those include the pods to
 * help that filterOutSchedulable left on the node in its snapshot: such a node is a drain, held
 * while another drain is in progress, not an empty node deleted in bulk.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

describe('a node holding only a pod to help is a drain (ca-placed-pods.yaml)', () => {
  const rec = new MemoryRecorder();
  new World(loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/ca-placed-pods.yaml'), { sets: [] }).world, rec).run();
  const nodes = rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
  it.each([
    // std-002's drain: tainted at 75, a's pod evicted at 375 (the 300 s delay) and gone at 405.
    ['std-002', 'Tainted', 75],
    ['std-002', 'Deleted', 405],
    // std-003 holds a's pod in CA's snapshot from 85 to 365: a drain, so not while std-002 drains
    // (removable from 225); at 375 a's pod is evicted, std-003 is empty and goes in bulk.
    ['std-003', 'Tainted', 375],
  ] as const)('%s %s at %i s', (node, event, time) => {
    expect(nodes.filter((n) => n[0] === node && n[1] === event)).toEqual([[node, event, time]]);
  });
  it('no other node changes', () => {
    expect(nodes).toHaveLength(3);
  });
});
