/**
 * The tuner's runs go to the threads costliest first, by each point's work estimate, as a
 * sweep's do; what it finds, and every file it writes, are byte for byte what grid order gives.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricValues } from '../../src/output/metrics.js';
import { parseAxes } from '../../src/sweep/axes.js';
import { checkPoints, defineSweep } from '../../src/sweep/define.js';
import { createRunner, type Runner } from '../../src/sweep/pool.js';
import { taskFor } from '../../src/sweep/sweep.js';
import { writeTuneDir } from '../../src/sweep/tune-output.js';
import { tuneRuns } from '../../src/sweep/tune-runs.js';
import { parseSlo, tune, winnerPatch, type TuneProblem } from '../../src/sweep/tune.js';
import { loadScenario } from '../../src/scenario/load.js';

const FILE = 'scenarios/quickstart.yaml';
const RPS = 'clients[0].open.rate.steps[1].rps';
const CC = 'services[0].manifest.spec.template.spec.containerConcurrency';
const axes = parseAxes([`${RPS}=10,30,60`, `${CC}=5,20`], '--space');
const { def } = defineSweep({ file: FILE, axes, seeds: 'common', replications: 2, durationSeconds: 30, flag: '--space' });
const slos = [parseSlo('p99<=2s')];

/** A runner that records the order each batch is handed out in, and the tasks' points. */
function recording(inner: Runner): { runner: Runner; batches: Array<{ points: number[]; order: readonly number[] | undefined }> } {
  const batches: Array<{ points: number[]; order: readonly number[] | undefined }> = [];
  const pointOf = (where: string | undefined): number => Number(/^point (\d+):/.exec(where ?? '')![1]);
  return {
    batches,
    runner: {
      workers: inner.workers,
      runAll: (tasks, onDone, order) => {
        batches.push({ points: tasks.map((t) => pointOf(t.where)), order });
        return inner.runAll(tasks, onDone, order);
      },
      close: () => inner.close(),
    },
  };
}

const problem = (runs: Pick<TuneProblem, 'beforeNew' | 'evaluate'>): TuneProblem => ({ axes, slos, objective: 'pod_seconds', replications: 2, seed: def.baseSeed, ...runs });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function writeOut(result: Awaited<ReturnType<typeof tune>>): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'knsim-tune-dispatch-'));
  dirs.push(dir);
  const w = result.winner!;
  const patch = winnerPatch(loadScenario(FILE), axes, w.values).yaml;
  const out = join(dir, 'out');
  await writeTuneDir(out, { def, slos, objective: 'pod_seconds', result, patch }, { report: true });
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(out, p), readFileSync(p, 'latin1'));
    }
  };
  walk(out);
  return files;
}

describe('knsim tune dispatch order', () => {
  it('hands out each batch costliest point first, and writes the same bytes as grid order', async () => {
    const costs = checkPoints(FILE, def, [0, 1, 2, 3, 4, 5]);
    // Points: rps 10, 30, 60 (slowest axis) × containerConcurrency 5, 20: the 60 rps points cost most.
    expect(costs.get(4)!).toBeGreaterThan(costs.get(2)!);
    expect(costs.get(2)!).toBeGreaterThan(costs.get(0)!);

    const pool = createRunner(2);
    const { runner, batches } = recording(pool);
    let ordered;
    try {
      ordered = await tune(problem(tuneRuns({ file: FILE, def, runner })));
    } finally {
      await pool.close();
    }
    expect(batches.length).toBeGreaterThan(0);
    let reordered = 0;
    for (const b of batches) {
      const order = b.order!;
      expect([...order].sort((x, y) => x - y)).toEqual(b.points.map((_, i) => i));
      const dispatched = order.map((i) => costs.get(b.points[i]!)!);
      // Costliest first; equal costs (a point's replications) in batch order.
      for (let k = 1; k < dispatched.length; k++) {
        expect(dispatched[k]!).toBeLessThanOrEqual(dispatched[k - 1]!);
        if (dispatched[k] === dispatched[k - 1]) expect(order[k]!).toBeGreaterThan(order[k - 1]!);
      }
      if (order.some((i, k) => i !== k)) reordered++;
    }
    // The first batch (screening) has the rps 60 points last in grid order and first in dispatch.
    expect(reordered).toBeGreaterThan(0);
    expect(batches[0]!.points[batches[0]!.order![0]!]).toBeGreaterThanOrEqual(4);

    // Grid order, as knsim tune dispatched before: one thread, the batch's own order.
    const one = createRunner(1);
    const gridOrder = await tune(
      problem({
        beforeNew: (points) => void checkPoints(FILE, def, points),
        evaluate: (pairs): Promise<MetricValues[]> => one.runAll(pairs.map(([p, r]) => taskFor(FILE, def, p, r))),
      }),
    );
    expect(ordered.simulations).toBe(gridOrder.simulations);
    const a = await writeOut(ordered);
    const b = await writeOut(gridOrder);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect([...a.keys()]).toContain('report.html');
    for (const [f, bytes] of a) expect(bytes, f).toBe(b.get(f));
  }, 120_000);
});
