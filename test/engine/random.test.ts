import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ExponentialDraws, RandomStream } from '../../src/engine/random.js';

describe('RandomStream', () => {
  // The stream steps alea itself (no closure call per draw); its draws must stay seedrandom's, bit for bit.
  it.each([
    [1, 'client/steady-load'],
    [42, 'activator/phases'],
    ['seed-as-string', 'pods/start'],
    [0, ''],
  ])('draws exactly what seedrandom.alea("%s/%s") does, for 200 000 draws', (seed, name) => {
    const ours = new RandomStream(seed, name);
    const theirs = seedrandom.alea(`${seed}/${name}`);
    let mismatches = 0;
    let firstMismatch = -1;
    for (let i = 0; i < 200_000; i++) {
      if (ours.next() !== theirs()) {
        mismatches++;
        if (firstMismatch < 0) firstMismatch = i;
      }
    }
    expect({ mismatches, firstMismatch }).toEqual({ mismatches: 0, firstMismatch: -1 });
  });

  it('derives exponential, uniform and int draws from those uniforms', () => {
    const ours = new RandomStream(7, 'mix');
    const theirs = seedrandom.alea('7/mix');
    expect(ours.exponential(0.001)).toBe(-0.001 * Math.log(1 - theirs()));
    expect(ours.uniform(2, 5)).toBe(2 + 3 * theirs());
    expect(ours.int(10)).toBe(Math.floor(theirs() * 10));
    expect(ours.next()).toBe(theirs());
  });
});

describe('ExponentialDraws', () => {
  it('gives bit for bit the stream\'s exponential draws, for changing means, across 4 batches', () => {
    const batched = new ExponentialDraws(new RandomStream(3, 'client/load'));
    const direct = new RandomStream(3, 'client/load');
    const means = [0.001, 1 / 3, 2.5, 1e-6];
    let mismatches = 0;
    for (let k = 0; k < 1000; k++) {
      const mean = means[k % means.length]!;
      if (batched.next(mean) !== direct.exponential(mean)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
