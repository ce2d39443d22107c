/**
 * The KPA chart's panic line says what it draws. With no ready pod (a revision scaled to zero)
 * the decider divides by max(1, ready) as upstream's does, so the line stays at one pod's
 * (target × (⌈200 % × 1⌉ − 1) = target); the legend said ⌈200 % of ready pods⌉, which is −target there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, reportCharts } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

describe('the KPA chart of a revision that scales to zero', () => {
  let dir: string;
  beforeAll(() => {
    const loaded = loadScenario(join(root, 'scenarios', 'scale-to-zero-tail.yaml'), { sets: [] });
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-panic-line-')), 'tail');
    runWorld(loaded.world, { outDir: dir, trace: { mode: 'none' } });
  });

  it('draws the panic line at one pod\'s while no pod is ready, and its legend counts no ready pods as one', () => {
    const spec = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'kpa')!.spec;
    const rows = dataOf(spec, 'data_kpa_0');
    const evaluations = csv(dir, 'autoscaler.csv').filter((r) => r['valid'] === '1');
    const atZero = evaluations.filter((r) => r['ready_pods'] === '0');
    expect(atZero.length).toBeGreaterThan(5);
    for (const e of atZero) {
      const row = rows.find((r) => r['t'] === Math.round(Number(e['time_s']) * 1e5) / 1e5)!;
      // Panic threshold 200 %: one pod's line is (⌈2 × 1⌉ − 1) × target = target.
      expect(row['h'], `t=${e['time_s']}`).toBe(Number(e['target']));
    }
    const text = JSON.stringify(spec);
    expect(text).toContain('panic line (⌈200% × max(1, ready)⌉−1) × target');
    expect(text).not.toContain('⌈200% of ready pods⌉');
  });

  it('draws every line only where the KPA had data, and says so: the last point is the last valid evaluation (301 s of 480)', () => {
    const chart = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'kpa')!;
    const rows = dataOf(chart.spec, 'data_kpa_0');
    const all = csv(dir, 'autoscaler.csv');
    const valid = all.filter((r) => r['valid'] === '1');
    const lastValid = Number(valid.at(-1)!['time_s']);
    expect(Number(all.at(-1)!['time_s'])).toBeGreaterThan(lastValid + 100);
    expect(Math.max(...rows.map((r) => r['t']!))).toBeCloseTo(lastValid, 4);
    expect(chart.explanation).toContain('Every line is drawn only at evaluations where the KPA had data (valid = 1 in autoscaler.csv): where the lines break or stop, it had none');
  });
});
