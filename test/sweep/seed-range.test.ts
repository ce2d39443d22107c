/**
 * Replication seeds (base + r, or base + 1,000,000 × (point + 1) + r) must stay exact
 * doubles: a base seed that would carry them past 2^53 − 1 is refused as the --seed
 * mistake it is, not as a bad `seed:` field of the scenario the user never wrote.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';

const FILE = 'scenarios/quickstart.yaml';
const axes = parseAxes(['services[0].manifest.spec.template.spec.containerConcurrency=1,2'], '--grid');
const MAX = Number.MAX_SAFE_INTEGER;

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('replication seeds stay exact', () => {
  it('refuses a --seed whose replications pass 2^53 − 1', () => {
    expect(message(() => defineSweep({ file: FILE, axes, seed: MAX, replications: 3 }))).toBe(
      "--seed 9007199254740991: the last replication's seed would be 9007199254740993 (3 replications), past 2^53 − 1 = 9007199254740991, the largest knsim holds exactly; use a smaller --seed",
    );
  });

  it('counts the points with independent seeds', () => {
    expect(message(() => defineSweep({ file: FILE, axes, seed: MAX - 2_000_000, replications: 2, seeds: 'independent' }))).toBe(
      "--seed 9007199252740991: the last replication's seed would be 9007199254740992 (2 points × 2 replications, independent seeds), past 2^53 − 1 = 9007199254740991, the largest knsim holds exactly; use a smaller --seed",
    );
  });

  it('accepts the largest base that fits', () => {
    expect(defineSweep({ file: FILE, axes, seed: MAX - 2, replications: 3 }).def.baseSeed).toBe(MAX - 2);
  });
});
