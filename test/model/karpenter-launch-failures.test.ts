/**
 * Karpenter under injected cloud launch failures (cluster.nodePools[].launchFailures), against
 * kubernetes-sigs/karpenter nodeclaim/lifecycle (launch.go, liveness.go) and the AWS provider's
 * unavailable-offerings cache: test/fixtures/capacity/karpenter-launch-failures.yaml, where the
 * pass at 11 s asks for a node of the cheapest pool, spot, for a pod Unschedulable since 10 s.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { World } from '../../src/model/world.js';
import { MemoryRecorder } from './world-fixture.js';

const fixture = resolve(import.meta.dirname, '../fixtures/capacity/karpenter-launch-failures.yaml');

/** The node events after the start, as [node, event, time], and when the second pod was bound, and where. */
function run(...sets: string[]): { nodes: Array<[string, string, number]>; bound: [string, number] | undefined } {
  const rec = new MemoryRecorder();
  new World(loadScenario(fixture, { sets }).world, rec).run();
  const nodes = rec.nodeEvents.filter((n) => n.time > 0).map((n): [string, string, number] => [n.node, n.event, n.time]);
  const b = rec.pods.find((p) => p.pod.name.endsWith('-0002') && p.event === 'Scheduled');
  return { nodes, bound: b === undefined ? undefined : [b.pod.node!.name, b.time] };
}
const failures = (f: string) => `cluster.nodePools[0].launchFailures=[${f}]`;

describe('InsufficientCapacity: the NodeClaim deleted at once, its offering unavailable for 3 minutes', () => {
  it('spot-001 is deleted as it is created (11 s); the pod\'s next pass (21) takes the dearer pool, od, Ready at 81', () => {
    expect(run()).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Deleted', 11],
        ['od-002', 'Requested', 21],
        ['od-002', 'Ready', 81],
      ],
      bound: ['od-002', 81],
    });
  });

  it('with od full (maxNodes 1) the pod waits for spot to be back, at 191 (11 + 180): the pass at 191 launches spot-002, Ready at 251', () => {
    expect(run('cluster.nodePools[1].maxNodes=1', failures('{kind: insufficientCapacity, at: 0s, duration: 100s}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Deleted', 11],
        ['spot-002', 'Requested', 191],
        ['spot-002', 'Ready', 251],
      ],
      bound: ['spot-002', 251],
    });
  });

  it('a window over by 11 s fails nothing: spot-001 Ready at 71', () => {
    expect(run(failures('{kind: insufficientCapacity, at: 0s, duration: 5s}')).bound).toEqual(['spot-001', 71]);
  });

  it('a pool kept at minNodes asks again only once its offering is back: spot-001 expires at 100, spot-002, -003, -004 fail at 100, 280, 460', () => {
    const { nodes } = run('cluster.nodePools[0].minNodes=1', 'cluster.nodePools[0].initialNodes=1', 'cluster.nodeAutoscaler.expireAfter=100s', 'cluster.nodePools[1].maxNodes=1', 'updates=[]');
    expect(nodes.filter(([n]) => n.startsWith('spot'))).toEqual([
      ['spot-001', 'Tainted', 100],
      ['spot-002', 'Requested', 100],
      ['spot-002', 'Deleted', 100],
      ['spot-001', 'Deleted', 105],
      ['spot-003', 'Requested', 280],
      ['spot-003', 'Deleted', 280],
      ['spot-004', 'Requested', 460],
      ['spot-004', 'Deleted', 460],
    ]);
  });
});

describe('other launch errors: retried with back-off (1 s doubling to 60 s) until the 5-minute launch timeout', () => {
  it('an error until 100 s: the calls at 11, 13, 15, 19, 27, 43, 75 fail, the one at 135 launches spot-001, Ready at 195', () => {
    expect(run(failures('{kind: launchError, at: 0s, duration: 100s}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Ready', 195],
      ],
      bound: ['spot-001', 195],
    });
  });

  it('an error to the end: spot-001 is deleted at 315 (11 + 304, the first call 300 s or more after it); the offering stays, so the pass at 321 asks spot again', () => {
    expect(run(failures('{kind: launchError}'))).toEqual({
      nodes: [
        ['spot-001', 'Requested', 11],
        ['spot-001', 'Deleted', 315],
        ['spot-002', 'Requested', 321],
      ],
      bound: undefined,
    });
  });
});
