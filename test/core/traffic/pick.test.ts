import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { buildSplit, pickIndex, pickRevision } from '../../../src/core/traffic/pick.js';
import type { WeightedRevision } from '../../../src/core/traffic/types.js';

function w(...pairs: [string, number][]): WeightedRevision[] {
  return pairs.map(([revisionName, percent]) => ({ revisionName, percent }));
}

/** How often each revision is picked over the grid u = (i + 0.5) / n. */
function gridCounts(weights: WeightedRevision[], n: number): Map<string, number> {
  const split = buildSplit(weights);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = pickRevision(split, (i + 0.5) / n);
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return counts;
}

describe('pickRevision proportions on a deterministic grid', () => {
  const cases: { name: string; weights: WeightedRevision[]; n: number; want: [string, number][] }[] = [
    { name: 'single revision', weights: w(['a', 100]), n: 1000, want: [['a', 1000]] },
    { name: 'canary 90/10', weights: w(['stable', 90], ['canary', 10]), n: 1000, want: [['stable', 900], ['canary', 100]] },
    {
      name: 'three-way 50/30/20',
      weights: w(['a', 50], ['b', 30], ['c', 20]),
      n: 1000,
      want: [['a', 500], ['b', 300], ['c', 200]],
    },
    {
      name: 'rollout shape 99/1',
      weights: w(['old', 99], ['new', 1]),
      n: 1000,
      want: [['old', 990], ['new', 10]],
    },
    {
      name: 'zero-percent targets are never picked',
      weights: w(['zero-first', 0], ['a', 70], ['zero-mid', 0], ['b', 30], ['zero-last', 0]),
      n: 1000,
      want: [['a', 700], ['b', 300]],
    },
    {
      name: 'a revision listed twice adds up',
      weights: w(['a', 40], ['b', 20], ['a', 40]),
      n: 1000,
      want: [['a', 800], ['b', 200]],
    },
    {
      name: 'eleven 1% slivers and a big one',
      weights: [...Array.from({ length: 11 }, (_, i) => ({ revisionName: `r${i}`, percent: 1 })), { revisionName: 'big', percent: 89 }],
      n: 100,
      want: [...Array.from({ length: 11 }, (_, i): [string, number] => [`r${i}`, 1]), ['big', 89]],
    },
    {
      name: 'non-100 totals are normalised',
      weights: w(['a', 3], ['b', 1]),
      n: 1000,
      want: [['a', 750], ['b', 250]],
    },
  ];
  it.each(cases)('$name', ({ weights, n, want }) => {
    expect([...gridCounts(weights, n)]).toEqual(want);
  });
});

describe('pickRevision boundaries', () => {
  const split = buildSplit(w(['a', 25], ['b', 0], ['c', 50], ['d', 25]));
  it.each([
    [0, 'a'],
    [0.2499999, 'a'],
    [0.25, 'c'],
    [0.7499999, 'c'],
    [0.75, 'd'],
    [1 - Number.EPSILON / 2, 'd'],
  ] as const)('u=%d → %s', (u, want) => {
    expect(pickRevision(split, u)).toBe(want);
  });
  it('is deterministic for a given u', () => {
    const us = [0.1, 0.33, 0.5, 0.9];
    expect(us.map((u) => pickRevision(split, u))).toEqual(us.map((u) => pickRevision(split, u)));
    expect(pickIndex(split, 0.5)).toBe(1);
  });
  it('keeps only positive weights in the table', () => {
    expect(split.revisions).toEqual(['a', 'c', 'd']);
    expect(split.cumulative).toEqual([25, 75, 100]);
    expect(split.total).toBe(100);
  });
});

describe('rejections', () => {
  const split = buildSplit(w(['a', 100]));
  it.each([Number.NaN, -0.1, 1, 1.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('u=%d throws', (u) => {
    expect(() => pickRevision(split, u)).toThrow(InvalidArgumentError);
  });
  const bad: { name: string; weights: WeightedRevision[] }[] = [
    { name: 'empty', weights: [] },
    { name: 'all zero', weights: w(['a', 0], ['b', 0]) },
    { name: 'negative', weights: w(['a', 110], ['b', -10]) },
    { name: 'NaN', weights: w(['a', Number.NaN]) },
    { name: 'infinite', weights: w(['a', Number.POSITIVE_INFINITY]) },
    { name: 'empty revision name', weights: w(['', 100]) },
  ];
  it.each(bad)('buildSplit rejects $name', ({ weights }) => {
    expect(() => buildSplit(weights)).toThrow(InvalidArgumentError);
  });
  it('does not modify its input', () => {
    const input = Object.freeze(w(['a', 60], ['b', 40]).map((x) => Object.freeze(x)));
    const s = buildSplit(input);
    expect(pickRevision(s, 0.7)).toBe('b');
    expect(input).toEqual(w(['a', 60], ['b', 40]));
  });
});
