/**
 * The main thread of a sweep runs its simulations in slices with turns of the event loop between
 * them (src/run/sliced-run.ts), so a signal is handled within a run; worker threads run theirs whole.
 * Slicing changes nothing: a run's metrics are those of the same run unsliced, and a sweep on 1 or 2
 * threads writes the very bytes (sweep.csv, runs.csv, sweep.json, report, resume file) that a
 * runner running every run unsliced writes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricValues } from '../../src/output/metrics.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { defineSweep } from '../../src/sweep/define.js';
import { writeSweepDir } from '../../src/sweep/files.js';
import { createRunner, type Runner } from '../../src/sweep/pool.js';
import { openResume } from '../../src/sweep/resume.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { runTask, runTaskInterruptible, type RunTask } from '../../src/sweep/task.js';
import { taskAt } from '../../src/sweep/task-queue.js';

const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Every run unsliced (runTask, as a worker thread runs it), in the dispatch order, on this thread. */
const unsliced: Runner = {
  workers: 1,
  runAll(tasks: readonly RunTask[], onDone?: (index: number, metrics: MetricValues) => void, order?: readonly number[]): Promise<MetricValues[]> {
    const out = new Array<MetricValues>(tasks.length);
    for (let k = 0; k < tasks.length; k++) {
      const i = taskAt(order, k);
      const m = runTask(tasks[i]!);
      out[i] = m;
      onDone?.(i, m);
    }
    return Promise.resolve(out);
  },
  close: () => Promise.resolve(),
};

/** Every file under `dir`, by relative path, with its bytes. */
function filesOf(dir: string, under = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of readdirSync(join(dir, under)).sort()) {
    const rel = join(under, n);
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of filesOf(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel), 'latin1'));
  }
  return out;
}

/** The sweep with `runner`: its output directory's files and its resume file's lines (before it is removed). */
async function sweepWith(file: string, grid: string, runner: Runner, report: boolean): Promise<{ files: Map<string, string>; resume: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-sliced-'));
  made.push(dir);
  const out = join(dir, 'out');
  const { def } = defineSweep({ file, axes: parseAxes([grid], '--grid'), replications: 2, durationSeconds: 240 });
  const points = [0, 1];
  const resume = openResume(out, def, undefined, points);
  try {
    const results = await runSweep({ file, def, points, runner, done: resume.done, onRun: resume.append, costs: new Map([[0, 1], [1, 2]]) });
    await writeSweepDir(out, def, undefined, results, { report });
  } finally {
    await runner.close();
  }
  return { files: filesOf(out), resume: readFileSync(resume.path, 'utf8') };
}

describe('slicing the main thread’s runs', () => {
  it('gives each run the metrics of the same run unsliced (quickstart, karpenter-drift, hello-world)', async () => {
    const tasks: RunTask[] = [
      { file: 'scenarios/quickstart.yaml', sets: [], seed: 3, durationSeconds: 240 },
      { file: 'scenarios/karpenter-drift.yaml', sets: [], seed: 5 },
      { file: 'scenarios/hello-world.yaml', sets: [`${CC}=1`], seed: 7, durationSeconds: 120 },
    ];
    for (const t of tasks) {
      const whole = runTask(t);
      expect(whole.pod_seconds, t.file).toBeGreaterThan(100);
      expect(Number.isFinite(whole.p99_ms), t.file).toBe(true);
      expect(await runTaskInterruptible(t), t.file).toEqual(whole);
    }
  });

  it('a sweep on 1 and on 2 threads writes the bytes an unsliced sweep writes, report and resume file included', async () => {
    const want = await sweepWith('scenarios/quickstart.yaml', `${CC}=2,5`, unsliced, true);
    expect([...want.files.keys()]).toEqual(expect.arrayContaining(['report.html', 'runs.csv', 'sweep.csv', 'sweep.json']));
    // Two points of two replications: the resume file's header, its columns and four runs.
    expect(want.resume.split('\n').filter((l) => l !== '')).toHaveLength(6);
    const one = await sweepWith('scenarios/quickstart.yaml', `${CC}=2,5`, createRunner(1), true);
    expect(one.files).toEqual(want.files);
    // One thread appends the runs in the dispatch order, as the unsliced runner does.
    expect(one.resume).toBe(want.resume);
    const two = await sweepWith('scenarios/quickstart.yaml', `${CC}=2,5`, createRunner(2), true);
    expect(two.files).toEqual(want.files);
    // Two threads append them as they finish: the same lines, in an order of their timing.
    const sorted = (text: string): string[] => text.split('\n').sort();
    expect(sorted(two.resume)).toEqual(sorted(want.resume));
  });
});
