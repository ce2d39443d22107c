/**
 * Emptying staging directories deletes only what knsim writes there (src/output/staging-files.ts);
 * and the names it knows match what each command really writes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanStale, listFiles, MANIFEST, readManifest, removeStaleReportStaging } from '../../src/output/output-dir.js';
import { stageDirectory } from '../../src/output/staged-dir.js';
import { emptyStaging, knsimWrites, removeReportFiles } from '../../src/output/staging-files.js';
import { runKnsim } from '../support/cli.js';

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

/** A staging directory of `command` marked for process `pid`, holding `files` (path → text). */
function staging(path: string, command: string, pid: number, files: Record<string, string>): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, MANIFEST), JSON.stringify({ kind: 'knsim-output', version: 1, knsim: '0.1.0', command, state: 'staging', pid, files: [] }));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(path, f, '..'), { recursive: true });
    writeFileSync(join(path, f), text);
  }
  return path;
}

describe('knsimWrites', () => {
  it('knows each command\'s files and the report\'s, and nothing else', () => {
    expect(knsimWrites('run', 'pods.csv')).toBe(true);
    expect(knsimWrites('run', 'charts/pods.png')).toBe(true);
    expect(knsimWrites('run', 'report.html')).toBe(true);
    expect(knsimWrites('run', 'notes.md')).toBe(false);
    expect(knsimWrites('run', 'charts/mine.txt')).toBe(false);
    expect(knsimWrites('run', 'sub/pods.csv')).toBe(false);
    expect(knsimWrites('run', 'tune.json')).toBe(false);
    expect(knsimWrites('tune', 'winner.yaml')).toBe(true);
    expect(knsimWrites('sweep', 'runs.csv')).toBe(true);
    expect(knsimWrites('compare', 'compare.json')).toBe(true);
    expect(knsimWrites('report', 'charts/kpa.vl.json')).toBe(true);
    expect(knsimWrites('report', 'pods.csv')).toBe(false);
    expect(knsimWrites('notebooks', 'cost.ipynb')).toBe(true);
    // A command this knsim does not know (a later version's): nothing is taken for its files.
    expect(knsimWrites('future', 'pods.csv')).toBe(false);
  });
});

describe('emptyStaging', () => {
  it('deletes knsim\'s files, the manifest and the folder when nothing else is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const p = staging(join(dir, 'out.partial-1'), 'run', 1, { 'pods.csv': 'half', 'charts/pods.vl.json': '{', [`${MANIFEST}.tmp-1`]: '{"kind":"knsim-output"}' });
    expect(emptyStaging(p)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a user\'s file, a user\'s link and a user\'s folder, and unmarks the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    writeFileSync(join(dir, 'target.txt'), 'precious\n');
    const p = staging(join(dir, 'out.partial-1'), 'run', 1, { 'pods.csv': 'half', 'notes.md': 'mine\n', 'charts/pods.svg': '<svg', 'charts/mine.txt': 'also mine\n', 'data/x.csv': '1\n' });
    symlinkSync(join(dir, 'target.txt'), join(p, 'summary.json'));
    // A manifest temp cut short (not JSON) is not known to be knsim's.
    writeFileSync(join(p, `${MANIFEST}.tmp-5`), '{"ki');
    expect(emptyStaging(p)).toBe(false);
    expect(listFiles(p)).toEqual([`${MANIFEST}.tmp-5`, 'charts/mine.txt', 'data/x.csv', 'notes.md', 'summary.json']);
    expect(readManifest(p)).toBeUndefined();
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('precious\n');
    expect(readFileSync(join(p, 'notes.md'), 'utf8')).toBe('mine\n');
  });

  it('with the command given (this process\'s own staging), works without a manifest and takes its own manifest temp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const p = join(dir, 'out.partial-1');
    mkdirSync(p);
    writeFileSync(join(p, 'summary.json'), '{');
    writeFileSync(join(p, `${MANIFEST}.tmp-${process.pid}`), '{"kind":"knsim-ou'); // a full disk cut it short
    expect(emptyStaging(p)).toBe(false);
    expect(emptyStaging(p, 'run')).toBe(true);
  });

  it('a dead writer\'s manifest temp cut short is knsim\'s (its pid is the staging\'s); another pid\'s is not known to be', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const p = staging(join(dir, 'out.partial-41'), 'run', 41, { [`${MANIFEST}.tmp-41`]: '{"kind":"kn' });
    expect(emptyStaging(p)).toBe(true);
    const q = staging(join(dir, 'out.partial-41'), 'run', 41, { [`${MANIFEST}.tmp-42`]: '{"kind":"kn' });
    expect(emptyStaging(q)).toBe(false);
    expect(listFiles(q)).toEqual([`${MANIFEST}.tmp-42`]);
  });

  it('removeReportFiles takes a failed report out of a run\'s staging, leaving the run\'s files and a user\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const p = staging(join(dir, 'out.partial-1'), 'run', 1, { 'pods.csv': 'x', 'report.html': '<ht', 'charts/pods.png': 'p', 'charts/mine.txt': 'mine' });
    removeReportFiles(p);
    expect(listFiles(p)).toEqual(['charts/mine.txt', 'pods.csv']);
    mkdirSync(join(dir, 'r2', 'charts'), { recursive: true });
    writeFileSync(join(dir, 'r2', 'charts', 'cpu.svg'), '<svg');
    removeReportFiles(join(dir, 'r2'));
    expect(readdirSync(join(dir, 'r2'))).toEqual([]);
  });
});

describe('stale staging of a dead knsim', () => {
  it('cleanStale: a dead run\'s staging folder loses only knsim\'s files; the rest moves to <out>.kept-1 and is reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const pid = deadPid();
    const p = staging(join(dir, `out.partial-${pid}`), 'run', pid, { 'pods.csv': 'half', 'timeseries.csv': 'half', 'notes.md': 'mine\n' });
    expect(cleanStale(join(dir, 'out'))).toEqual([`removed ${p} (files knsim did not write are in ${join(dir, 'out.kept-1')})`]);
    expect(readdirSync(dir)).toEqual(['out.kept-1']);
    expect(listFiles(join(dir, 'out.kept-1'))).toEqual(['notes.md']);
    expect(readdirSync(join(dir, 'out.kept-1'))).toEqual(['notes.md']);
    // Said once: the folder is no longer taken for knsim's staging.
    expect(cleanStale(join(dir, 'out'))).toEqual([]);
  });

  it('a dangling link of the user\'s at <out>.kept-1 is left as it is: the leftovers go to <out>.kept-2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const pid = deadPid();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'out.kept-1'));
    const p = staging(join(dir, `out.partial-${pid}`), 'run', pid, { 'notes.md': 'mine\n' });
    expect(cleanStale(join(dir, 'out'))).toEqual([`removed ${p} (files knsim did not write are in ${join(dir, 'out.kept-2')})`]);
    expect(readlinkSync(join(dir, 'out.kept-1'))).toBe(join(dir, 'nowhere'));
    expect(listFiles(join(dir, 'out.kept-2'))).toEqual(['notes.md']);
  });

  it('removeStaleReportStaging: a dead report\'s staging folder with a user\'s file stays in the run directory, unmarked, and is returned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const pid = deadPid();
    const clean = staging(join(dir, `.report.partial-${pid}`), 'report', pid, { 'charts/pods.vl.json': '{"ha', 'report.html': '<h' });
    expect(removeStaleReportStaging(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    const p = staging(clean, 'report', pid, { 'charts/pods.vl.json': '{"ha', 'charts/mine.txt': 'mine\n' });
    expect(removeStaleReportStaging(dir)).toEqual([p]);
    expect(listFiles(p)).toEqual(['charts/mine.txt']);
    expect(removeStaleReportStaging(dir)).toEqual([]);
  });
});

describe('the names knsim knows are the files each command writes', { timeout: 300_000 }, () => {
  /** Every file of a finished output is listed in its manifest, so none of knsim's is ever taken for a user's. */
  function expectAllListed(out: string, command: string): void {
    const m = readManifest(out)!;
    expect(m.command).toBe(command);
    expect(m.files).toEqual(listFiles(out));
    expect(m.files.filter((f) => !knsimWrites(command, f))).toEqual([]);
  }

  it('run, with a cluster, a report and every series', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'knsim-stg-')), 'out');
    const r = runKnsim(['run', 'scenarios/node-drain.yaml', '--duration', '1h', '--trace', 'sample=0.01', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toContain('nodes.csv');
    expect(readdirSync(out)).toContain('latency-buckets.csv');
    expectAllListed(out, 'run');
  });

  it('sweep, tune and compare, with their reports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const cc = 'services[0].manifest.spec.template.spec.containerConcurrency';
    const sweep = runKnsim(['sweep', 'scenarios/quickstart.yaml', '--grid', `${cc}=5,10`, '--duration', '30s', '--workers', '1', '--out', join(dir, 'sweep')]);
    expect(sweep.code, sweep.stderr).toBe(0);
    expectAllListed(join(dir, 'sweep'), 'sweep');
    const tune = runKnsim(['tune', 'scenarios/quickstart.yaml', '--space', `${cc}=5,10`, '--duration', '30s', '--replications', '2', '--slo', 'p99<=5s', '--objective', 'podHours', '--workers', '1', '--out', join(dir, 'tune')]);
    expect(tune.code, tune.stderr).toBe(0);
    expect(readdirSync(join(dir, 'tune'))).toContain('winner.yaml');
    expectAllListed(join(dir, 'tune'), 'tune');
    const compare = runKnsim(['compare', 'scenarios/quickstart.yaml', '--class', 'kpa', '--class', 'hpa', '--set', 'services[0].initialPods=1', '--replications', '1', '--workers', '1', '--duration', '30s', '--out', join(dir, 'compare')], undefined, { CI: '1' });
    expect(compare.code, compare.stderr).toBe(0);
    expectAllListed(join(dir, 'compare'), 'compare');
  });
});

describe('stageDirectory', () => {
  it('lists in the manifest only the files knsim writes: a file the user dropped into the staging folder is the user\'s, kept on the next replace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const lines: string[] = [];
    const warn = (l: string): number => lines.push(l);
    const first = stageDirectory(join(dir, 'out'), { command: 'run', warn });
    writeFileSync(join(first.path, 'summary.json'), '{}\n');
    writeFileSync(join(first.path, 'notes.md'), 'mine\n');
    expect(first.commit()).toEqual(['summary.json']);
    expect(readManifest(join(dir, 'out'))!.files).toEqual(['summary.json']);
    const second = stageDirectory(join(dir, 'out'), { command: 'run', warn });
    writeFileSync(join(second.path, 'pods.csv'), 'x\n');
    second.commit();
    expect(lines).toEqual([`knsim: --out ${join(dir, 'out')}: files knsim did not write were in the previous output; moved them to ${join(dir, 'out.kept-1')}`]);
    expect(listFiles(join(dir, 'out.kept-1'))).toEqual(['notes.md']);
  });

  it('abort keeps a file the user dropped into the staging folder, in <out>.kept-1, with one note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-stg-'));
    const lines: string[] = [];
    const stage = stageDirectory(join(dir, 'out'), { command: 'run', warn: (l) => lines.push(l) });
    writeFileSync(join(stage.path, 'pods.csv'), 'half\n');
    writeFileSync(join(stage.path, 'notes.md'), 'mine\n');
    stage.abort();
    expect(lines).toEqual([`knsim: --out ${join(dir, 'out')}: files knsim did not write were in ${stage.path}; moved them to ${join(dir, 'out.kept-1')}`]);
    expect(readdirSync(dir)).toEqual(['out.kept-1']);
    expect(listFiles(join(dir, 'out.kept-1'))).toEqual(['notes.md']);
  });
});
