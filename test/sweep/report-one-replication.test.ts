/**
 * A sweep of one replication per point has no intervals: its charts leave the bands and
 * whiskers out instead of asking vega to draw empty layers, which printed two dozen
 * "chart warning: … Infinite extent for field …" lines on stderr for a valid sweep.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { createRunner } from '../../src/sweep/pool.js';
import { sweepCharts } from '../../src/sweep/report/charts.js';
import { writeSweepReport } from '../../src/sweep/report/report.js';
import { runSweep } from '../../src/sweep/sweep.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

describe('sweep report with one replication', () => {
  for (const grid of [[`${CC}=1..3`], [`${CC}=1..3`, 'configMaps.config-autoscaler.stable-window=30s,60s']]) {
    it(`renders without warnings and promises no interval (${grid.length} ax${grid.length === 1 ? 'is' : 'es'})`, async () => {
      const { def } = defineSweep({ file: FILE, axes: parseAxes(grid, '--grid'), replications: 1, durationSeconds: 30 });
      const points = [...Array(grid.length === 1 ? 3 : 6).keys()];
      const results = await runSweep({ file: FILE, def, points, runner: createRunner(1) });
      expect(results.points[0]!.metrics.p99_ms.lo).toBeNull();
      const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-r1-'));
      const written = await writeSweepReport(dir, def, results.points);
      expect(written.warnings).toEqual([]);
      // No point has an interval, so no word, tooltip or subtitle may promise one (they said "95 %").
      for (const p of results.points) for (const m of Object.values(p.metrics)) expect([m.lo, m.hi]).toEqual([null, null]);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Each metric is the value of the one replication, with no interval (an interval needs at least 2 replications).');
      expect(html).not.toContain('confidence interval in brackets');
      for (const c of sweepCharts(def.axes, results.points, def.seeds)) {
        const text = `${c.explanation} ${JSON.stringify(c.spec)}`;
        expect(text, c.id).not.toMatch(/95 %|range of the 1 replication/);
        expect(text, c.id).not.toMatch(/"field":"(lo|hi)","title"/);
        if (c.id === 'lines') {
          expect(c.explanation).toContain('no band: with one replication per point there is no interval (it needs at least 2)');
          expect(c.explanation).not.toContain('its band');
        }
        if (c.id.startsWith('heatmap')) expect(c.explanation).toContain('(hover for its value; one replication per point has no interval).');
      }
    }, 120_000);
  }
});
