/**
 * The Cluster Autoscaler counts the pods still on a node it is draining as pods to place
 * (processors/podlistprocessor currentlyDrainedNodesPodListProcessor, ahead of
 * filterOutSchedulable): one that fits no existing node gets a node at once, not only when its
 * eviction finally goes through and its replacement is Unschedulable.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

describe('pods of a node being drained are pods to help (ca-drained-pods.yaml)', () => {
  const rec = new MemoryRecorder();
  new World(loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/ca-drained-pods.yaml'), { sets: [] }).world, rec).run();
  const nodes = rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
  it("a-001 is tainted at 75 and its first pod evicted at 80; its second, refused by p's budget, fits nowhere once s fills b-001 at 90: the loop at 95 adds a-002 for it", () => {
    expect(nodes).toEqual([
      ['a-001', 'Tainted', 75],
      ['a-002', 'Requested', 95],
      // The budget refuses the second pod for the whole max-pod-eviction-time (its replacement pulls for 150 s): the drain is given up.
      ['a-001', 'Untainted', 200],
      ['a-002', 'Ready', 275],
    ]);
    // No pod was ever Unschedulable: the node came for a pod still running on a-001.
    expect(rec.pods.filter((p) => p.event === 'Unschedulable')).toEqual([]);
  });
});
