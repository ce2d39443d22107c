/**
 * `sweep merge` counts every run once: a directory whose runs.csv holds a run twice (and
 * so misses another), or whose sweep.csv does not summarise its runs.csv, is refused
 * instead of being merged into a result that looks whole.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { mergeSweeps, writeSweepDir } from '../../src/sweep/files.js';
import { mergeError } from './support/merge-error.js';
import { createRunner } from '../../src/sweep/pool.js';
import { shardPoints } from '../../src/sweep/shard.js';
import { runSweep, sweepPoints, type SweepDefinition } from '../../src/sweep/sweep.js';

const FILE = 'scenarios/quickstart.yaml';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

let def: SweepDefinition;
let root: string;
const shardDir = (i: number): string => join(root, `shard-${i}`);

function edit(dir: string, file: string, f: (lines: string[]) => string[]): string {
  const copy = mkdtempSync(join(tmpdir(), 'knsim-merge-edit-'));
  for (const name of ['sweep.json', 'sweep.csv', 'runs.csv', '.knsim-output.json']) writeFileSync(join(copy, name), readFileSync(join(dir, name)));
  const lines = readFileSync(join(copy, file), 'utf8').trimEnd().split('\n');
  writeFileSync(join(copy, file), f(lines).join('\n') + '\n');
  return copy;
}

describe('sweep merge counts each run once', () => {
  beforeAll(async () => {
    def = defineSweep({ file: FILE, axes: parseAxes([`${CC}=1,2,3,4`], '--grid'), replications: 3, durationSeconds: 20 }).def;
    root = mkdtempSync(join(tmpdir(), 'knsim-merge-runs-'));
    for (let i = 0; i < 2; i++) {
      const shard = { index: i, count: 2 };
      const results = await runSweep({ file: FILE, def, points: shardPoints(sweepPoints(def), shard), runner: createRunner(1) });
      await writeSweepDir(shardDir(i), def, shard, results, { report: false });
    }
  });

  it('merges untouched shards', () => {
    const { results } = mergeSweeps([shardDir(0), shardDir(1)]);
    expect(results.runs).toHaveLength(12);
  });

  it('refuses a runs.csv that holds a run twice and misses another (same row count)', () => {
    // shard-0 holds points 0 and 2; its last row (point 2, replication 2) becomes a copy of point 0, replication 2.
    const dup = edit(shardDir(0), 'runs.csv', (l) => [...l.slice(0, -1), l[3]!]);
    expect(mergeError([dup, shardDir(1)])).toMatch(/runs\.csv: point 0 replication 2 is there twice/);
  });

  it('refuses a run whose seed is not the one the sweep gives it', () => {
    const seed = edit(shardDir(0), 'runs.csv', (l) => l.map((s, i) => (i === 2 ? s.replace(/^0,1,43,/, '0,1,44,') : s)));
    expect(mergeError([seed, shardDir(1)])).toMatch(/runs\.csv: point 0 replication 1 has seed 44, not 43/);
  });

  it('refuses a sweep.csv that does not summarise its runs.csv', () => {
    const csv = edit(shardDir(1), 'sweep.csv', (l) => l.map((s, i) => (i === 1 ? s.replace(/^1,2,3,range \(rates: 95 %\),/, '1,2,3,range (rates: 95 %),9') : s)));
    expect(mergeError([shardDir(0), csv])).toMatch(/sweep\.csv: point 1 does not match its runs in runs\.csv/);
  });
});

describe('sweep merge reads sweep.csv\'s interval column', () => {
  it('refuses an interval cell that is not the one its replications give', () => {
    const csv = edit(shardDir(1), 'sweep.csv', (l) => l.map((s, i) => (i === 1 ? s.replace(',3,range (rates: 95 %),', ',3,95 %,') : s)));
    expect(mergeError([shardDir(0), csv])).toBe(`sweep merge: ${csv}: sweep.csv: point 1: the interval of 3 replications is "range (rates: 95 %)", not "95 %"`);
  });

  it('refuses a shard an older knsim wrote, with _ci95_ columns and no interval column', () => {
    const old = edit(shardDir(1), 'sweep.csv', (l) => [l[0]!.replace(',interval,', ',').replace(/_lo\b/g, '_ci95_lo').replace(/_hi\b/g, '_ci95_hi'), ...l.slice(1).map((s) => s.replace(',range (rates: 95 %),', ','))]);
    expect(mergeError([shardDir(0), old])).toMatch(/sweep\.csv: written by an older knsim \(its columns are <metric>_ci95_lo/);
  });
});

describe('sweep merge reads a damaged sweep.json as a usage error', () => {
  const damaged = (f: (json: Record<string, any>) => void): string => {
    const dir = edit(shardDir(0), 'sweep.json', (l) => {
      const json = JSON.parse(l.join('\n')) as Record<string, any>;
      f(json);
      return [JSON.stringify(json)];
    });
    return mergeError([dir, shardDir(1)]).replace(dir, '<dir>');
  };

  it('names the field and the rule', () => {
    expect(damaged((j) => (j['definition'] = {}))).toBe('sweep merge: <dir>: sweep.json: definition.scenario must be a string');
    expect(damaged((j) => delete j['definition'].axes)).toBe('sweep merge: <dir>: sweep.json: definition.axes must be a list of {path, values}');
    expect(damaged((j) => (j['definition'].axes[0].values = []))).toBe('sweep merge: <dir>: sweep.json: definition.axes[0].values must be a non-empty list of strings');
    expect(damaged((j) => (j['definition'].replications = 0))).toBe('sweep merge: <dir>: sweep.json: definition.replications must be a whole number from 1 to 10000');
    expect(damaged((j) => (j['definition'].baseSeed = -1))).toBe('sweep merge: <dir>: sweep.json: definition.baseSeed must be a whole number from 0 to 9007199254740991');
    expect(damaged((j) => (j['definition'].seeds = 'x'))).toBe('sweep merge: <dir>: sweep.json: definition.seeds must be common or independent');
    expect(damaged((j) => (j['shard'] = { index: 3, count: 2 }))).toBe('sweep merge: <dir>: sweep.json: shard must be {index, count} with whole numbers 0 ≤ index < count ≤ 10000');
  });
});

describe('sweep merge and unfinished directories', () => {
  it('refuses a staging directory a shard left when it died while writing (shard-*.partial-N matches shard-*)', () => {
    // What a shard killed after writing its files but before the rename leaves: complete-looking files, a staging manifest.
    const partial = edit(shardDir(0), 'runs.csv', (l) => l);
    writeFileSync(join(partial, '.knsim-output.json'), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command: 'sweep', state: 'staging', pid: 999999, files: [] }));
    expect(mergeError([shardDir(0), shardDir(1), partial]).replace(partial, '<dir>')).toBe(
      'sweep merge: <dir>: an unfinished output (a knsim process was writing it and died, or is still writing it); leave it out or remove it',
    );
  });
});
