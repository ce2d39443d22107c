/**
 * A sweep's run is the run `knsim run --set … --seed …` makes: each row of runs.csv has the
 * metrics of a single run of that point's settings with that replication's seed.
 */
import { describe, expect, it } from 'vitest';
import { metricsOf } from '../../src/output/metrics.js';
import { summarizeWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/index.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { roundMetrics, runSweep, seedFor } from '../../src/sweep/sweep.js';

const FILE = 'scenarios/hello-world.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('a sweep run and a single run of its settings and seed', () => {
  it('give the same metrics, for both seed modes (hello-world, closed loop, containerConcurrency 1 and 4)', async () => {
    for (const seeds of ['common', 'independent'] as const) {
      const { def } = defineSweep({ file: FILE, axes: parseAxes([`${CC}=1,4`], '--grid'), replications: 2, seeds, durationSeconds: 90 });
      const { runs } = await runSweep({ file: FILE, def, points: [0, 1], runner: createRunner(1) });
      expect(runs).toHaveLength(4);
      for (const run of runs) {
        const seed = seedFor(def, run.point, run.replication);
        const cc = [1, 4][run.point]!;
        const single = summarizeWorld(loadScenario(FILE, { sets: [`${CC}=${cc}`], seed, durationSeconds: 90 }).world);
        expect(single.overall.requests.total).toBeGreaterThan(500);
        expect(run.metrics, `${seeds} point ${run.point} replication ${run.replication}`).toEqual(roundMetrics(metricsOf(single)));
      }
    }
  });
});
