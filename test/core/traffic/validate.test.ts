import { describe, expect, it } from 'vitest';
import {
  assertValidTraffic,
  defaultTraffic,
  makeRouteTraffic,
  TrafficValidationError,
  validateTraffic,
} from '../../../src/core/traffic/validate.js';
import { dns1035LabelErrors, qualifiedNameErrors } from '../../../src/core/traffic/k8s-names.js';
import type { TrafficOwner, TrafficTarget } from '../../../src/core/traffic/types.js';

const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('defaultTraffic', () => {
  const cases: { name: string; owner: TrafficOwner; in: TrafficTarget[]; want: ReturnType<typeof defaultTraffic> }[] = [
    {
      name: 'service with empty traffic gets 100% latest',
      owner: 'service',
      in: [],
      want: [{ tag: '', revisionName: '', configurationName: '', latestRevision: true, percent: 100 }],
    },
    { name: 'route with empty traffic stays empty', owner: 'route', in: [], want: [] },
    {
      name: 'latestRevision follows revisionName, percent defaults to 0',
      owner: 'route',
      in: [{ revisionName: 'r1', percent: 90 }, { configurationName: 'c', tag: 'next' }],
      want: [
        { tag: '', revisionName: 'r1', configurationName: '', latestRevision: false, percent: 90 },
        { tag: 'next', revisionName: '', configurationName: 'c', latestRevision: true, percent: 0 },
      ],
    },
    {
      name: 'explicit latestRevision is kept',
      owner: 'route',
      in: [{ revisionName: 'r1', latestRevision: true, percent: 100 }],
      want: [{ tag: '', revisionName: 'r1', configurationName: '', latestRevision: true, percent: 100 }],
    },
  ];
  it.each(cases)('$name', ({ owner, in: input, want }) => {
    const frozen = Object.freeze(input.map((t) => Object.freeze({ ...t })));
    expect(defaultTraffic(frozen, owner)).toEqual(want);
  });
});

describe('validateTraffic: single targets (route context)', () => {
  // Re-expresses upstream's TrafficTarget validation table, each target padded to a sum of 100.
  const cases: { name: string; tt: TrafficTarget; owner?: TrafficOwner; want?: string; field?: string }[] = [
    { name: 'revisionName', tt: { revisionName: 'bar', percent: 100 } },
    { name: 'revisionName and tag', tt: { tag: 'foo', revisionName: 'bar', percent: 100 } },
    {
      name: 'bad revisionName',
      tt: { revisionName: 'b ar', percent: 100 },
      want: 'invalid key name "b ar": spec.traffic[0].revisionName',
      field: 'spec.traffic[0].revisionName',
    },
    { name: 'revisionName with latestRevision false', tt: { revisionName: 'bar', latestRevision: false, percent: 100 } },
    {
      name: 'revisionName with latestRevision true',
      tt: { revisionName: 'bar', latestRevision: true, percent: 100 },
      want: 'may not set revisionName "bar" when latestRevision is true: spec.traffic[0].latestRevision',
      field: 'spec.traffic[0].latestRevision',
    },
    { name: 'configurationName', tt: { configurationName: 'bar', percent: 100 } },
    { name: 'configurationName with tag', tt: { tag: 'foo', configurationName: 'bar', percent: 100 } },
    {
      name: 'bad configurationName',
      tt: { configurationName: 'b ar', percent: 100 },
      want: 'invalid key name "b ar": spec.traffic[0].configurationName',
      field: 'spec.traffic[0].configurationName',
    },
    { name: 'configurationName with latestRevision true', tt: { configurationName: 'blah', latestRevision: true, percent: 100 } },
    {
      name: 'configurationName with latestRevision false',
      tt: { configurationName: 'blah', latestRevision: false, percent: 100 },
      want: 'may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision',
      field: 'spec.traffic[0].latestRevision',
    },
    {
      name: 'both names',
      tt: { revisionName: 'foo', configurationName: 'bar', percent: 100 },
      want: 'expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
      field: 'spec.traffic[0].revisionName',
    },
    {
      name: 'neither name',
      tt: { percent: 100 },
      want: 'expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
      field: 'spec.traffic[0].revisionName',
    },
    {
      name: 'percent too low',
      tt: { revisionName: 'foo', percent: -5 },
      want: 'expected 0 <= -5 <= 100: spec.traffic[0].percent',
      field: 'spec.traffic[0].percent',
    },
    {
      name: 'percent too high',
      tt: { revisionName: 'foo', percent: 101 },
      want: 'expected 0 <= 101 <= 100: spec.traffic[0].percent',
      field: 'spec.traffic[0].percent',
    },
    {
      name: 'fractional percent',
      tt: { revisionName: 'foo', percent: 99.5 },
      want: 'invalid value: 99.5: spec.traffic[0].percent (percent must be an integer)',
      field: 'spec.traffic[0].percent',
    },
    {
      name: 'NaN percent',
      tt: { revisionName: 'foo', percent: Number.NaN },
      want: 'invalid value: NaN: spec.traffic[0].percent (percent must be an integer)',
      field: 'spec.traffic[0].percent',
    },
    // Service context: the configuration is implied.
    { name: 'service: no name at all', owner: 'service', tt: { percent: 100 } },
    { name: 'service: latestRevision true', owner: 'service', tt: { latestRevision: true, percent: 100 } },
    { name: 'service: revisionName', owner: 'service', tt: { revisionName: 'bar', percent: 100 } },
    {
      name: 'service: configurationName',
      owner: 'service',
      tt: { configurationName: 'valid', latestRevision: true, percent: 100 },
      want: 'must not set the field(s): spec.traffic[0].configurationName',
      field: 'spec.traffic[0].configurationName',
    },
    {
      name: 'service: latestRevision false without a revision',
      owner: 'service',
      tt: { latestRevision: false, percent: 100 },
      want: 'may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision',
      field: 'spec.traffic[0].latestRevision',
    },
    {
      name: 'service: revisionName with latestRevision true',
      owner: 'service',
      tt: { revisionName: 'valid', latestRevision: true, percent: 100 },
      want: 'may not set revisionName "valid" when latestRevision is true: spec.traffic[0].latestRevision',
      field: 'spec.traffic[0].latestRevision',
    },
    // url is a status field: the webhook refuses it in a spec, tagged or not (it used to be ignored).
    {
      name: 'url with a tag',
      tt: { tag: 'foo', revisionName: 'bar', percent: 100, url: 'http://foo-hello.default.example.com' },
      want: 'must not set the field(s): spec.traffic[0].url',
      field: 'spec.traffic[0].url',
    },
    {
      name: 'service: url without a tag',
      owner: 'service',
      tt: { latestRevision: true, percent: 100, url: 'http://hello.default.example.com' },
      want: 'must not set the field(s): spec.traffic[0].url',
      field: 'spec.traffic[0].url',
    },
    { name: 'empty url is unset', tt: { revisionName: 'bar', percent: 100, url: '' } },
  ];
  it.each(cases)('$name', ({ tt, owner, want, field }) => {
    // A bad percent also breaks the sum; that rule is covered by the block table below.
    const errs = validateTraffic([tt], owner ?? 'route').filter((e) => e.field !== 'spec.traffic');
    if (want === undefined) {
      expect(errs).toEqual([]);
    } else {
      expect(errs).toHaveLength(1);
      const e = errs[0] as TrafficValidationError;
      expect(e).toBeInstanceOf(TrafficValidationError);
      expect(e.message.startsWith(want)).toBe(true);
      expect(e.field).toBe(field);
    }
  });
});

describe('validateTraffic: whole blocks', () => {
  const cases: { name: string; traffic: TrafficTarget[]; owner?: TrafficOwner; want: string[] }[] = [
    {
      name: 'valid canary split',
      traffic: [
        { tag: 'prod', revisionName: 'foo', percent: 90 },
        { tag: 'experiment', configurationName: 'bar', percent: 10 },
      ],
      want: [],
    },
    {
      name: 'valid split without tags',
      traffic: [
        { revisionName: 'foo', percent: 90 },
        { revisionName: 'bar', percent: 10 },
      ],
      want: [],
    },
    {
      name: 'service: pinned pair plus a 0% latest tag',
      owner: 'service',
      traffic: [
        { tag: 'current', latestRevision: false, revisionName: 'valid-00001', percent: 98 },
        { tag: 'candidate', latestRevision: false, revisionName: 'valid-00002', percent: 2 },
        { tag: 'latest', latestRevision: true },
      ],
      want: [],
    },
    { name: 'service: empty block defaults to valid', owner: 'service', traffic: [], want: [] },
    { name: 'route: empty block sums to 0', traffic: [], want: ['Traffic targets sum to 0, want 100: spec.traffic'] },
    {
      name: 'sum 99',
      traffic: [
        { revisionName: 'a', percent: 50 },
        { revisionName: 'b', percent: 49 },
      ],
      want: ['Traffic targets sum to 99, want 100: spec.traffic'],
    },
    {
      name: 'sum 101',
      traffic: [
        { revisionName: 'a', percent: 51 },
        { configurationName: 'c', percent: 50 },
      ],
      want: ['Traffic targets sum to 101, want 100: spec.traffic'],
    },
    {
      name: 'unset percents count as 0',
      traffic: [{ revisionName: 'a', percent: 100 }, { configurationName: 'c' }, { configurationName: 'c' }],
      want: [],
    },
    {
      name: 'duplicate tag',
      traffic: [
        { tag: 'foo', revisionName: 'bar', percent: 50 },
        { tag: 'foo', revisionName: 'bar', percent: 50 },
      ],
      want: ['Multiple definitions for "foo": spec.traffic[0].tag, spec.traffic[1].tag'],
    },
    {
      name: 'tag is not a DNS-1035 label',
      traffic: [{ tag: 'foo@', revisionName: 'bar', percent: 100 }],
      want: [`invalid value: not a DNS 1035 label: [${DNS1035}]: spec.traffic.tag[0]`],
    },
    {
      name: 'tag too long and uppercase',
      traffic: [{ tag: 'A'.repeat(64), revisionName: 'bar', percent: 100 }],
      want: [`invalid value: not a DNS 1035 label: [must be no more than 63 characters ${DNS1035}]: spec.traffic.tag[0]`],
    },
    {
      name: 'several problems are all reported, in check order',
      traffic: [
        { revisionName: 'a', configurationName: 'b', percent: 120, tag: '1abc' },
        { tag: '1abc', revisionName: 'c', percent: 0 },
      ],
      want: [
        'expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
        'expected 0 <= 120 <= 100: spec.traffic[0].percent',
        `invalid value: not a DNS 1035 label: [${DNS1035}]: spec.traffic.tag[0]`,
        `invalid value: not a DNS 1035 label: [${DNS1035}]: spec.traffic.tag[1]`,
        'Multiple definitions for "1abc": spec.traffic[0].tag, spec.traffic[1].tag',
        'Traffic targets sum to 120, want 100: spec.traffic',
      ],
    },
  ];
  it.each(cases)('$name', ({ traffic, owner, want }) => {
    expect(validateTraffic(traffic, owner ?? 'route').map((e) => e.message)).toEqual(want);
  });

  it('names the later duplicate as the field', () => {
    const [e] = validateTraffic(
      [
        { tag: 'x', revisionName: 'a', percent: 50 },
        { revisionName: 'b', percent: 0 },
        { tag: 'x', revisionName: 'c', percent: 50 },
      ],
      'route',
    );
    expect(e?.field).toBe('spec.traffic[2].tag');
    expect(e?.paths).toEqual(['spec.traffic[0].tag', 'spec.traffic[2].tag']);
  });
});

describe('assertValidTraffic', () => {
  it('returns the defaulted block when valid', () => {
    expect(assertValidTraffic([{ configurationName: 'c', percent: 100 }], 'route')).toEqual([
      { tag: '', revisionName: '', configurationName: 'c', latestRevision: true, percent: 100 },
    ]);
  });
  const rejects: { name: string; traffic: TrafficTarget[]; field: string }[] = [
    { name: 'sum 99', traffic: [{ revisionName: 'a', percent: 99 }], field: 'spec.traffic' },
    {
      name: 'duplicate tag',
      traffic: [
        { tag: 't', revisionName: 'a', percent: 60 },
        { tag: 't', revisionName: 'b', percent: 40 },
      ],
      field: 'spec.traffic[1].tag',
    },
    { name: 'bad tag', traffic: [{ tag: 'Bad_Tag', revisionName: 'a', percent: 100 }], field: 'spec.traffic.tag[0]' },
    {
      name: 'both names',
      traffic: [{ revisionName: 'a', configurationName: 'c', percent: 100 }],
      field: 'spec.traffic[0].revisionName',
    },
  ];
  it.each(rejects)('throws TrafficValidationError: $name', ({ traffic, field }) => {
    let caught: unknown;
    try {
      assertValidTraffic(traffic, 'route');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrafficValidationError);
    expect((caught as TrafficValidationError).field).toBe(field);
    expect((caught as Error).message).not.toContain('\n');
  });
});

describe('makeRouteTraffic', () => {
  it('points unpinned targets at the service configuration', () => {
    expect(
      makeRouteTraffic('hello', [
        { revisionName: 'hello-00001', percent: 80 },
        { tag: 'canary', percent: 20 },
      ]),
    ).toEqual([
      { tag: '', revisionName: 'hello-00001', configurationName: '', latestRevision: false, percent: 80 },
      { tag: 'canary', revisionName: '', configurationName: 'hello', latestRevision: true, percent: 20 },
    ]);
  });
  it('defaults an empty block to 100% of the latest revision', () => {
    expect(makeRouteTraffic('hello', [])).toEqual([
      { tag: '', revisionName: '', configurationName: 'hello', latestRevision: true, percent: 100 },
    ]);
  });
  it('rejects a configurationName inside a service', () => {
    expect(() => makeRouteTraffic('hello', [{ configurationName: 'x', percent: 100 }])).toThrow(TrafficValidationError);
  });
});

describe('name checks', () => {
  it.each([
    ['my-name', 0],
    ['abc-123', 0],
    ['a', 0],
    ['1abc', 1],
    ['abc-', 1],
    ['Abc', 1],
    ['a'.repeat(63), 0],
    ['a'.repeat(64), 1],
    ['', 1],
  ] as const)('dns1035LabelErrors(%j) has %i problems', (v, n) => {
    expect(dns1035LabelErrors(v)).toHaveLength(n);
  });
  it.each([
    ['MyName', 0],
    ['my.name', 0],
    ['123-abc', 0],
    ['example.com/MyName', 0],
    ['b ar', 1],
    ['/x', 1],
    ['a/b/c', 1],
    ['-a', 1],
    ['a'.repeat(64), 1],
  ] as const)('qualifiedNameErrors(%j) has %i problems', (v, n) => {
    expect(qualifiedNameErrors(v)).toHaveLength(n);
  });
});
