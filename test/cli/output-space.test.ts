import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { statfsFreeSpace } from '../../src/cli/free-space.js';
import { checkOutputSpace } from '../../src/cli/output-space.js';
import { loadScenario } from '../../src/scenario/load.js';
import { estimateWork } from '../../src/scenario/work-estimate.js';
import { catchScenarioError } from '../scenario/helpers.js';
import { scenarioInTempDir, tinyScenario } from '../support/tiny-scenario.js';

const setup = () => scenarioInTempDir('knsim-space-', tinyScenario('tiny', '1h', 50));
const refusal = catchScenarioError;

describe('checkOutputSpace', () => {
  const { file, out } = setup();
  const loaded = loadScenario(file, { sets: [] });
  const work = estimateWork(loaded);
  const opts = { trace: { mode: 'none' } as const, series: true, label: `--out ${out}` };
  const total = (o: typeof opts | { trace: { mode: 'full' }; series: boolean; label: string }): number =>
    checkOutputSpace(loaded, work, out, o, () => undefined).reduce((a, f) => a + f.bytes, 0);

  it('passes a run whose files fit, and says nothing when the free space is unknown', () => {
    const t = total(opts);
    // 3601 rows of timeseries.csv alone take more than 200 KB.
    expect(t).toBeGreaterThan(200_000);
    expect(checkOutputSpace(loaded, work, out, opts, () => t).map((f) => f.file)).toEqual([
      'timeseries.csv',
      'autoscaler.csv',
      'requests-per-second.csv',
      'latency-buckets.csv',
      'latency-cdf.csv',
    ]);
  });

  it('refuses one byte short, blaming the duration when the time series weigh most', () => {
    const t = total(opts);
    expect(refusal(() => checkOutputSpace(loaded, work, out, opts, () => t - 1)).path).toBe('duration');
    const e = refusal(() => checkOutputSpace(loaded, work, out, opts, () => 500_000));
    expect(e.file).toBe(file);
    expect(e.path).toBe('duration');
    expect(e.rule).toMatch(/^the run's files would take about \d+ KB \((requests-per-second|timeseries)\.csv \d+ KB, (timeseries|requests-per-second)\.csv \d+ KB, …\) but 500 KB is free for --out .*; shorten the run, use --no-series, or write elsewhere$/);
  });

  it('blames the busiest client when requests.csv weighs most', () => {
    const full = { trace: { mode: 'full' } as const, series: false, label: `--out ${out}` };
    const t = total(full);
    // 180,000 requests of about 100 bytes.
    expect(t).toBeGreaterThan(15e6);
    expect(t).toBeLessThan(25e6);
    const e = refusal(() => checkOutputSpace(loaded, work, out, full, () => 1e6));
    expect(e.path).toBe('clients[0].open.rps');
    expect(e.rule).toMatch(/^the run's files would take about \d+\.\d MB \(requests\.csv \d+\.\d MB, latency-cdf\.csv \d+\.\d KB\) but 1\.00 MB is free for --out .*; shorten the run, use --trace sample=R or --trace none, or write elsewhere$/);
  });

  it('reads the free space of the nearest existing directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-statfs-'));
    mkdirSync(join(dir, 'a'));
    const here = statfsFreeSpace(join(dir, 'a'));
    expect(here).toBeGreaterThan(0);
    // Not there yet: its parent's filesystem (the same one here, give or take what others write meanwhile).
    const deeper = statfsFreeSpace(join(dir, 'a', 'b', 'c'));
    expect(deeper).toBeGreaterThan(0);
    expect(Math.abs(deeper! - here!)).toBeLessThan(here! * 0.01 + 1e8);
  });

  it('does not know the free space of a filesystem that reports no size (/proc), so it refuses nothing there', () => {
    expect(statfsFreeSpace('/proc/knsim-out')).toBeUndefined();
  });
});
