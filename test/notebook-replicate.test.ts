/** The notebooks' experiment grid (src/notebook/replicate.ts): its intervals stay where the metric can be. */
import { describe, expect, it } from 'vitest';
import { runGrid, scenario, tQuantile975 } from '../src/notebook/index.js';

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
