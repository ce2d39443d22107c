import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import {
  isValidRollout,
  observeReady,
  rolloutDone,
  rolloutsByTag,
  stepRollout,
} from '../../../src/core/traffic/rollout.js';
import type { ConfigurationRollout, Rollout, RolloutParams } from '../../../src/core/traffic/types.js';

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** A configuration rollout: revisions as [name, percent] pairs. */
function cfg(
  configurationName: string,
  percent: number,
  revs: [string, number][],
  stepParams: RolloutParams = {},
  tag = '',
): ConfigurationRollout {
  return {
    configurationName,
    tag,
    percent,
    revisions: revs.map(([revisionName, p]) => ({ revisionName, percent: p })),
    stepParams,
  };
}

function rollout(...configurations: ConfigurationRollout[]): Rollout {
  return { configurations };
}

describe('stepRollout (upstream Rollout.Step)', () => {
  const now = 2020;
  const cases: { name: string; cur: Rollout; prev: Rollout | undefined; want: Rollout; next?: number }[] = [
    { name: 'no previous state', cur: rollout(), prev: undefined, want: rollout() },
    {
      name: 'previous has no revisions',
      cur: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
      prev: rollout(cfg('mick', 100, [])),
      want: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
    },
    {
      name: 'same revision: steady state, current step params dropped',
      cur: rollout(cfg('mick', 100, [['let-it-bleed', 100]], { nextStepTime: 2009, stepDuration: 2020, startTime: 2004, stepSize: 14 })),
      prev: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
      want: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
    },
    {
      name: 'a due step moves stepSize',
      cur: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
      prev: rollout(
        cfg('mick', 100, [['their-satanic-majesties-request', 95], ['let-it-bleed', 5]], {
          nextStepTime: 2019,
          stepDuration: 5,
          startTime: 2004,
          stepSize: 3,
        }),
      ),
      want: rollout(
        cfg('mick', 100, [['their-satanic-majesties-request', 92], ['let-it-bleed', 8]], {
          nextStepTime: now + 5,
          stepDuration: 5,
          startTime: 2004,
          stepSize: 3,
        }),
      ),
      next: now + 5,
    },
    {
      name: 'two configurations step; result sorted; next step is the earlier one',
      cur: rollout(cfg('mick', 42, [['let-it-bleed', 42]]), cfg('keith', 52, [['beggars-banquet', 52]])),
      prev: rollout(
        cfg('mick', 42, [['their-satanic-majesties-request', 37], ['let-it-bleed', 5]], {
          nextStepTime: 2019,
          stepDuration: 43,
          startTime: 1961,
          stepSize: 3,
        }),
        cfg('keith', 52, [['sticky-fingers', 36], ['beggars-banquet', 16]], {
          nextStepTime: 2018,
          stepDuration: 55,
          startTime: 1971,
          stepSize: 4,
        }),
      ),
      want: rollout(
        cfg('keith', 52, [['sticky-fingers', 32], ['beggars-banquet', 20]], {
          nextStepTime: now + 55,
          stepDuration: 55,
          startTime: 1971,
          stepSize: 4,
        }),
        cfg('mick', 42, [['their-satanic-majesties-request', 34], ['let-it-bleed', 8]], {
          nextStepTime: now + 43,
          stepDuration: 43,
          startTime: 1961,
          stepSize: 3,
        }),
      ),
      next: now + 43,
    },
    {
      name: 'one configuration steps while another starts a new rollout',
      cur: rollout(cfg('mick', 42, [['let-it-bleed', 42]]), cfg('keith', 52, [['tattoo-you', 52]])),
      prev: rollout(
        cfg('mick', 42, [['their-satanic-majesties-request', 37], ['let-it-bleed', 5]], {
          nextStepTime: 2019,
          stepDuration: 43,
          startTime: 1961,
          stepSize: 3,
        }),
        cfg('keith', 52, [['sticky-fingers', 36], ['beggars-banquet', 16]], {
          nextStepTime: 2018,
          stepDuration: 55,
          startTime: 1971,
          stepSize: 4,
        }),
      ),
      want: rollout(
        cfg('keith', 52, [['sticky-fingers', 36], ['beggars-banquet', 15], ['tattoo-you', 1]], { startTime: now }),
        cfg('mick', 42, [['their-satanic-majesties-request', 34], ['let-it-bleed', 8]], {
          nextStepTime: now + 43,
          stepDuration: 43,
          startTime: 1961,
          stepSize: 3,
        }),
      ),
      next: now + 43,
    },
    {
      name: 'no step plan yet (ingress not ready): nothing moves',
      cur: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
      prev: rollout(cfg('mick', 100, [['their-satanic-majesties-request', 95], ['let-it-bleed', 5]], { startTime: 2004 })),
      want: rollout(cfg('mick', 100, [['their-satanic-majesties-request', 95], ['let-it-bleed', 5]], { startTime: 2004 })),
    },
    {
      name: 'configuration down to 0%: dropped',
      cur: rollout(cfg('charlie', 0, [['aftermath', 0]])),
      prev: rollout(cfg('charlie', 100, [['your-satanic-majesties-request', 100]])),
      want: rollout(),
    },
    {
      name: 'new configuration at 0%: ignored',
      cur: rollout(cfg('charlie', 0, [['aftermath', 0]]), cfg('mick', 100, [['between-the-buttons', 100]])),
      prev: rollout(cfg('mick', 100, [['between-the-buttons', 100]])),
      want: rollout(cfg('mick', 100, [['between-the-buttons', 100]])),
    },
    {
      name: 'new revision starts a rollout at 1%, old plan thrown away',
      cur: rollout(cfg('mick', 100, [['let-it-bleed', 100]])),
      prev: rollout(cfg('mick', 100, [['goat-head-soup', 100]], { nextStepTime: 1984, startTime: 1981, stepDuration: 1988, stepSize: 11 })),
      want: rollout(cfg('mick', 100, [['goat-head-soup', 99], ['let-it-bleed', 1]], { startTime: now })),
    },
    {
      name: 'new revision while the total drops 42 → 33 (taken from the oldest)',
      cur: rollout(cfg('mick', 33, [['let-it-bleed', 33]])),
      prev: rollout(cfg('mick', 42, [['goat-head-soup', 11], ['aftermath', 31]])),
      want: rollout(cfg('mick', 33, [['goat-head-soup', 2], ['aftermath', 30], ['let-it-bleed', 1]], { startTime: now })),
    },
    {
      name: 'new revision while the total rises 25 → 75 (given to the newest)',
      cur: rollout(cfg('mick', 75, [['let-it-bleed', 75]])),
      prev: rollout(cfg('mick', 25, [['goat-head-soup', 11], ['aftermath', 14]])),
      want: rollout(cfg('mick', 75, [['goat-head-soup', 11], ['aftermath', 63], ['let-it-bleed', 1]], { startTime: now })),
    },
    {
      name: 'configuration below 100% of the route',
      cur: rollout(cfg('brian', 70, [['let-it-bleed', 70]])),
      prev: rollout(cfg('brian', 70, [['exile-on-main-st', 70]])),
      want: rollout(cfg('brian', 70, [['exile-on-main-st', 69], ['let-it-bleed', 1]], { startTime: now })),
    },
    {
      name: 'new revision mid-rollout: the newest previous one gives up 1%',
      cur: rollout(cfg('mick', 100, [['sticky-fingers', 100]])),
      prev: rollout(cfg('mick', 100, [['goat-head-soup', 95], ['beggars-banquet', 5]], { startTime: now - 1982 })),
      want: rollout(cfg('mick', 100, [['goat-head-soup', 95], ['beggars-banquet', 4], ['sticky-fingers', 1]], { startTime: now })),
    },
    {
      name: 'two fast rolls: a revision at 1% drops out',
      cur: rollout(cfg('mick', 100, [['between-the-buttons', 100]])),
      prev: rollout(cfg('mick', 100, [['goat-head-soup', 99], ['bridges-to-babylon', 1]], { startTime: now - 1984 })),
      want: rollout(cfg('mick', 100, [['goat-head-soup', 99], ['between-the-buttons', 1]], { startTime: now })),
    },
    {
      name: 'a 1% configuration switches at once',
      cur: rollout(cfg('mick', 1, [['between-the-buttons', 1]])),
      prev: rollout(cfg('mick', 1, [['bridges-to-babylon', 1]])),
      want: rollout(cfg('mick', 1, [['between-the-buttons', 1]])),
    },
    {
      name: 'a new tag has nothing to roll from',
      cur: rollout(cfg('mick', 100, [['black-on-blue', 100]]), cfg('mick', 100, [['black-on-blue', 100]], {}, 'jagger')),
      prev: rollout(cfg('mick', 100, [['black-on-blue', 100]])),
      want: rollout(cfg('mick', 100, [['black-on-blue', 100]]), cfg('mick', 100, [['black-on-blue', 100]], {}, 'jagger')),
    },
    {
      name: 'a removed configuration is dropped',
      cur: rollout(cfg('mick', 100, [["it's-only-rock-n-roll", 100]])),
      prev: rollout(cfg('keith', 50, [['black-on-blue', 50]]), cfg('mick', 50, [["it's-only-rock-n-roll", 50]])),
      want: rollout(cfg('mick', 100, [["it's-only-rock-n-roll", 100]])),
    },
    {
      name: 'A/B: the 99% side rolls, the 1% side switches',
      cur: rollout(cfg('keith', 99, [['black-on-blue', 99]]), cfg('mick', 1, [["it's-only-rock-n-roll", 1]])),
      prev: rollout(cfg('keith', 99, [["can't-get-no-satisfaction", 99]]), cfg('mick', 1, [['get-off-my-cloud', 1]])),
      want: rollout(
        cfg('keith', 99, [["can't-get-no-satisfaction", 98], ['black-on-blue', 1]], { startTime: now }),
        cfg('mick', 1, [["it's-only-rock-n-roll", 1]]),
      ),
    },
    {
      name: 'a newly added configuration (sorting before) is kept as is',
      cur: rollout(cfg('keith', 50, [['black-on-blue', 50]]), cfg('mick', 50, [["it's-only-rock-n-roll", 50]])),
      prev: rollout(cfg('mick', 100, [["it's-only-rock-n-roll", 100]])),
      want: rollout(cfg('keith', 50, [['black-on-blue', 50]]), cfg('mick', 50, [["it's-only-rock-n-roll", 50]])),
    },
    {
      name: 'a newly added configuration (sorting after) is kept as is',
      cur: rollout(cfg('keith', 50, [['black-on-blue', 50]]), cfg('mick', 50, [["it's-only-rock-n-roll", 50]])),
      prev: rollout(cfg('keith', 100, [['black-on-blue', 100]])),
      want: rollout(cfg('keith', 50, [['black-on-blue', 50]]), cfg('mick', 50, [["it's-only-rock-n-roll", 50]])),
    },
  ];
  it.each(cases)('$name', ({ cur, prev, want, next }) => {
    const snapshot = JSON.stringify([cur, prev]);
    const got = stepRollout(deepFreeze(cur), deepFreeze(prev), now);
    expect(got.rollout).toEqual(want);
    expect(got.nextStepTime).toBe(next);
    expect(isValidRollout(got.rollout)).toBe(true);
    expect(JSON.stringify([cur, prev])).toBe(snapshot);
  });
});

describe('stepRollout: one configuration stepping (upstream stepRevisions)', () => {
  const cases: {
    name: string;
    now: number;
    percent: number;
    revs: number[];
    params: RolloutParams;
    want: number[];
    wantParams: RolloutParams;
  }[] = [
    {
      name: 'too soon: nothing moves',
      now: 1982,
      percent: 75,
      revs: [10, 5, 60],
      params: { nextStepTime: 1984, stepSize: 10, stepDuration: 3 },
      want: [10, 5, 60],
      wantParams: { nextStepTime: 1984, stepSize: 10, stepDuration: 3 },
    },
    {
      name: 'exactly on time',
      now: 1984,
      percent: 90,
      revs: [30, 60],
      params: { nextStepTime: 1984, stepSize: 10, stepDuration: 55 },
      want: [20, 70],
      wantParams: { nextStepTime: 1984 + 55, stepSize: 10, stepDuration: 55 },
    },
    {
      name: 'late, draining two small revisions',
      now: 1988,
      percent: 90,
      revs: [22, 5, 3, 60],
      params: { nextStepTime: 1984, stepSize: 10, stepDuration: 55 },
      want: [20, 70],
      wantParams: { nextStepTime: 1988 + 55, stepSize: 10, stepDuration: 55 },
    },
    {
      name: 'step larger than what is left: capped, rollout over',
      now: 1988,
      percent: 15,
      revs: [5, 1, 1, 8],
      params: { nextStepTime: 1984, stepSize: 10, stepDuration: 77 },
      want: [15],
      wantParams: {},
    },
    {
      name: 'the very last step clears the plan',
      now: 2006,
      percent: 15,
      revs: [5, 1, 1, 8],
      params: { nextStepTime: 1984, startTime: 1977, stepDuration: 77, stepSize: 8 },
      want: [15],
      wantParams: {},
    },
  ];
  it.each(cases)('$name', ({ now, percent, revs, params, want, wantParams }) => {
    const names = revs.map((_, i) => `r${i}`);
    const newest = names[names.length - 1] as string;
    const prev = rollout(cfg('c', percent, revs.map((p, i) => [names[i] as string, p]), params));
    const cur = rollout(cfg('c', percent, [[newest, percent]]));
    const got = stepRollout(cur, prev, now).rollout.configurations[0];
    expect(got?.revisions.map((r) => r.percent)).toEqual(want);
    expect(got?.revisions[got.revisions.length - 1]?.revisionName).toBe(newest);
    expect(got?.stepParams).toEqual(wantParams);
  });
});

describe('stepRollout: total percent changes mid-rollout (upstream adjustPercentage)', () => {
  const cases: { name: string; from: number; to: number; revs: number[]; want: number[] }[] = [
    { name: 'no change, 100%', from: 100, to: 100, revs: [71, 29], want: [71, 29] },
    { name: 'no change, 42%', from: 42, to: 42, revs: [21, 21], want: [21, 21] },
    { name: 'raise 42 → 75 goes to the newest', from: 42, to: 75, revs: [21, 21], want: [21, 54] },
    // Upstream would index past the trimmed list here (a panic); we keep the newest.
    { name: 'lower 75 → 42 drops the oldest', from: 75, to: 42, revs: [21, 54], want: [42] },
    { name: 'lower 75 → 42: drop one, trim one, keep one', from: 75, to: 42, revs: [21, 22, 32], want: [10, 32] },
    { name: 'lower 75 → 42: drop two, trim the newest', from: 75, to: 42, revs: [10, 5, 60], want: [42] },
  ];
  it.each(cases)('$name', ({ from, to, revs, want }) => {
    const names = revs.map((_, i) => `r${i}`);
    const newest = names[names.length - 1] as string;
    // A plan without a step size: only the percentage adjustment applies.
    const prev = rollout(cfg('c', from, revs.map((p, i) => [names[i] as string, p]), { startTime: 1 }));
    const got = stepRollout(rollout(cfg('c', to, [[newest, to]])), prev, 5).rollout.configurations[0];
    expect(got?.revisions.map((r) => r.percent)).toEqual(want);
    expect(got?.percent).toBe(to);
  });
  it('a change to 0% ends the rollout', () => {
    const prev = rollout(cfg('c', 75, [['a', 10], ['b', 5], ['c', 60]], { startTime: 1, stepSize: 5, stepDuration: 2, nextStepTime: 3 }));
    expect(stepRollout(rollout(cfg('c', 0, [['c', 0]])), prev, 5)).toEqual({ rollout: rollout(), nextStepTime: undefined });
  });
});

describe('observeReady (upstream computeProperties)', () => {
  const now = 1000;
  const duration = 120;
  const cases: { name: string; percent: number; params: RolloutParams; want: RolloutParams }[] = [
    { name: 'already planned: unchanged', percent: 100, params: { stepDuration: 11 }, want: { stepDuration: 11 } },
    { name: 'not started: unchanged', percent: 100, params: {}, want: {} },
    {
      name: 'first 1% took under a second: 99 steps of 1%',
      percent: 100,
      params: { startTime: now - 1.982e-6 },
      // (120 s − 1 s) / 99, truncated to whole nanoseconds.
      want: { startTime: now - 1.982e-6, stepDuration: 1.202020202, stepSize: 1, nextStepTime: now + 1.202020202 },
    },
    {
      name: 'first 1% took 2.4 s: 39 steps of 3 s, 3% each',
      percent: 100,
      params: { startTime: now - 2.400252014 },
      want: { startTime: now - 2.400252014, stepDuration: 3, stepSize: 3, nextStepTime: now + 3 },
    },
    {
      name: '75%: step size rounds up to 2',
      percent: 75,
      params: { startTime: now - 2.400252014 },
      want: { startTime: now - 2.400252014, stepDuration: 3, stepSize: 2, nextStepTime: now + 3 },
    },
    {
      name: '50%: step size rounds down to 1',
      percent: 50,
      params: { startTime: now - 2.400252014 },
      want: { startTime: now - 2.400252014, stepDuration: 3, stepSize: 1, nextStepTime: now + 3 },
    },
    {
      name: 'first 1% took longer than the whole duration: one final 1 s step',
      percent: 13,
      params: { startTime: now - 200.605170208 },
      want: { startTime: now - 200.605170208, stepDuration: 1, stepSize: 12, nextStepTime: now + 1 },
    },
    {
      name: 'exactly 2 s elapsed despite float noise',
      percent: 100,
      params: { startTime: 8.1 },
      // 10.1 − 8.1 is 2.0000000000000004 in floating point; Knative's nanoseconds say 2.
      want: { startTime: 8.1, stepDuration: 2, stepSize: 2, nextStepTime: 10.1 + 2 },
    },
  ];
  it.each(cases)('$name', ({ name, percent, params, want }) => {
    const at = name.startsWith('exactly') ? 10.1 : now;
    const input = deepFreeze(rollout(cfg('c', percent, [['a', percent - 1], ['b', 1]], params)));
    const got = observeReady(input, at, duration).configurations[0];
    expect(got?.stepParams).toEqual(want);
    expect(got?.revisions).toEqual(input.configurations[0]?.revisions);
  });
  it.each([
    ['NaN now', Number.NaN, 120],
    ['zero duration', 5, 0],
    ['negative duration', 5, -1],
  ] as const)('rejects %s', (_n, t, d) => {
    expect(() => observeReady(rollout(), t, d)).toThrow(InvalidArgumentError);
  });
});

describe('isValidRollout (upstream Rollout.Validate)', () => {
  const cases: { name: string; r: Rollout; want: boolean }[] = [
    { name: 'steady state', r: rollout(cfg('keith', 100, [['a', 100]])), want: true },
    { name: 'mid-rollout', r: rollout(cfg('keith', 100, [['a', 83], ['b', 17]], { stepSize: 5 })), want: true },
    { name: 'configuration over 100%', r: rollout(cfg('keith', 101, [['a', 101]])), want: false },
    { name: 'step larger than total', r: rollout(cfg('keith', 71, [['a', 71]], { stepSize: 75 })), want: false },
    { name: 'negative step', r: rollout(cfg('keith', 71, [['a', 71]], { stepSize: -1 })), want: false },
    { name: 'revision more than configuration', r: rollout(cfg('keith', 42, [['a', 43]])), want: false },
    { name: 'revisions sum over configuration', r: rollout(cfg('keith', 42, [['a', 41], ['b', 3]])), want: false },
    {
      name: 'second configuration over 100%',
      r: rollout(cfg('rob', 10, [['roy', 10]]), cfg('keith', 101, [['a', 101]], {}, 'richards')),
      want: false,
    },
    { name: 'fractional percent', r: rollout(cfg('keith', 50.5, [['a', 50.5]])), want: false },
    { name: 'NaN start time', r: rollout(cfg('keith', 50, [['a', 50]], { startTime: Number.NaN })), want: false },
  ];
  it.each(cases)('$name → $want', ({ r, want }) => {
    expect(isValidRollout(r)).toBe(want);
  });
});

describe('rolloutDone and rolloutsByTag', () => {
  const r = rollout(
    cfg('nil', 100, []),
    cfg('one', 100, [['roy', 100]]),
    cfg('no', 0, []),
    cfg('many', 100, [['black-on-blue', 83], ['flowers', 17]]),
  );
  it('is done only when every configuration has at most one revision', () => {
    expect(rolloutDone(r)).toBe(false);
    expect(rolloutDone(rollout(...r.configurations.slice(0, 3)))).toBe(true);
    expect(rolloutDone(rollout())).toBe(true);
  });
  it('selects by tag', () => {
    const t = rollout(
      cfg('one', 50, [['rob', 10], ['roy', 40]]),
      cfg('three', 10, [['forty-two', 5], ['flowers', 5]]),
      cfg('two', 40, [['wish', 40]]),
      cfg('two', 100, [['wish', 100]], {}, 'gilberto'),
      cfg('three', 100, [['forty-two', 60], ['flowers', 40]], {}, 'jobim'),
    );
    expect(rolloutsByTag(t, '').map((c) => c.configurationName)).toEqual(['one', 'three', 'two']);
    expect(rolloutsByTag(t, 'gilberto').map((c) => c.configurationName)).toEqual(['two']);
    expect(rolloutsByTag(t, 'jobim').map((c) => c.revisions.length)).toEqual([2]);
    expect(rolloutsByTag(t, 'nyaful')).toEqual([]);
  });
});

describe('stepRollout input checks', () => {
  it('rejects a non-finite time', () => {
    expect(() => stepRollout(rollout(), rollout(), Number.NaN)).toThrow(InvalidArgumentError);
  });
  it('rejects fractional percents', () => {
    expect(() => stepRollout(rollout(cfg('c', 50.5, [['a', 50.5]])), rollout(cfg('c', 50, [['a', 50]])), 1)).toThrow(
      InvalidArgumentError,
    );
  });
  it('rejects a configuration with traffic but no revision', () => {
    expect(() => stepRollout(rollout(cfg('c', 50, [])), rollout(cfg('c', 50, [['a', 50]])), 1)).toThrow(InvalidArgumentError);
  });
});
