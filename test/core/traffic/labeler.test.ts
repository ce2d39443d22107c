import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { nextRoutingState, routedRevisions, type RoutedRevisionsInput, type RoutingState } from '../../../src/core/traffic/index.js';

const REVS = [
  { name: 'svc-00001', generation: 1 },
  { name: 'svc-00002', generation: 2 },
  { name: 'svc-00003', generation: 3 },
];

describe('routedRevisions', () => {
  const cases: { name: string; input: RoutedRevisionsInput; want: string[] }[] = [
    { name: 'no revisions yet, no traffic block', input: { traffic: [], revisions: [] }, want: [] },
    { name: 'no traffic block: the latest created revision', input: { traffic: [], revisions: REVS }, want: ['svc-00003'] },
    {
      name: 'latest created is the highest generation, not the last listed',
      input: { traffic: [], revisions: [REVS[2]!, REVS[0]!, REVS[1]!] },
      want: ['svc-00003'],
    },
    {
      name: 'pinned targets only',
      input: { traffic: [{ revisionName: 'svc-00001', percent: 90 }, { revisionName: 'svc-00002', percent: 10 }], revisions: REVS },
      want: ['svc-00001', 'svc-00002'],
    },
    {
      name: 'latestRevision defaults to true without a revisionName',
      input: { traffic: [{ revisionName: 'svc-00001', percent: 50 }, { percent: 50 }], revisions: REVS },
      want: ['svc-00001', 'svc-00003'],
    },
    {
      name: 'latestRevision: true names the latest created, ready or not',
      input: { traffic: [{ latestRevision: true, percent: 100 }], revisions: REVS },
      want: ['svc-00003'],
    },
    {
      name: 'latestRevision: false names nothing without a revisionName',
      input: { traffic: [{ latestRevision: false, percent: 0, tag: 'x' }], revisions: REVS },
      want: [],
    },
    {
      name: 'status traffic adds the revisions still served (mid rollout)',
      input: { traffic: [{ revisionName: 'svc-00003', percent: 100 }], statusRevisions: ['svc-00001', 'svc-00003'], revisions: REVS },
      want: ['svc-00001', 'svc-00003'],
    },
    {
      name: 'a tagged 0 % target is still routed',
      input: { traffic: [{ latestRevision: true, percent: 100 }, { tag: 'old', revisionName: 'svc-00001', percent: 0 }], revisions: REVS },
      want: ['svc-00001', 'svc-00003'],
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect([...routedRevisions(input)].sort()).toEqual(want);
  });

  it('rejects a traffic or revisions value that is not an array', () => {
    expect(() => routedRevisions({ traffic: {} as never, revisions: REVS })).toThrow(InvalidArgumentError);
    expect(() => routedRevisions({ traffic: [], revisions: 'svc-00001' as never })).toThrow(/revisions/);
  });
});

describe('nextRoutingState', () => {
  const cases: [boolean, RoutingState, RoutingState][] = [
    [false, 'pending', 'pending'],
    [true, 'pending', 'active'],
    [true, 'active', 'active'],
    [false, 'active', 'reserve'],
    [false, 'reserve', 'reserve'],
    [true, 'reserve', 'active'],
  ];
  it.each(cases)('routed %s, was %s → %s', (routed, previous, want) => {
    expect(nextRoutingState(routed, previous)).toBe(want);
  });

  // While the Route is neither Ready nor failed the labeler sets, never clears.
  const unresolved: [boolean, RoutingState, RoutingState][] = [
    [false, 'pending', 'pending'],
    [true, 'pending', 'active'],
    [false, 'active', 'active'],
    [false, 'reserve', 'reserve'],
    [true, 'reserve', 'active'],
  ];
  it.each(unresolved)('Route not resolved: routed %s, was %s → %s', (routed, previous, want) => {
    expect(nextRoutingState(routed, previous, false)).toBe(want);
  });

  it('refuses a previous state that is none of the three (it was handed back as the next state)', () => {
    expect(() => nextRoutingState(false, 'Active' as RoutingState)).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message: 'previous: must be one of "pending", "active", "reserve", got "Active"' }),
    );
  });

  it('walks a blue-green switch: the old revision goes to reserve, the new one was pending until routed', () => {
    const states = new Map<string, RoutingState>();
    const sync = (input: RoutedRevisionsInput): Record<string, RoutingState> => {
      const routed = routedRevisions(input);
      for (const r of input.revisions) states.set(r.name, nextRoutingState(routed.has(r.name), states.get(r.name) ?? 'pending'));
      return Object.fromEntries(states);
    };
    const blue = [{ revisionName: 'svc-00001', percent: 100 }];
    const green = [{ revisionName: 'svc-00002', percent: 100 }];
    expect(sync({ traffic: blue, revisions: REVS.slice(0, 2) })).toEqual({ 'svc-00001': 'active', 'svc-00002': 'pending' });
    expect(sync({ traffic: green, statusRevisions: ['svc-00001'], revisions: REVS.slice(0, 2) })).toEqual({ 'svc-00001': 'active', 'svc-00002': 'active' });
    expect(sync({ traffic: green, statusRevisions: ['svc-00002'], revisions: REVS.slice(0, 2) })).toEqual({ 'svc-00001': 'reserve', 'svc-00002': 'active' });
    expect(sync({ traffic: blue, revisions: REVS.slice(0, 2) })).toEqual({ 'svc-00001': 'active', 'svc-00002': 'reserve' });
  });
});
