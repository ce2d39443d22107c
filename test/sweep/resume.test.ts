/**
 * An interrupted sweep run again with the same command runs only what it had not finished:
 * the finished runs wait in `<out>.resume.csv`, a line cut short or a row that is not this
 * sweep's is run again, and the output is byte for byte a sweep that was never interrupted.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricValues } from '../../src/output/metrics.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { formatRunsCsv, formatSweepCsv, mergeSweeps } from '../../src/sweep/files.js';
import { createRunner, type Runner } from '../../src/sweep/pool.js';
import { openResume, RESUME_SUFFIX } from '../../src/sweep/resume.js';
import { runSweep, type SweepDefinition } from '../../src/sweep/sweep.js';
import type { RunTask } from '../../src/sweep/task.js';
import { neverReadyScenario } from '../support/never-ready.js';

const root = resolve(import.meta.dirname, '../..');
const FILE = 'scenarios/quickstart.yaml';
const GRID = ['configMaps.config-autoscaler.stable-window=30s,60s,90s'];
const tmp = (): string => mkdtempSync(join(tmpdir(), 'knsim-resume-'));
const define = (grid = GRID): SweepDefinition => defineSweep({ file: FILE, axes: parseAxes(grid, '--grid'), replications: 3, durationSeconds: 120 }).def;
const ALL = [0, 1, 2];

/** A runner that dies (as a killed process would) once `limit` runs have finished, and counts the runs it was asked for. */
function dyingRunner(limit: number): Runner & { asked: number } {
  const real = createRunner(1);
  const r = {
    workers: 1,
    asked: 0,
    async runAll(tasks: readonly RunTask[], onDone?: (i: number, m: MetricValues) => void) {
      r.asked += tasks.length;
      const out: MetricValues[] = [];
      for (const [i, t] of tasks.entries()) {
        if (i === limit) throw new Error('killed');
        const [m] = await real.runAll([t]);
        out.push(m!);
        onDone?.(i, m!);
      }
      return out;
    },
    close: () => real.close(),
  };
  return r;
}

async function interrupted(def: SweepDefinition, out: string, after: number): Promise<void> {
  const resume = openResume(out, def, undefined, ALL);
  await expect(runSweep({ file: FILE, def, points: ALL, runner: dyingRunner(after), done: resume.done, onRun: resume.append })).rejects.toThrow('killed');
}

describe('sweep resume', () => {
  it('runs only the missing runs and gives what an uninterrupted sweep gives', async () => {
    const def = define();
    const out = join(tmp(), 'out');
    await interrupted(def, out, 5);
    const resume = openResume(out, def, undefined, ALL);
    expect(resume.done.size).toBe(5);
    expect(resume.dropped).toBe(0);
    const runner = dyingRunner(Infinity);
    const resumed = await runSweep({ file: FILE, def, points: ALL, runner, done: resume.done, onRun: resume.append });
    expect(runner.asked).toBe(9 - 5);
    const whole = await runSweep({ file: FILE, def, points: ALL, runner: createRunner(1) });
    expect(formatRunsCsv(def, resumed.runs)).toBe(formatRunsCsv(def, whole.runs));
    expect(formatSweepCsv(def, resumed.points)).toBe(formatSweepCsv(def, whole.points));
    // Every run is in the file now, once.
    expect(openResume(out, def, undefined, ALL).done.size).toBe(9);
  });

  it('drops a line cut short and rows that are not this sweep\'s, and appends after them cleanly', async () => {
    const def = define();
    const out = join(tmp(), 'out');
    await interrupted(def, out, 4);
    const path = `${out}${RESUME_SUFFIX}`;
    const rows = readFileSync(path, 'utf8').split('\n').slice(2, -1);
    expect(rows).toHaveLength(4);
    const [p, r, seed, ...rest] = rows[0]!.split(',');
    appendFileSync(path, [
      [p, r, Number(seed) + 1, ...rest].join(','), // another seed
      [5, r, seed, ...rest].join(','), // a point outside the grid
      rows[1], // the same run twice
      [p, r, seed, ...rest.slice(0, -1)].join(','), // a field short
    ].join('\n') + '\n' + rows[2]!.slice(0, 20)); // cut short
    const resume = openResume(out, def, undefined, ALL);
    expect(resume.done.size).toBe(4);
    expect(resume.dropped).toBe(5);
    // Rewritten with the good rows only, so the next append starts a line of its own.
    expect(readFileSync(path, 'utf8').split('\n').slice(2, -1)).toEqual(rows);
    const resumed = await runSweep({ file: FILE, def, points: ALL, runner: createRunner(1), done: resume.done, onRun: resume.append });
    const whole = await runSweep({ file: FILE, def, points: ALL, runner: createRunner(1) });
    expect(formatRunsCsv(def, resumed.runs)).toBe(formatRunsCsv(def, whole.runs));
  });

  it('starts over on another sweep\'s file, and takes only the points of its shard', async () => {
    const def = define();
    const out = join(tmp(), 'out');
    await interrupted(def, out, 6);
    const other = define(['configMaps.config-autoscaler.stable-window=30s,60s,120s']);
    const fresh = openResume(out, other, undefined, ALL);
    expect(fresh.done.size).toBe(0);
    expect(fresh.startedOver).toBe('its runs are of another sweep or knsim build');
    // The header names the shard too: a shard's runs do not resume the whole sweep.
    await interrupted(def, out, 6);
    expect(openResume(out, def, { index: 1, count: 2 }, [1]).startedOver).toBeDefined();
  });

  it('refuses to touch a file at its path that is not knsim\'s', () => {
    const def = define();
    const dir = tmp();
    writeFileSync(join(dir, `out${RESUME_SUFFIX}`), 'my notes\n');
    expect(() => openResume(join(dir, 'out'), def, undefined, ALL)).toThrow(`${join(dir, 'out')}${RESUME_SUFFIX}: is where knsim keeps a sweep's finished runs to resume it, and is not one of knsim's; move it away`);
    expect(readFileSync(join(dir, `out${RESUME_SUFFIX}`), 'utf8')).toBe('my notes\n');
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, `link${RESUME_SUFFIX}`));
    expect(() => openResume(join(dir, 'link'), def, undefined, ALL)).toThrow(/is not a regular file; move it away$/);
  });

  it('never removes or appends to a file that appeared at its path while the sweep ran', () => {
    const def = define();
    const dir = tmp();
    const path = join(dir, `out${RESUME_SUFFIX}`);
    // Nothing written yet: a file the user puts there meanwhile is not removed with the sweep's.
    const before = openResume(join(dir, 'out'), def, undefined, ALL);
    writeFileSync(path, 'my notes\n');
    before.remove();
    expect(readFileSync(path, 'utf8')).toBe('my notes\n');
    // Nor is the first finished run appended to it.
    const run = { point: 0, replication: 0, seed: 1, values: ['30s'], metrics: {} as MetricValues };
    expect(() => before.append(run)).toThrow(`${path}: appeared while the sweep ran; knsim keeps its finished runs there, so move it away`);
    expect(readFileSync(path, 'utf8')).toBe('my notes\n');
  });

  it('the CLI resumes from the file, says so, and removes it once the output is in place', async () => {
    const def = define();
    const dir = tmp();
    const out = join(dir, 'out');
    await interrupted(def, out, 7);
    const args = ['sweep', FILE, '--grid', GRID[0]!, '--replications', '3', '--duration', '120s', '--no-report', '--workers', '2'];
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), ...args, '--out', out], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^knsim: sweep quickstart — 3 points × 3 replications = 9 runs \\(7 done before, from ${out.replace(/[.]/g, '\\.')}\\.resume\\.csv; 2 run now\\) on 2 threads in `));
    expect(existsSync(`${out}${RESUME_SUFFIX}`)).toBe(false);
    const fresh = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), ...args, '--out', join(dir, 'fresh')], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(fresh.stdout).toMatch(/= 9 runs on 2 threads in/);
    for (const f of ['sweep.json', 'sweep.csv', 'runs.csv']) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(dir, 'fresh', f), 'utf8'));
  });
});

describe('sweep merge and a resume file', () => {
  it('says what a resume file a shard-* glob caught is', async () => {
    const def = define();
    const out = join(tmp(), 'shard-0');
    await interrupted(def, out, 2);
    expect(() => mergeSweeps([`${out}${RESUME_SUFFIX}`])).toThrow(`sweep merge: ${out}${RESUME_SUFFIX}: the finished runs of an interrupted sweep (run that sweep again to finish it), not an output; leave it out`);
  });
});

describe('a sweep that fails before its first run', () => {
  it('leaves no resume file', async () => {
    const def = define();
    const out = join(tmp(), 'out');
    const resume = openResume(out, def, undefined, ALL);
    await expect(runSweep({ file: FILE, def, points: ALL, runner: dyingRunner(0), done: resume.done, onRun: resume.append })).rejects.toThrow('killed');
    expect(existsSync(`${out}${RESUME_SUFFIX}`)).toBe(false);
  });
});

describe('a sweep whose run fails', () => {
  it('leaves no resume file either: the same sweep would fail again at that run', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'never.yaml'), neverReadyScenario('10s'));
    // Point 0 (think 2s) sends about 500 requests and finishes; point 1 (think 0s) passes 1e5 in about a second.
    const args = ['sweep', 'never.yaml', '--grid', 'clients[0].closed.think=2s,0s', '--replications', '1', '--workers', '1', '--max-requests', '1e5', '--no-report', '--out', 'out'];
    const r = spawnSync(process.execPath, [join(root, 'bin/knsim.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/\(at point 1: think=0s, replication 0, seed \d+\)\n$/);
    expect(readdirSync(dir)).toEqual(['never.yaml']);
  });
});
