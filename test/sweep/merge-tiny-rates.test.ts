/**
 * A sweep's files held its metrics to 6 decimals while its rows were computed from values
 * kept to 6 significant digits below 0.001: runs.csv said 0 for 1 error in 3 million, and
 * `sweep merge` recomputed a shard's rows from its runs.csv, found other numbers and
 * refused every shard that had a rate below 0.001 (a few unanswered requests at the end
 * are enough). The runs here are given, not simulated: only the files are under test.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_KEYS, type MetricValues } from '../../src/output/metrics.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { mergeSweeps, writeSweepDir } from '../../src/sweep/files.js';
import type { Runner } from '../../src/sweep/pool.js';
import { shardPoints, type Shard } from '../../src/sweep/shard.js';
import { runSweep, sweepPoints } from '../../src/sweep/sweep.js';
import { files } from '../support/files.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

/** Run i of the sweep: errors 1, 2, 1, … in 3 million requests, a few unanswered in 10,000. */
const metricsOf = (i: number): MetricValues => ({
  ...(Object.fromEntries(METRIC_KEYS.map((k) => [k, 1])) as MetricValues),
  node_cost_usd: Number.NaN,
  peak_nodes: Number.NaN,
  max_pending_s: Number.NaN,
  first_byte_p99_ms: Number.NaN,
  sessions_closed_rate: Number.NaN,
  error_rate: (1 + (i % 2)) / 3_000_000,
  rate_503: (1 + (i % 2)) / 3_000_000,
  rate_504: 0,
  unanswered_rate: (7 + i) / 9_137,
  cold_start_fraction: 0.0123456789,
});

/** A runner that answers task k (in the order runSweep asks) without simulating. */
const givenRunner = (first: number): Runner => ({
  workers: 1,
  runAll: (tasks) => Promise.resolve(tasks.map((_, k) => metricsOf(first + k))),
  close: () => Promise.resolve(),
});

describe('sweep files keep rates below 0.001 as the rows were computed from them', () => {
  it('runs.csv holds 1 error in 3 million as 3.33333e-7, and shards with such rates merge into the single sweep, byte for byte', async () => {
    const def = defineSweep({ file: FILE, axes: parseAxes([`${CC}=1,2`], '--grid'), replications: 2, durationSeconds: 20 }).def;
    const root = mkdtempSync(join(tmpdir(), 'knsim-tiny-merge-'));
    const write = async (out: string, shard: Shard | undefined): Promise<void> => {
      const points = shardPoints(sweepPoints(def), shard);
      // The runs of point p are 2p and 2p + 1, sharded or not.
      const results = await runSweep({ file: FILE, def, points, runner: givenRunner(2 * points[0]!) });
      await writeSweepDir(out, def, shard, results, { report: false });
    };
    await write(join(root, 'single'), undefined);
    for (let i = 0; i < 2; i++) await write(join(root, `shard-${i}`), { index: i, count: 2 });

    const runs = readFileSync(join(root, 'single', 'runs.csv'), 'utf8').trim().split('\n');
    const col = (name: string): number => runs[0]!.split(',').indexOf(name);
    expect(runs[1]!.split(',')[col('error_rate')]).toBe('3.33333e-7');
    expect(runs[2]!.split(',')[col('error_rate')]).toBe('6.66667e-7');
    expect(runs[1]!.split(',')[col('unanswered_rate')]).toBe('0.000766116');
    expect(runs[1]!.split(',')[col('cold_start_fraction')]).toBe('0.012346');
    const sweep = readFileSync(join(root, 'single', 'sweep.csv'), 'utf8').trim().split('\n');
    expect(sweep[1]!.split(',')[sweep[0]!.split(',').indexOf('error_rate_mean')]).toBe('5e-7');

    const merged = mergeSweeps([join(root, 'shard-0'), join(root, 'shard-1')]);
    await writeSweepDir(join(root, 'merged'), merged.def, undefined, merged.results, { report: false });
    const a = files(join(root, 'single'));
    const b = files(join(root, 'merged'));
    expect([...a.keys()].filter((f) => f.endsWith('.csv'))).toEqual(['runs.csv', 'sweep.csv']);
    for (const f of ['runs.csv', 'sweep.csv', 'sweep.json']) expect(b.get(f)!.equals(a.get(f)!), f).toBe(true);
  });
});
