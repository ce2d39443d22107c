/**
 * In a sparse run a second with 200s but none in the seconds beside it is a step line one second
 * wide (under a pixel): the latency panel rings it, at its own percentiles (requests-per-second.csv).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, renderSvg, reportCharts } from '../../src/output/report/index.js';
import { isolatedRows } from '../../src/output/report/charts/requests.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';
import { csv, dataOf } from '../support/chart-data.js';

const root = resolve(import.meta.dirname, '../..');

describe('isolatedRows', () => {
  it('keeps the rows with no row within a step on either side', () => {
    const rows = [0, 1, 3, 6, 7, 8, 10, 12].map((t) => ({ t, p50: t }));
    expect(isolatedRows(rows, 1).map((r) => r['t'])).toEqual([3, 10, 12]);
    // 5 s buckets on a minute axis are 0.08333 or 0.08334 apart: still neighbours.
    expect(isolatedRows([{ t: 0 }, { t: 0.08334 }, { t: 0.25 }], 0.08333).map((r) => r['t'])).toEqual([0.25]);
  });
});

describe('azure-trace (a sparse trace, 1 s steps)', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'knsim-isolated-')), 'azure');
    runWorld(loadScenario(join(root, 'scenarios', 'azure-trace.yaml')).world, { outDir: dir, trace: { mode: 'none' } });
  }, 60_000);

  it('rings exactly the seconds with a 200 and none in the second before or after, at their percentiles, mid-step', async () => {
    // A row stamps the end of its second: the second [time_s − 1, time_s).
    const seconds = new Map(csv(dir, 'requests-per-second.csv').filter((r) => Number(r['ok']) > 0).map((r) => [Math.ceil(Number(r['time_s']) - 1e-9) - 1, r]));
    const lonely = [...seconds.keys()].filter((s) => !seconds.has(s - 1) && !seconds.has(s + 1)).sort((a, b) => a - b);
    expect(lonely.length).toBeGreaterThan(20);
    const spec = reportCharts(loadRunData(dir)).charts.find((c) => c.id === 'requests')!.spec;
    const rings = dataOf(spec, 'data_latency_0_isolated');
    expect(rings.map((r) => r['t']! - 0.5)).toEqual(lonely);
    for (const r of rings) {
      const row = seconds.get(r['t']! - 0.5)!;
      // The chart keeps 1 decimal of a millisecond.
      for (const p of ['p50', 'p95', 'p99']) expect(Math.abs(r[p]! - Number(row[`${p}_ms`])), `${p} at ${r['t']}`).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    // A ring per percentile is drawn (a point mark each), and the percentile legend stays one legend.
    const svg = await renderSvg(spec);
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(3 * lonely.length);
    expect(svg.match(/Symbol legend titled 'percentile \(ms\)'/g)?.length).toBe(1);
  }, 60_000);

  it('a run whose 200s come second after second has no rings', () => {
    const hello = join(mkdtempSync(join(tmpdir(), 'knsim-isolated-')), 'hw');
    runWorld(loadScenario(join(root, 'scenarios', 'hello-world.yaml'), { durationSeconds: 60 }).world, { outDir: hello, trace: { mode: 'none' } });
    const spec = reportCharts(loadRunData(hello)).charts.find((c) => c.id === 'requests')!.spec;
    expect(JSON.stringify(spec)).not.toContain('data_latency_0_isolated');
  });
});
