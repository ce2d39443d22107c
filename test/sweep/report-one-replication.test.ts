/**
 * A sweep of one replication per point has no intervals: its charts leave the bands and
 * whiskers out instead of asking vega to draw empty layers, which printed two dozen
 * "chart warning: … Infinite extent for field …" lines on stderr for a valid sweep.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { writeSweepReport } from '../../src/sweep/report/report.js';
import { runSweep } from '../../src/sweep/sweep.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('sweep report with one replication', () => {
  for (const grid of [[`${CC}=1..3`], [`${CC}=1..3`, 'configMaps.config-autoscaler.stable-window=30s,60s']]) {
    it(`renders without warnings (${grid.length} ax${grid.length === 1 ? 'is' : 'es'})`, async () => {
      const { def } = defineSweep({ file: FILE, axes: parseAxes(grid, '--grid'), replications: 1, durationSeconds: 30 });
      const points = [...Array(grid.length === 1 ? 3 : 6).keys()];
      const results = await runSweep({ file: FILE, def, points, runner: createRunner(1) });
      expect(results.points[0]!.metrics.p99_ms.lo).toBeNull();
      const written = await writeSweepReport(mkdtempSync(join(tmpdir(), 'knsim-sweep-r1-')), def, results.points);
      expect(written.warnings).toEqual([]);
    }, 120_000);
  }
});
