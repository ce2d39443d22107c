/**
 * The tuner's intervals are the sweep's: with 5 replications the bootstrap's interval
 * depends on its resamples, which both must draw from the sweep's base seed, so a point's
 * tune.csv row (and its SLO verdict) equals its sweep.csv row.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { parseSlo, tune } from '../../src/sweep/tune.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('tuner intervals', () => {
  it('equal a sweep of the same points with the same seeds (bootstrap seeded by the base seed)', async () => {
    const axes = parseAxes([`${CC}=4,6`], '--space');
    const { def } = defineSweep({ file: FILE, axes, replications: 5, durationSeconds: 60, flag: '--space' });
    const sweep = await runSweep({ file: FILE, def, points: [0, 1], runner: createRunner(1) });
    const byKey = new Map(sweep.runs.map((r) => [`${r.point}/${r.replication}`, r.metrics]));
    const result = await tune({
      axes,
      slos: [parseSlo('p95<=2500ms')],
      objective: 'pod_seconds',
      replications: 5,
      seed: def.baseSeed,
      evaluate: async (pairs) => pairs.map(([p, r]) => byKey.get(`${p}/${r}`)!),
    });
    expect(result.explored.map((p) => p.point)).toEqual([0, 1]);
    for (const p of result.explored) {
      const s = sweep.points.find((q) => q.point === p.point)!;
      expect(p.replications).toBe(5);
      // p95 of point 1 (containerConcurrency 6): the sweep says [944.2294, 1442.4054].
      expect(p.metrics).toEqual(s.metrics);
    }
    expect(result.explored[1]!.metrics.p95_ms.lo).toBe(944.2294);
  });
});
