import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { resolveTraffic } from '../../../src/core/traffic/resolve.js';
import { groupSplits, ingressSplits, revisionPercents, statusTraffic } from '../../../src/core/traffic/splits.js';
import type { Rollout, TrafficConfig, TrafficTarget } from '../../../src/core/traffic/types.js';
import { CLUSTER } from './fixtures.js';

function resolved(traffic: TrafficTarget[]): TrafficConfig {
  const r = resolveTraffic(traffic, CLUSTER);
  if (!r.ok) throw new Error(r.error.message);
  return r.config;
}

const PRELIMINARY: TrafficTarget[] = [
  { configurationName: 'good-config', latestRevision: true, percent: 100 },
  { tag: 'beta', revisionName: 'good-revision-2' },
  { tag: 'alpha', configurationName: 'nice-config' },
];

const MID_ROLLOUT: Rollout = {
  configurations: [
    {
      configurationName: 'good-config',
      tag: '',
      percent: 100,
      revisions: [
        { revisionName: 'older-rev', percent: 56 },
        { revisionName: 'good-revision-1', percent: 44 },
      ],
      stepParams: {},
    },
    {
      configurationName: 'nice-config',
      tag: 'alpha',
      percent: 100,
      revisions: [
        { revisionName: 'nice-revision-1', percent: 81 },
        { revisionName: 'nice-revision-2', percent: 19 },
      ],
      stepParams: {},
    },
  ],
};

describe('ingressSplits', () => {
  const cases: { name: string; traffic: TrafficTarget[]; rollout?: Rollout; want: Record<string, [string, number][]> }[] = [
    {
      name: 'canary block without rollout',
      traffic: [
        { tag: 'stable', revisionName: 'good-revision-1', percent: 90 },
        { tag: 'canary', configurationName: 'good-config', percent: 10 },
      ],
      want: {
        '': [['good-revision-1', 90], ['good-revision-2', 10]],
        canary: [['good-revision-2', 100]],
        stable: [['good-revision-1', 100]],
      },
    },
    {
      name: '0% tag targets are left out of the default group but reach 100% on their tag',
      traffic: PRELIMINARY,
      want: {
        '': [['good-revision-2', 100]],
        alpha: [['nice-revision-2', 100]],
        beta: [['good-revision-2', 100]],
      },
    },
    {
      name: 'latest-revision targets expand into the rollout’s revisions',
      traffic: PRELIMINARY,
      rollout: MID_ROLLOUT,
      want: {
        '': [['older-rev', 56], ['good-revision-1', 44]],
        alpha: [['nice-revision-1', 81], ['nice-revision-2', 19]],
        beta: [['good-revision-2', 100]],
      },
    },
    {
      name: 'a pinned revision and a rolling configuration sharing a revision',
      traffic: [
        { revisionName: 'good-revision-1', percent: 50 },
        { configurationName: 'nice-config', percent: 50 },
      ],
      rollout: {
        configurations: [
          {
            configurationName: 'nice-config',
            tag: '',
            percent: 50,
            revisions: [
              { revisionName: 'nice-revision-1', percent: 30 },
              { revisionName: 'nice-revision-2', percent: 20 },
            ],
            stepParams: { startTime: 1, stepSize: 10, stepDuration: 3, nextStepTime: 4 },
          },
        ],
      },
      want: { '': [['good-revision-1', 50], ['nice-revision-1', 30], ['nice-revision-2', 20]] },
    },
    {
      name: 'a one-revision rollout entry is not expanded',
      traffic: [{ configurationName: 'nice-config', percent: 100 }],
      rollout: {
        configurations: [
          {
            configurationName: 'nice-config',
            tag: '',
            percent: 100,
            revisions: [{ revisionName: 'nice-revision-2', percent: 100 }],
            stepParams: {},
          },
        ],
      },
      want: { '': [['nice-revision-2', 100]] },
    },
  ];
  it.each(cases)('$name', ({ traffic, rollout, want }) => {
    const got = ingressSplits(resolved(traffic), rollout);
    expect(got.map((g) => g.tag)).toEqual(Object.keys(want).sort());
    for (const [tag, splits] of Object.entries(want)) {
      expect(groupSplits(got, tag)?.map((s) => [s.revisionName, s.percent])).toEqual(splits);
    }
  });
});

describe('revisionPercents', () => {
  it('adds up a revision listed twice', () => {
    expect([
      ...revisionPercents([
        { revisionName: 'a', percent: 30 },
        { revisionName: 'b', percent: 20 },
        { revisionName: 'a', percent: 50 },
      ]),
    ]).toEqual([
      ['a', 80],
      ['b', 20],
    ]);
  });
  it('rejects a negative percent', () => {
    expect(() => revisionPercents([{ revisionName: 'a', percent: -1 }])).toThrow(InvalidArgumentError);
  });
});

describe('statusTraffic (GetRevisionTrafficTargets)', () => {
  it('is the merged spec targets when nothing rolls', () => {
    expect(statusTraffic(resolved(PRELIMINARY))).toEqual([
      { tag: '', revisionName: 'good-revision-2', latestRevision: true, percent: 100 },
      { tag: 'beta', revisionName: 'good-revision-2', latestRevision: false, percent: 0 },
      { tag: 'alpha', revisionName: 'nice-revision-2', latestRevision: true, percent: 0 },
    ]);
  });
  it('expands latest-revision targets with the rollout of their tag group', () => {
    expect(statusTraffic(resolved(PRELIMINARY), MID_ROLLOUT)).toEqual([
      { tag: '', revisionName: 'older-rev', latestRevision: true, percent: 56 },
      { tag: '', revisionName: 'good-revision-1', latestRevision: true, percent: 44 },
      { tag: 'beta', revisionName: 'good-revision-2', latestRevision: false, percent: 0 },
      { tag: 'alpha', revisionName: 'nice-revision-1', latestRevision: true, percent: 81 },
      { tag: 'alpha', revisionName: 'nice-revision-2', latestRevision: true, percent: 19 },
    ]);
  });
});
