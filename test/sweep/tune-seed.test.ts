/**
 * The tuner seeds its bootstrap intervals with the sweep's base seed. With 5 replications the
 * expanded bootstrap's order statistics are the extreme resample means whatever the seed, so
 * tune-intervals.test.ts cannot tell a tuner that ignores its seed: here 12 replications of
 * synthetic metrics make the interval depend on the resamples.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { bootstrapCI, round6 } from '../../src/sweep/stats.js';
import { parseSlo, tune } from '../../src/sweep/tune.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
// Skewed, as latencies are: the bootstrap's 2.5th/97.5th resample means then move with the seed.
const P95 = [900, 950, 1010, 1030, 1100, 1180, 1200, 1350, 1500, 1900, 2600, 4100];

async function tunedP95(seed: number): Promise<{ lo: number | null; hi: number | null }> {
  const result = await tune({
    axes: parseAxes([`${CC}=4`], '--space'),
    slos: [parseSlo('p95<=5000ms')],
    objective: 'pod_seconds',
    replications: P95.length,
    seed,
    evaluate: async (pairs) => pairs.map(([, r]) => ({ p95_ms: P95[r]!, pod_seconds: 100 + r }) as never),
  });
  return result.explored[0]!.metrics.p95_ms;
}

describe('tuner bootstrap seed', () => {
  it('draws the intervals from its seed, as a sweep with that base seed does', async () => {
    const a = await tunedP95(0);
    const b = await tunedP95(7);
    for (const [got, seed] of [[a, '0'], [b, '7']] as const) {
      const ci = bootstrapCI(P95, seed);
      expect([got.lo, got.hi]).toEqual([round6(ci.lo), round6(ci.hi)].map((v) => expect.closeTo(v, 3)));
    }
    // The two seeds' resamples give different intervals, so a tuner that ignored its seed would fail above.
    expect(a.lo === b.lo && a.hi === b.hi).toBe(false);
  });
});
