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
