/**
 * Ctrl-C (SIGINT) or SIGTERM on a batch command, through the real CLI from dist/. A sweep on 2
 * threads (the main thread and a worker thread) ends with one line naming how many runs it kept in
 * <out>.resume.csv, exit 130 or 143 as knsim's other commands on a signal, no output directory and
 * no stack trace; the same command run again (on 1 thread) runs only the rest and writes the very
 * bytes of an uninterrupted sweep. `knsim tune` and `knsim compare` keep no runs, and say so.
 * The tests wait for runs to finish (resume file lines, or the test-only marks on stderr), never on a clock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_MARK } from '../../src/sweep/test-marks.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
// 24 runs of 5 minutes at 1,000 rps: seconds of CPU, so the signal comes long before the end.
const SWEEP = ['sweep', 'scenarios/quickstart.yaml', '--grid', `${CC}=2..9`, '--set', 'clients[0].open.rate.steps[1].rps=1000', '--set', 'clients[0].open.rate.steps[2].at=5m', '--duration', '300s', '--replications', '3', '--no-report'];
const env = { ...process.env, NO_COLOR: '1', CI: '1' };

/** Finished runs in a resume file: its lines after the header and the column line. */
const finishedRuns = (file: string): number => (existsSync(file) ? Math.max(0, readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length - 2) : 0);

/** Starts knsim, waits (polling, no time limit but the suite's) until `ready` holds, sends `signal`, and waits for its end. */
async function interrupt(args: string[], signal: NodeJS.Signals, ready: (stderr: string) => boolean, extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  while (!ready(stderr) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  child.kill(signal);
  const [code, end] = await exited;
  return { code, signal: end, stdout, stderr };
}

describe('knsim sweep --workers 2, interrupted', () => {
  it('SIGINT: one line naming the runs kept and the file, exit 130, no output; the same command resumes to the bytes of an uninterrupted sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-sigint-'));
    const out = join(dir, 'cut');
    const resumeFile = `${out}.resume.csv`;
    const r = await interrupt([...SWEEP, '--workers', '2', '--out', out], 'SIGINT', () => finishedRuns(resumeFile) >= 2);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    expect(r.stdout).toBe('');
    const kept = finishedRuns(resumeFile);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(24);
    expect(r.stderr).toBe(`knsim: sweep: interrupted (SIGINT): ${kept} of 24 runs kept in ${resumeFile}; the same command run again runs only the other ${24 - kept}\n`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['cut.resume.csv']);

    const again = spawnSync(process.execPath, [bin, ...SWEEP, '--workers', '1', '--out', out], { cwd: root, env, encoding: 'utf8' });
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`= 24 runs (${kept} done before, from ${resumeFile}; ${24 - kept} run now) on 1 thread`);
    expect(existsSync(resumeFile)).toBe(false);

    const whole = join(dir, 'whole');
    const fresh = spawnSync(process.execPath, [bin, ...SWEEP, '--workers', '2', '--out', whole], { cwd: root, env, encoding: 'utf8' });
    expect(fresh.status).toBe(0);
    for (const f of ['sweep.csv', 'runs.csv', 'sweep.json']) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(whole, f), 'utf8'));
  });

  it('SIGTERM (a kill, a pod deleted): the same, exit 143, and the count includes the runs kept by an earlier interruption', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-sigterm-'));
    const out = join(dir, 'cut');
    const resumeFile = `${out}.resume.csv`;
    const first = await interrupt([...SWEEP, '--workers', '2', '--out', out], 'SIGTERM', () => finishedRuns(resumeFile) >= 1);
    expect({ code: first.code, signal: first.signal }).toEqual({ code: 143, signal: null });
    const before = finishedRuns(resumeFile);
    expect(first.stderr).toBe(`knsim: sweep: interrupted (SIGTERM): ${before} of 24 runs kept in ${resumeFile}; the same command run again runs only the other ${24 - before}\n`);
    // Run again and stopped again once it has added runs of its own: the line counts the file's runs, old and new.
    const second = await interrupt([...SWEEP, '--workers', '2', '--out', out], 'SIGTERM', () => finishedRuns(resumeFile) >= before + 1);
    expect(second.code).toBe(143);
    const kept = finishedRuns(resumeFile);
    expect(kept).toBeGreaterThan(before);
    expect(second.stderr).toBe(`knsim: sweep: interrupted (SIGTERM): ${kept} of 24 runs kept in ${resumeFile}; the same command run again runs only the other ${24 - kept}\n`);
    expect(second.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['cut.resume.csv']);
  });
});

describe('knsim sweep --workers 1, interrupted within a run of the main thread', () => {
  // 3 runs of 30 minutes at 1,000 rps: several seconds of CPU each.
  const LONG = ['sweep', 'scenarios/quickstart.yaml', '--grid', `${CC}=2..4`, '--set', 'clients[0].open.rate.steps[1].rps=1000', '--set', 'clients[0].open.rate.steps[2].at=30m', '--duration', '1800s', '--replications', '1', '--no-report', '--workers', '1'];

  it('SIGINT ends it in the run under way (the main thread runs in slices): the runs finished before it are kept, not the one it cut', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-slice-'));
    const out = join(dir, 'cut');
    const resumeFile = `${out}.resume.csv`;
    // Signalled as soon as the first run is in the file: the second has just started, seconds from its end.
    let seen = -1;
    const r = await interrupt([...LONG, '--out', out], 'SIGINT', () => (seen = finishedRuns(resumeFile)) >= 1);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    // Handled only between runs, the signal would wait for the second run, which would be kept too.
    expect(finishedRuns(resumeFile)).toBe(seen);
    expect(r.stderr).toBe(`knsim: sweep: interrupted (SIGINT): ${seen} of 3 runs kept in ${resumeFile}; the same command run again runs only the other ${3 - seen}\n`);
    expect(r.stdout).toBe('');
    expect(readdirSync(dir)).toEqual(['cut.resume.csv']);
  });
});

/** The test-only marks (KNSIM_TEST_FAULT=mark-runs) a command wrote: one per finished run it learnt of. */
const marks = (stderr: string): number => stderr.split(RUN_MARK).length - 1;

describe('knsim tune and compare, interrupted: they keep no runs, and say so', () => {
  it('tune on SIGINT: one line with the runs that had finished, exit 130, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-tune-sigint-'));
    const out = join(dir, 't');
    const args = ['tune', 'scenarios/quickstart.yaml', '--space', `${CC}=2..6:2`, '--slo', 'p95<=600ms', '--replications', '3', '--duration', '150s', '--workers', '2', '--no-report', '--out', out];
    const r = await interrupt(args, 'SIGINT', (stderr) => marks(stderr) >= 2, { KNSIM_TEST_FAULT: 'mark-runs' });
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    expect(r.stdout).toBe('');
    const n = marks(r.stderr);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(r.stderr).toBe(`${RUN_MARK.repeat(n)}knsim: tune: interrupted (SIGINT): ${n} runs had finished; tune keeps none, so the same command run again starts over\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compare on SIGTERM, its runs in a child process (a --class module): the same with its total, exit 143', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-compare-sigterm-'));
    const out = join(dir, 'c');
    const args = ['compare', 'scenarios/quickstart.yaml', '--class', 'kpa', '--class', './examples/autoscalers/surge-panic.ts', '--set', 'clients[0].open.rate.steps[1].rps=1000', '--replications', '6', '--duration', '300s', '--workers', '2', '--out', out];
    const r = await interrupt(args, 'SIGTERM', (stderr) => marks(stderr) >= 1, { KNSIM_TEST_FAULT: 'mark-runs' });
    expect(r.code).toBe(143);
    const n = marks(r.stderr);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(12);
    expect(r.stderr).toBe(`${RUN_MARK.repeat(n)}knsim: compare: interrupted (SIGTERM): ${n} of 12 runs had finished; compare keeps none, so the same command run again starts over\n`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
