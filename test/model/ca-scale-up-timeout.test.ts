/**
 * A Cluster Autoscaler scale-up that times out (clusterstate.go updateScaleRequests): the request
 * is failed at the first loop past its deadline, the group backed off and its target cut by the
 * request's increase, which the cloud refuses once one of its nodes has registered; from then on
 * the group's nodes still coming are not upcoming (GetUpcomingNodes skips a group with no request
 * or backed off), so the pods waiting for them get another group's node at that loop.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World } from '../../src/model/world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

function nodeEvents(seed: number, sets: string[] = []) {
  const rec = new MemoryRecorder();
  const file = resolve(import.meta.dirname, '../fixtures/capacity/ca-timeout-upcoming.yaml');
  new World(loadScenario(file, { sets: [`seed=${seed}`, ...sets] }).world, rec).run();
  return rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
}

describe('a timed-out scale-up (ca-timeout-upcoming.yaml)', () => {
  it.each([
    {
      name: 'one of its two nodes registered: the cut is refused, the late node goes at 1025 (15 min after first seen), big comes at 1015',
      seed: 2,
      want: [
        ['std-002', 'Requested', 105],
        ['std-003', 'Requested', 105],
        ['std-002', 'Ready', 165],
        ['big-001', 'Requested', 1015],
        ['std-003', 'Deleted', 1025],
        ['big-001', 'Ready', 1075],
      ],
    },
    {
      name: 'neither registered: both are given up at the failing loop, 1015, and big comes then',
      seed: 5,
      want: [
        ['std-002', 'Requested', 105],
        ['std-003', 'Requested', 105],
        ['std-002', 'Deleted', 1015],
        ['std-003', 'Deleted', 1015],
        ['big-001', 'Requested', 1015],
        ['big-001', 'Ready', 1075],
      ],
    },
  ])('$name', ({ seed, want }) => {
    expect(nodeEvents(seed)).toEqual(want);
  });
});

describe('a late node that registered before its deadline but is not Ready yet (readyAfterRegistration 10m)', () => {
  it('seed 5: both 16-min nodes register at 465 s, so the failed request at 1015 gives neither up (DecreaseTargetSize only drops unregistered ones) nor does removeOldUnregisteredNodes; big still comes at 1015, std-002 and -003 are Ready at 1065', () => {
    expect(nodeEvents(5, ['cluster.nodePools[0].readyAfterRegistration=10m'])).toEqual([
      ['std-002', 'Requested', 105],
      ['std-003', 'Requested', 105],
      ['big-001', 'Requested', 1015],
      ['std-002', 'Ready', 1065],
      ['std-003', 'Ready', 1065],
      ['big-001', 'Ready', 1075],
    ]);
  });
});

describe('removeOldUnregisteredNodes deletes every late node at one loop', () => {
  it('std nodes all take 16 min, big is off; 3 more pods at 400 s extend the request to 1305: both nodes of 105 s, first seen at 115, go at 1025 (the second was left for the next loop)', () => {
    const sets = [
      'cluster.nodePools[0].startupLatency=16m',
      'cluster.nodePools[1].maxNodes=0',
      'updates[1]={at: 400s, patchRevision: {name: app-00001, annotations: {autoscaling.knative.dev/min-scale: "12"}}}',
    ];
    expect(nodeEvents(2, sets).slice(0, 7)).toEqual([
      ['std-002', 'Requested', 105],
      ['std-003', 'Requested', 105],
      ['std-004', 'Requested', 405],
      ['std-002', 'Deleted', 1025],
      ['std-003', 'Deleted', 1025],
      // Their pods get new nodes at once (the request is still open, std not backed off).
      ['std-005', 'Requested', 1025],
      ['std-006', 'Requested', 1025],
    ]);
  });
});

describe('removeOldUnregisteredNodes keeps a pool at its minimum (ca-unregistered-min.yaml)', () => {
  const rec = new MemoryRecorder();
  new World(loadScenario(resolve(import.meta.dirname, '../fixtures/capacity/ca-unregistered-min.yaml'), { sets: [] }).world, rec).run();
  const events = rec.nodeEvents.filter((n) => n.time > 0).map((n) => [n.node, n.event, n.time]);
  it.each([
    ['std-003', 'Ready', 165],
    ['std-003', 'Deleted', 410],
    ['std-001', 'Deleted', 440],
  ] as const)('%s %s at %i s', (node, event, time) => {
    expect(events.filter((e) => e[0] === node && e[1] === event)).toEqual([[node, event, time]]);
  });
  it('std-004, due for deletion at 1025 s, is kept: deleting it would leave std below minNodes 2', () => {
    expect(events.filter((e) => e[0] === 'std-004')).toEqual([['std-004', 'Requested', 105]]);
  });
});
