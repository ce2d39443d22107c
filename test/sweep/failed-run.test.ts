/**
 * A run that fails mid-sweep (here: more pods than --max-pods) fails the whole sweep, and
 * its one-line error says which grid point, replication and seed it was: the scenario file
 * alone does not tell a user which of the grid's settings to change.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { ScenarioError } from '../../src/scenario/errors.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('a failed run', () => {
  for (const workers of [1, 2]) {
    it(`names its grid point, replication and seed (${workers} thread${workers === 1 ? '' : 's'})`, async () => {
      const { def } = defineSweep({ file: FILE, axes: parseAxes([`${CC}=4,1`, 'configMaps.config-autoscaler.stable-window=60s'], '--grid'), replications: 2, durationSeconds: 30 });
      const runner = createRunner(workers, { podLimit: 40 });
      try {
        const error = await runSweep({ file: FILE, def, points: [0, 1], runner }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ScenarioError);
        expect((error as Error).message).toMatch(
          /^scenarios\/quickstart\.yaml: services\[0\]: revision hello-00001 .* more than the limit of 40 pods at once \(raise with --max-pods\) \(at point 1: containerConcurrency=1 stable-window=60s, replication 0, seed 42\)$/,
        );
      } finally {
        await runner.close();
      }
    }, 60_000);
  }
});
