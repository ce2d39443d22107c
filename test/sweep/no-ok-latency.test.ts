/**
 * Latency metrics are of the 200 responses. A run with none (every request timed out) has
 * no latency: its p50/p95/p99 are empty cells, not 0 ms — 0 ms made a configuration that
 * answered nothing "meet" a latency SLO and win the tune.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { formatRunsCsv } from '../../src/sweep/files.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep, taskFor } from '../../src/sweep/sweep.js';
import { parseSlo, tune } from '../../src/sweep/tune.js';

const FILE = 'scenarios/quickstart.yaml';
const SETS = ['services[0].app.serviceTime={dist: constant, value: 3s}'];
const TIMEOUT = 'services[0].manifest.spec.template.spec.timeoutSeconds';

describe('runs without a 200 response', () => {
  it('have no latency in runs.csv and sweep.csv', async () => {
    const { def } = defineSweep({ file: FILE, axes: parseAxes([`${TIMEOUT}=1,10`], '--grid'), sets: SETS, replications: 2, durationSeconds: 40 });
    const results = await runSweep({ file: FILE, def, points: [0, 1], runner: createRunner(1) });
    const r0 = results.runs[0]!.metrics;
    expect(r0.rate_504).toBe(1);
    expect([r0.p50_ms, r0.p95_ms, r0.p99_ms]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(formatRunsCsv(def, results.runs).split('\n')[1]).toMatch(/^0,0,42,1,,,,0,1,1,/);
    expect(results.points[0]!.metrics.p99_ms.mean).toBeNaN();
    expect(results.points[1]!.metrics.p99_ms.mean).toBeGreaterThan(3000);
  });

  it('never meet a latency SLO: the tuner picks the configuration that answers', async () => {
    const axes = parseAxes([`${TIMEOUT}=1,10`], '--space');
    const { def } = defineSweep({ file: FILE, axes, sets: SETS, replications: 2, durationSeconds: 40, flag: '--space' });
    const runner = createRunner(1);
    const result = await tune({ axes, slos: [parseSlo('p99<=5s')], objective: 'pod_seconds', replications: 2, seed: def.baseSeed, evaluate: (pairs) => runner.runAll(pairs.map(([p, r]) => taskFor(FILE, def, p, r))) });
    await runner.close();
    expect(result.winner?.values).toEqual(['10']);
    expect(result.explored.find((p) => p.point === 0)?.status).toBe('infeasible');
  });
});

describe('charts of runs without a 200 response', () => {
  it('leave out what no point has, without vega warnings', async () => {
    const { writeSweepReport } = await import('../../src/sweep/report/report.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    for (const grid of [[`${TIMEOUT}=1,2`], [`${TIMEOUT}=1,2`, 'configMaps.config-autoscaler.stable-window=30s,60s'], [`${TIMEOUT}=1,10`]]) {
      const { def } = defineSweep({ file: FILE, axes: parseAxes(grid, '--grid'), sets: SETS, replications: 2, durationSeconds: 40 });
      const points = [...Array(grid.length === 1 ? 2 : 4).keys()];
      const results = await runSweep({ file: FILE, def, points, runner: createRunner(1) });
      const written = await writeSweepReport(mkdtempSync(join(tmpdir(), 'knsim-no-ok-')), def, results.points);
      expect(written.warnings, grid.join(' ')).toEqual([]);
    }
  }, 120_000);
});
