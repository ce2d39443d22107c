import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { latestReadyRevisionName } from '../../../src/core/traffic/latest-ready.js';
import { resolveTraffic, tagRoutes, trafficGroup } from '../../../src/core/traffic/resolve.js';
import { buildRollout } from '../../../src/core/traffic/rollout.js';
import type {
  ClusterState,
  ConfigurationRollout,
  MissingTarget,
  RevisionInfo,
  RevisionTarget,
  TargetError,
  TrafficConfig,
  TrafficTarget,
} from '../../../src/core/traffic/types.js';
import { TrafficValidationError } from '../../../src/core/traffic/validate.js';
import { CLUSTER, rt } from './fixtures.js';

function resolved(traffic: TrafficTarget[], cluster: ClusterState = CLUSTER): TrafficConfig {
  const r = resolveTraffic(traffic, cluster);
  if (!r.ok) throw new Error(`unexpected target error: ${r.error.message}`);
  return r.config;
}

function ro(configurationName: string, tag: string, revisionName: string, percent: number): ConfigurationRollout {
  return { configurationName, tag, percent, revisions: [{ revisionName, percent }], stepParams: {} };
}

describe('resolveTraffic: flattening (BuildTrafficConfiguration)', () => {
  const cases: {
    name: string;
    traffic: TrafficTarget[];
    groups: Record<string, RevisionTarget[]>;
    revisionTargets: RevisionTarget[];
    rollout: ConfigurationRollout[];
  }[] = [
    {
      name: 'vanilla: 100% to a configuration',
      traffic: [{ configurationName: 'good-config', percent: 100 }],
      groups: { '': [rt('', 'good-revision-2', 'good-config', true, 100)] },
      revisionTargets: [rt('', 'good-revision-2', 'good-config', true, 100)],
      rollout: [ro('good-config', '', 'good-revision-2', 100)],
    },
    {
      name: 'three entries of one configuration (42/16/42) merge',
      traffic: [
        { configurationName: 'nice-config', percent: 42 },
        { configurationName: 'nice-config', percent: 16 },
        { configurationName: 'nice-config', percent: 42 },
      ],
      groups: { '': [rt('', 'nice-revision-2', 'nice-config', true, 100)] },
      revisionTargets: [rt('', 'nice-revision-2', 'nice-config', true, 100)],
      rollout: [ro('nice-config', '', 'nice-revision-2', 100)],
    },
    {
      name: 'three configurations, two tagged; rollout sorted by tag then name',
      traffic: [
        { configurationName: 'nice-config', percent: 30 },
        { configurationName: 'good-config', percent: 35, tag: 'robert' },
        { configurationName: 'inactive-config', percent: 35, tag: 'jackson' },
      ],
      groups: {
        '': [
          rt('', 'nice-revision-2', 'nice-config', true, 30),
          rt('robert', 'good-revision-2', 'good-config', true, 35),
          rt('jackson', 'inactive-revision', 'inactive-config', true, 35),
        ],
        jackson: [rt('jackson', 'inactive-revision', 'inactive-config', true, 100)],
        robert: [rt('robert', 'good-revision-2', 'good-config', true, 100)],
      },
      revisionTargets: [
        rt('', 'nice-revision-2', 'nice-config', true, 30),
        rt('robert', 'good-revision-2', 'good-config', true, 35),
        rt('jackson', 'inactive-revision', 'inactive-config', true, 35),
      ],
      rollout: [
        ro('good-config', '', 'good-revision-2', 35),
        ro('inactive-config', '', 'inactive-revision', 35),
        ro('nice-config', '', 'nice-revision-2', 30),
        ro('inactive-config', 'jackson', 'inactive-revision', 100),
        ro('good-config', 'robert', 'good-revision-2', 100),
      ],
    },
    {
      name: 'same configuration, untagged 90 and tagged 10',
      traffic: [
        { configurationName: 'nice-config', percent: 90 },
        { configurationName: 'nice-config', percent: 10, tag: 'robert' },
      ],
      groups: {
        '': [rt('', 'nice-revision-2', 'nice-config', true, 100)],
        robert: [rt('robert', 'nice-revision-2', 'nice-config', true, 100)],
      },
      revisionTargets: [
        rt('', 'nice-revision-2', 'nice-config', true, 90),
        rt('robert', 'nice-revision-2', 'nice-config', true, 10),
      ],
      rollout: [ro('nice-config', '', 'nice-revision-2', 100), ro('nice-config', 'robert', 'nice-revision-2', 100)],
    },
    {
      name: 'canary: pinned old revision 90, latest 10',
      traffic: [
        { revisionName: 'good-revision-1', percent: 90 },
        { configurationName: 'good-config', percent: 10 },
      ],
      groups: {
        '': [rt('', 'good-revision-1', 'good-config', false, 90), rt('', 'good-revision-2', 'good-config', true, 10)],
      },
      revisionTargets: [rt('', 'good-revision-1', 'good-config', false, 90), rt('', 'good-revision-2', 'good-config', true, 10)],
      // Only the 10% floats, so only it can roll out.
      rollout: [ro('good-config', '', 'good-revision-2', 10)],
    },
    {
      name: 'consolidated: pinned latest and a latest target share a revision',
      traffic: [
        { tag: 'one', revisionName: 'good-revision-1', percent: 49 },
        { tag: 'two', revisionName: 'good-revision-2', percent: 50 },
        { tag: 'also-two', configurationName: 'good-config', percent: 1 },
      ],
      groups: {
        '': [rt('one', 'good-revision-1', 'good-config', false, 49), rt('two', 'good-revision-2', 'good-config', false, 51)],
        'also-two': [rt('also-two', 'good-revision-2', 'good-config', true, 100)],
        one: [rt('one', 'good-revision-1', 'good-config', false, 100)],
        two: [rt('two', 'good-revision-2', 'good-config', false, 100)],
      },
      revisionTargets: [
        rt('one', 'good-revision-1', 'good-config', false, 49),
        rt('two', 'good-revision-2', 'good-config', false, 50),
        rt('also-two', 'good-revision-2', 'good-config', true, 1),
      ],
      // The merged default entry took the pinned entry's latestRevision=false.
      rollout: [ro('good-config', 'also-two', 'good-revision-2', 100)],
    },
    {
      name: 'two fixed revisions of one configuration',
      traffic: [
        { revisionName: 'good-revision-1', percent: 50 },
        { revisionName: 'good-revision-2', percent: 50 },
      ],
      groups: {
        '': [rt('', 'good-revision-1', 'good-config', false, 50), rt('', 'good-revision-2', 'good-config', false, 50)],
      },
      revisionTargets: [rt('', 'good-revision-1', 'good-config', false, 50), rt('', 'good-revision-2', 'good-config', false, 50)],
      rollout: [],
    },
    {
      name: 'preliminary: 0% tagged targets still get tag groups at 100%',
      traffic: [
        { revisionName: 'good-revision-1', percent: 100 },
        { tag: 'beta', revisionName: 'good-revision-2' },
        { tag: 'alpha', configurationName: 'nice-config' },
      ],
      groups: {
        '': [
          rt('', 'good-revision-1', 'good-config', false, 100),
          rt('beta', 'good-revision-2', 'good-config', false, 0),
          rt('alpha', 'nice-revision-2', 'nice-config', true, 0),
        ],
        alpha: [rt('alpha', 'nice-revision-2', 'nice-config', true, 100)],
        beta: [rt('beta', 'good-revision-2', 'good-config', false, 100)],
      },
      revisionTargets: [
        rt('', 'good-revision-1', 'good-config', false, 100),
        rt('beta', 'good-revision-2', 'good-config', false, 0),
        rt('alpha', 'nice-revision-2', 'nice-config', true, 0),
      ],
      rollout: [ro('nice-config', 'alpha', 'nice-revision-2', 100)],
    },
    {
      name: 'tag at 0%: no default-group rollout for it',
      traffic: [
        { configurationName: 'nice-config', percent: 100 },
        { configurationName: 'good-config', percent: 0, tag: 'robert' },
      ],
      groups: {
        '': [rt('', 'nice-revision-2', 'nice-config', true, 100), rt('robert', 'good-revision-2', 'good-config', true, 0)],
        robert: [rt('robert', 'good-revision-2', 'good-config', true, 100)],
      },
      revisionTargets: [rt('', 'nice-revision-2', 'nice-config', true, 100), rt('robert', 'good-revision-2', 'good-config', true, 0)],
      rollout: [ro('nice-config', '', 'nice-revision-2', 100), ro('good-config', 'robert', 'good-revision-2', 100)],
    },
    {
      name: 'latest created revision not ready: route uses the latest ready one',
      traffic: [{ configurationName: 'ready-unready-config', latestRevision: true, percent: 100 }],
      groups: { '': [rt('', 'ready-unready-revision-1', 'ready-unready-config', true, 100)] },
      revisionTargets: [rt('', 'ready-unready-revision-1', 'ready-unready-config', true, 100)],
      rollout: [ro('ready-unready-config', '', 'ready-unready-revision-1', 100)],
    },
  ];

  it.each(cases)('$name', ({ traffic, groups, revisionTargets, rollout }) => {
    const cfg = resolved(traffic);
    expect(cfg.groups.map((g) => g.tag)).toEqual(Object.keys(groups).sort());
    for (const [tag, targets] of Object.entries(groups)) expect(trafficGroup(cfg, tag)?.targets).toEqual(targets);
    expect(cfg.revisionTargets).toEqual(revisionTargets);
    expect(buildRollout(cfg).configurations).toEqual(rollout);
  });

  it('canary weights: default group 90/10, tag URL reaches its revision at 100%', () => {
    const cfg = resolved([
      { tag: 'current', revisionName: 'good-revision-1', percent: 90 },
      { tag: 'candidate', configurationName: 'good-config', percent: 10 },
    ]);
    expect(trafficGroup(cfg, '')?.targets.map((t) => [t.revisionName, t.percent])).toEqual([
      ['good-revision-1', 90],
      ['good-revision-2', 10],
    ]);
    expect(trafficGroup(cfg, 'candidate')?.targets.map((t) => [t.revisionName, t.percent])).toEqual([['good-revision-2', 100]]);
    expect([...tagRoutes(cfg)]).toEqual([
      ['candidate', 'good-revision-2'],
      ['current', 'good-revision-1'],
    ]);
    expect(trafficGroup(cfg, 'nope')).toBeUndefined();
  });
});

describe('resolveTraffic: target errors', () => {
  const cases: { name: string; traffic: TrafficTarget[]; error: Partial<TargetError>; missing: MissingTarget[] }[] = [
    {
      name: 'missing configuration',
      traffic: [
        { revisionName: 'good-revision-1', percent: 100 },
        { tag: 'beta', revisionName: 'good-revision-2' },
        { tag: 'alpha', configurationName: 'missing-config' },
      ],
      error: {
        reason: 'MissingTarget',
        name: 'missing-config',
        isFailure: true,
        message: 'Configuration "missing-config" referenced in traffic not found',
      },
      missing: [{ kind: 'Configuration', name: 'missing-config' }],
    },
    {
      name: 'missing revision',
      traffic: [
        { revisionName: 'missing-revision', percent: 50 },
        { revisionName: 'good-revision-2', percent: 50 },
      ],
      error: { reason: 'MissingTarget', name: 'missing-revision', message: 'Revision "missing-revision" referenced in traffic not found' },
      missing: [{ kind: 'Revision', name: 'missing-revision' }],
    },
    {
      name: 'revision not ready',
      traffic: [{ revisionName: 'unready-revision', percent: 100 }],
      error: { reason: 'RevisionNotReady', isFailure: false, message: 'Revision "unready-revision" not ready, isFailure=false' },
      missing: [],
    },
    {
      name: 'latest ready revision has since failed',
      traffic: [{ configurationName: 'failed-ready-config', latestRevision: true, percent: 100 }],
      error: { reason: 'RevisionNotReady', name: 'failed-ready-revision', isFailure: true },
      missing: [],
    },
    {
      name: 'configuration never ready',
      traffic: [{ configurationName: 'unready-config', percent: 100 }],
      error: { reason: 'ConfigurationNotReady', isFailure: false, message: 'Configuration "unready-config" not ready, isFailure=false' },
      missing: [],
    },
    {
      name: 'configuration without revisions',
      traffic: [{ configurationName: 'empty-config', percent: 100 }],
      error: { reason: 'ConfigurationNotReady', name: 'empty-config', isFailure: false },
      missing: [],
    },
    {
      name: 'latest ready revision deleted',
      traffic: [{ configurationName: 'latest-rev-deleted-config', percent: 100 }],
      error: { reason: 'ConfigurationNotReady', name: 'latest-rev-deleted-config', isFailure: false },
      missing: [],
    },
    {
      name: 'empty then failed: the failure wins',
      traffic: [
        { configurationName: 'empty-config', percent: 50 },
        { configurationName: 'failed-config', percent: 50 },
      ],
      error: { reason: 'ConfigurationNotReady', name: 'failed-config', isFailure: true },
      missing: [],
    },
    {
      name: 'failed then empty: the failure stays',
      traffic: [
        { configurationName: 'failed-config', percent: 50 },
        { configurationName: 'empty-config', percent: 50 },
      ],
      error: { reason: 'ConfigurationNotReady', name: 'failed-config', isFailure: true },
      missing: [],
    },
    {
      name: 'two non-failures: the first is kept',
      traffic: [
        { configurationName: 'unready-config', percent: 50 },
        { configurationName: 'empty-config', percent: 50 },
      ],
      error: { reason: 'ConfigurationNotReady', name: 'unready-config' },
      missing: [],
    },
    {
      name: 'every missing target is listed',
      traffic: [
        { revisionName: 'gone-1', percent: 50 },
        { configurationName: 'gone-config', percent: 50 },
      ],
      error: { reason: 'MissingTarget', name: 'gone-config' },
      missing: [
        { kind: 'Revision', name: 'gone-1' },
        { kind: 'Configuration', name: 'gone-config' },
      ],
    },
  ];
  it.each(cases)('$name', ({ traffic, error, missing }) => {
    const r = resolveTraffic(traffic, CLUSTER);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject(error);
    expect(r.missingTargets).toEqual(missing);
  });

  const ownership: { name: string; routeService: string; revisionService: string; error?: string }[] = [
    {
      name: 'service route cannot use another service’s revision',
      routeService: 'my-service',
      revisionService: 'other-service',
      error: 'Revision "test-rev" belongs to Service "other-service", not Service "my-service"',
    },
    { name: 'service route can use its own revision', routeService: 'my-service', revisionService: 'my-service' },
    { name: 'standalone route can use any revision', routeService: '', revisionService: 'some-service' },
    {
      name: 'service route cannot use a revision of no service',
      routeService: 'my-service',
      revisionService: '',
      error: 'Revision "test-rev" does not belong to Service "my-service"',
    },
  ];
  it.each(ownership)('ownership: $name', ({ routeService, revisionService, error }) => {
    const cluster: ClusterState = {
      revisions: [
        { name: 'test-rev', configurationName: 'test-config', generation: 1, ready: true, serviceName: revisionService },
      ],
      configurations: [{ name: 'test-config', latestReadyRevisionName: 'test-rev' }],
    };
    const r = resolveTraffic([{ revisionName: 'test-rev', percent: 100 }], cluster, { serviceName: routeService });
    if (error === undefined) {
      expect(r.ok).toBe(true);
    } else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ reason: 'RevisionNotOwned', isFailure: true, message: error });
    }
  });

  it('rejects invalid traffic before looking anything up', () => {
    expect(() => resolveTraffic([{ revisionName: 'good-revision-1', percent: 99 }], CLUSTER)).toThrow(TrafficValidationError);
  });

  it('rejects a cluster with two revisions of the same name', () => {
    const dup: RevisionInfo = { name: 'r', configurationName: 'c', generation: 1, ready: true };
    expect(() =>
      resolveTraffic([{ revisionName: 'r', percent: 100 }], {
        revisions: [dup, { ...dup, generation: 2 }],
        configurations: [{ name: 'c' }],
      }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('latestReadyRevisionName', () => {
  const revs: RevisionInfo[] = [
    { name: 'c-1', configurationName: 'c', generation: 1, ready: true },
    { name: 'c-2', configurationName: 'c', generation: 2, ready: true },
    { name: 'c-3', configurationName: 'c', generation: 3, ready: false },
    { name: 'd-1', configurationName: 'd', generation: 7, ready: true },
  ];
  it.each([
    { name: 'newest ready wins', revs, cfg: 'c', prev: '', want: 'c-2' },
    { name: 'never goes back behind the current one', revs: revs.map((r) => (r.name === 'c-2' ? { ...r, ready: false } : r)), cfg: 'c', prev: 'c-2', want: 'c-2' },
    { name: 'moves forward when a newer one is ready', revs: revs.map((r) => (r.name === 'c-3' ? { ...r, ready: true } : r)), cfg: 'c', prev: 'c-2', want: 'c-3' },
    { name: 'nothing ready keeps the old value', revs: revs.filter((r) => r.configurationName === 'c' && !r.ready), cfg: 'c', prev: '', want: '' },
    { name: 'other configurations are ignored', revs, cfg: 'd', prev: '', want: 'd-1' },
  ])('$name', ({ revs: rs, cfg, prev, want }) => {
    expect(latestReadyRevisionName(rs, cfg, prev)).toBe(want);
  });
  it('rejects duplicate generations', () => {
    expect(() => latestReadyRevisionName([...revs, { name: 'c-x', configurationName: 'c', generation: 2, ready: true }], 'c')).toThrow(
      InvalidArgumentError,
    );
  });
});
