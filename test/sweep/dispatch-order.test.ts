/**
 * Longest runs first: a sweep's threads take its costliest runs first (by each point's work
 * estimate), so a long run is not the last one left while the other threads idle; the results,
 * and every file written from them, stay in task order and the same as in index order.
 */
import { describe, expect, it } from 'vitest';
import { parseAxes } from '../../src/sweep/axes.js';
import { checkPoints, defineSweep } from '../../src/sweep/define.js';
import { longestFirst, runCost } from '../../src/sweep/dispatch-order.js';
import { createRunner } from '../../src/sweep/pool.js';
import { runSweep, type RunResult } from '../../src/sweep/sweep.js';
import type { RunTask } from '../../src/sweep/task.js';
import { newTaskQueue } from '../../src/sweep/task-queue.js';
import { newRunLog } from '../../src/sweep/run-log.js';
import runBatch from '../../src/sweep/worker.js';

const FILE = 'scenarios/quickstart.yaml';
const RPS = 'clients[0].open.rate.steps[1].rps';
const task = (seed: number): RunTask => ({ file: FILE, sets: [], seed, durationSeconds: 20 });

describe('longestFirst', () => {
  it('orders task indices by cost, highest first, equal costs in task order', () => {
    expect(longestFirst([5, 9, 5, 1, 9])).toEqual([1, 4, 0, 2, 3]);
    expect(longestFirst([1, 2, 3])).toEqual([2, 1, 0]);
    expect(longestFirst([7, 7, 7])).toEqual([0, 1, 2]);
    expect(longestFirst([])).toEqual([]);
  });

  it('counts a request as 3 events beside the periodic ones', () => {
    const item = (amount: number) => ({ file: FILE, path: 'clients[0]', amount, how: '' });
    expect(runCost({ requests: [item(1000), item(500)], events: 300 })).toBe(4800);
    expect(runCost({ requests: [], events: 300 })).toBe(300);
  });
});

describe('a runner with a dispatch order', () => {
  it('takes the tasks in that order on one thread and returns the results in task order', async () => {
    const tasks = [1, 2, 3, 4].map(task);
    const runner = createRunner(1);
    const taken: number[] = [];
    const got = await runner.runAll(tasks, (i) => taken.push(i), [2, 0, 3, 1]);
    expect(taken).toEqual([2, 0, 3, 1]);
    const plain = await runner.runAll(tasks);
    expect(got).toEqual(plain);
    expect(new Set(plain.map((m) => m.p99_ms)).size).toBeGreaterThan(1);
  });

  it('runs each task once on two threads, results in task order', async () => {
    const tasks = [1, 2, 3, 4, 5].map(task);
    const pool = createRunner(2);
    try {
      const taken: number[] = [];
      const got = await pool.runAll(tasks, (i) => taken.push(i), [4, 3, 2, 1, 0]);
      expect([...taken].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(got).toEqual(await createRunner(1).runAll(tasks));
    } finally {
      await pool.close();
    }
  });

  it("a worker thread's batch takes its tasks in the batch's order", async () => {
    const tasks = [1, 2, 3].map(task);
    const { results } = await runBatch({ tasks, queue: newTaskQueue(), runLog: newRunLog(tasks.length), order: [1, 2, 0] });
    expect(results.map(([i]) => i)).toEqual([1, 2, 0]);
    const plain = await runBatch({ tasks, queue: newTaskQueue(), runLog: newRunLog(tasks.length) });
    expect(plain.results.map(([i]) => i)).toEqual([0, 1, 2]);
  });

  it('refuses an order that is not a permutation of the tasks', async () => {
    const runner = createRunner(1);
    for (const order of [[0, 0], [0], [0, 2], [1, 0.5]]) {
      await expect(runner.runAll([task(1), task(2)], undefined, order)).rejects.toThrow(/not a permutation of the 2 task indices/);
    }
  });
});

describe('a sweep with point costs', () => {
  const { def } = defineSweep({ file: FILE, axes: parseAxes([`${RPS}=10,60,30`], '--grid'), replications: 2, durationSeconds: 40 });

  it('ranks the points by their load: more requests, higher cost', () => {
    const costs = checkPoints(FILE, def, [0, 1, 2]);
    expect([...costs.keys()]).toEqual([0, 1, 2]);
    expect(costs.get(1)!).toBeGreaterThan(costs.get(2)!);
    expect(costs.get(2)!).toBeGreaterThan(costs.get(0)!);
    expect(longestFirst([0, 1, 2].map((p) => costs.get(p)!))).toEqual([1, 2, 0]);
  });

  it('runs the costliest point first and writes the same results as in index order', async () => {
    const costs = checkPoints(FILE, def, [0, 1, 2]);
    const runner = createRunner(1);
    const ran: Array<[number, number]> = [];
    const ordered = await runSweep({ file: FILE, def, points: [0, 1, 2], runner, costs, onRun: (r: RunResult) => ran.push([r.point, r.replication]) });
    expect(ran).toEqual([
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
      [0, 0],
      [0, 1],
    ]);
    const plain = await runSweep({ file: FILE, def, points: [0, 1, 2], runner });
    expect(JSON.stringify(ordered)).toBe(JSON.stringify(plain));
    expect(ordered.runs.map((r) => [r.point, r.replication])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
    ]);
  });
});
