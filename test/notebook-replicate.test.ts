/** The notebooks' experiment grid (src/notebook/replicate.ts): its intervals stay where the metric can be. */
import { describe, expect, it } from 'vitest';
import { meanCI, pairedDifferenceCI, runGrid, scenario, tQuantile975 } from '../src/notebook/index.js';

describe('runGrid', () => {
  // Five replications of a short run; the measures are made up per replication to fix the numbers.
  const made = [0, 0, 0, 0, 3];
  let r = 0;
  const [g] = runGrid({
    points: ['hello'],
    scenario: (_p, seed) => scenario('hello-world', { seed, durationSeconds: 5 }),
    measure: () => {
      const v = made[r++ % 5]!;
      return { count: v, shifted: v - 1 };
    },
    replications: 5,
  });

  it('cuts at 0 the interval of a metric none of whose values is negative (a mean of counts cannot be)', () => {
    // mean 0.6, sd √1.8 = 1.342, t(4) = 2.776: 0.6 ± 1.666 would start at −1.066.
    const c = g!.ci.count!;
    expect(c.mean).toBeCloseTo(0.6, 12);
    expect(c.halfWidth).toBeCloseTo((tQuantile975(4) * Math.sqrt(1.8)) / Math.sqrt(5), 12);
    expect(c.lo).toBe(0);
    expect(c.hi).toBeCloseTo(0.6 + c.halfWidth, 12);
  });

  it('leaves the t interval whole for a metric that can be negative', () => {
    const c = g!.ci.shifted!;
    expect(c.mean).toBeCloseTo(-0.4, 12);
    expect(c.lo).toBeCloseTo(-0.4 - c.halfWidth, 12);
    expect(g!.values.shifted).toEqual([-1, -1, -1, -1, 2]);
  });
});

describe('pairedDifferenceCI, exported for the notebooks (notebook 4 compares two grid points seed by seed)', () => {
  it('finds a difference that two overlapping intervals hide, because the points share their seeds', () => {
    // Pod-seconds of notebook 4's CC 5 points at 50 % and 90 %, seeds 1 to 5.
    const at50 = [4256, 4007, 7803, 3252, 3546];
    const at90 = [7942, 7172, 9193, 5843, 6505];
    expect(meanCI(at50).hi).toBeGreaterThan(meanCI(at90).lo); // the intervals overlap …
    const d = pairedDifferenceCI(at90, at50);
    expect(d.mean).toBeCloseTo(2758.2, 9); // … yet 90 % costs more in every seed
    expect(d.lo).toBeGreaterThan(1600);
    expect(d.hi).toBeLessThan(3900);
  });
});
