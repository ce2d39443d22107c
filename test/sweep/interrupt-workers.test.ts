/**
 * Ctrl-C on a sweep running on 2 threads (the main thread and a worker thread), through the real
 * CLI from dist/: the process ends on the signal without a word or a stack trace, leaves no output
 * directory, keeps the runs both threads finished in <out>.resume.csv, and the same command run
 * again (on 1 thread) runs only the rest and writes the very bytes of an uninterrupted sweep.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/knsim.js');
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
// 24 runs of 5 minutes at 1,000 rps: seconds of CPU, so the signal comes long before the end.
const SWEEP = ['sweep', 'scenarios/quickstart.yaml', '--grid', `${CC}=2..9`, '--set', 'clients[0].open.rate.steps[1].rps=1000', '--set', 'clients[0].open.rate.steps[2].at=5m', '--duration', '300s', '--replications', '3', '--no-report'];
const env = { ...process.env, NO_COLOR: '1', CI: '1' };

/** Finished runs in a resume file: its lines after the header and the column line. */
const finishedRuns = (file: string): number => (existsSync(file) ? Math.max(0, readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length - 2) : 0);

describe('knsim sweep --workers 2, interrupted', () => {
  it('ends on SIGINT with no output and no stack trace, keeps the finished runs, and resumes to the bytes of an uninterrupted sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knsim-sweep-sigint-'));
    const out = join(dir, 'cut');
    const resumeFile = `${out}.resume.csv`;
    const child = spawn(process.execPath, [bin, ...SWEEP, '--workers', '2', '--out', out], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // Wait (polling the file, no time limit but the suite's) until some runs are logged.
    while (finishedRuns(resumeFile) < 2 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    expect(stdout).toBe('');
    expect(stderr).toBe('');
    expect(existsSync(out)).toBe(false);
    const kept = finishedRuns(resumeFile);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(24);

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
});
