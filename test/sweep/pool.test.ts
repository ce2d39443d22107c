/** The worker-thread runner: results in task order, and a failed run stops the sweep. */
import { describe, expect, it } from 'vitest';
import { createRunner } from '../../src/sweep/pool.js';
import type { RunTask } from '../../src/sweep/task.js';

const FILE = 'scenarios/quickstart.yaml';
const task = (seed: number, file = FILE, durationSeconds = 60): RunTask => ({ file, sets: [], seed, durationSeconds });

describe('pool runner (2 worker threads)', () => {
  it('returns every result in task order, equal to the in-process runner', async () => {
    const tasks = [1, 2, 3, 4, 5].map((s) => task(s));
    const pool = createRunner(2);
    let done = 0;
    const told = new Map<number, unknown>();
    try {
      const got = await pool.runAll(tasks, (i, m) => {
        done++;
        told.set(i, m);
      });
      const want = await createRunner(1).runAll(tasks);
      expect(got).toEqual(want);
      // Each run is handed on once, with its own task index and metrics, whichever thread ran it.
      expect([...told.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
      for (const [i, m] of told) expect(m).toEqual(want[i]);
      // Different seeds give different runs, so the order check means something.
      expect(new Set(want.map((m) => m.p99_ms)).size).toBeGreaterThan(1);
      expect(done).toBe(5);
    } finally {
      await pool.close();
    }
  });

  it('rejects on a failed run and starts no further runs', async () => {
    const tasks = [task(1), task(2, 'scenarios/no-such-file.yaml'), ...Array.from({ length: 20 }, (_, i) => task(i + 3, FILE, 3600))];
    const pool = createRunner(2);
    let done = 0;
    try {
      await expect(pool.runAll(tasks, () => done++)).rejects.toThrow(/no-such-file/);
      // runAll settles before it rejects, so this count is final: the other worker finishes
      // what it had started, but the 20 runs after the failure (an hour of quickstart each,
      // about a second, so even a worker that starts seconds late on a loaded machine lets
      // only a few through) are not run.
      expect(done).toBeLessThanOrEqual(8);
    } finally {
      await pool.close();
    }
  });
});
