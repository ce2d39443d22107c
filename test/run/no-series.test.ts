/**
 * `knsim run --no-series` (RunWorldOptions.series = false) leaves out the per-second time
 * series and nothing else: the world then takes no samples, and since sampling only reads
 * the model, every other file is byte-identical and the summary differs only in its event
 * count, by exactly the sampling events it did not run (one per whole simulated second,
 * t = 0 included).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/output/report/index.js';
import { runWorld } from '../../src/run/run-world.js';
import { loadScenario } from '../../src/scenario/load.js';

const SERIES_FILES = ['autoscaler.csv', 'latency-buckets.csv', 'requests-per-second.csv', 'timeseries.csv'];
const root = mkdtempSync(join(tmpdir(), 'knsim-no-series-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(name: string, durationSeconds: number | undefined, series: boolean) {
  const loaded = loadScenario(resolve(import.meta.dirname, '../../scenarios', `${name}.yaml`), durationSeconds === undefined ? {} : { durationSeconds });
  const dir = join(root, `${name}-${series ? 'series' : 'none'}`);
  const result = runWorld(loaded.world, { outDir: dir, trace: { mode: 'full' }, series });
  return { dir, result, durationSeconds: loaded.world.durationSeconds };
}

const files = (dir: string): string[] => readdirSync(dir).filter((f) => f !== '.knsim-output.json').sort();
const withoutRunCounters = (json: string): string => json.replace(/"events": \d+/, '"events": 0').replace(/"wallSeconds": [0-9.e+-]+/, '"wallSeconds": 0');

describe('--no-series', () => {
  it.each([
    // name, simulated seconds (undefined: the scenario's own), what the scenario exercises
    ['quickstart', undefined],
    ['two-services', undefined],
    ['rollout', undefined],
    ['cpu-bound', undefined],
    ['capacity-planning', 7200],
    ['azure-trace', undefined],
  ])('%s: the same run without the time series', (name, duration) => {
    const on = run(name, duration, true);
    const off = run(name, duration, false);
    const onFiles = files(on.dir);
    // The full run has the series (latency-buckets.csv only when the report buckets seconds).
    for (const f of ['autoscaler.csv', 'requests-per-second.csv', 'timeseries.csv']) expect(onFiles).toContain(f);
    expect(files(off.dir)).toEqual(onFiles.filter((f) => !SERIES_FILES.includes(f)));
    for (const f of files(off.dir)) {
      const a = readFileSync(join(on.dir, f), 'utf8');
      const b = readFileSync(join(off.dir, f), 'utf8');
      if (f === 'summary.json') expect(withoutRunCounters(b), f).toBe(withoutRunCounters(a));
      else expect(b === a, `${name}/${f} differs`).toBe(true);
    }
    // The only events missing are the samples: t = 0, 1, …, the last whole second.
    expect(on.result.summary.events - off.result.summary.events).toBe(Math.floor(on.durationSeconds) + 1);
    expect(off.result.files).toEqual([...files(off.dir)].sort());
  }, 120_000);

  it('the report leaves out the series charts, says why, and still draws ready pods from pods.csv', async () => {
    const off = run('quickstart', undefined, false);
    const report = await buildReport(off.dir, { images: false });
    expect(report.charts.map((c) => c.id)).toEqual(['ready-pods', 'latency-cdf']);
    const html = readFileSync(join(off.dir, 'report.html'), 'utf8');
    expect(html).toContain('has no timeseries.csv, autoscaler.csv, requests-per-second.csv');
    expect(html).toContain('--no-series');
  }, 60_000);
});
