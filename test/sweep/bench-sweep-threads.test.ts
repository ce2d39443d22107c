/**
 * The bench's per-thread CPU of a sweep process (src/sweep/bench-sweep-threads.ts): /proc's stat
 * lines parsed, the threads split into simulation and background, and the pool's threads named so
 * that the split can find them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseTaskStat, sampleThreads, splitThreadCpu, watchThreads } from '../../src/sweep/bench-sweep-threads.js';
import { createRunner } from '../../src/sweep/pool.js';
import { WORKER_THREAD_NAME } from '../../src/sweep/thread-name.js';

/** A stat line as Linux writes it, with `utime` and `stime` in ticks of 1/100 s. */
const statLine = (tid: number, comm: string, utime: number, stime: number): string =>
  `${tid} (${comm}) S 1 ${tid} ${tid} 0 -1 4194560 1000 0 0 0 ${utime} ${stime} 0 0 20 0 12 0 100 1000000 5000 18446744073709551615`;

describe('parseTaskStat', () => {
  it('reads utime + stime in seconds and the comm, even one holding parentheses and spaces', () => {
    expect(parseTaskStat(7, statLine(7, 'node', 637, 12))).toEqual({ tid: 7, name: 'node', cpuSeconds: 6.49 });
    expect(parseTaskStat(8, statLine(8, 'a) b (c', 250, 30))).toEqual({ tid: 8, name: 'a) b (c', cpuSeconds: 2.8 });
  });

  it('gives nothing for a line that is not a stat line', () => {
    expect(parseTaskStat(1, 'no parentheses here')).toBeUndefined();
    expect(parseTaskStat(1, '1 (node) S 1')).toBeUndefined();
  });
});

describe('splitThreadCpu', () => {
  it('puts the main thread first, then the pool threads by id, and sums every other thread as background', () => {
    const split = splitThreadCpu(
      [
        { tid: 107, name: WORKER_THREAD_NAME, cpuSeconds: 3.52 },
        { tid: 100, name: 'node', cpuSeconds: 3.6 },
        { tid: 101, name: 'node', cpuSeconds: 0.35 },
        { tid: 102, name: 'node', cpuSeconds: 0.34 },
        { tid: 105, name: WORKER_THREAD_NAME, cpuSeconds: 3.4 },
        { tid: 103, name: 'node', cpuSeconds: 0.5 },
      ],
      100,
    );
    expect(split.simulation).toEqual([3.6, 3.4, 3.52]);
    expect(split.background).toBeCloseTo(1.19, 10);
  });

  it('with no pool thread the main thread alone simulates', () => {
    expect(splitThreadCpu([{ tid: 50, name: 'node', cpuSeconds: 7.46 }, { tid: 51, name: 'node', cpuSeconds: 0.71 }], 50)).toEqual({ simulation: [7.46], background: 0.71 });
  });
});

describe('the threads of a process, from /proc', () => {
  it("reads a live child's main thread, with the CPU it has used", async () => {
    // The child spends 0.3 s of CPU, says so, and waits for its stdin to close.
    const child = spawn(process.execPath, ['-e', "while (process.cpuUsage().user < 300000); process.stdout.write('done\\n'); process.stdin.resume();"], { stdio: ['pipe', 'pipe', 'ignore'] });
    try {
      const watch = watchThreads(child.pid!);
      await once(child.stdout, 'data');
      const main = sampleThreads(child.pid!).find((s) => s.tid === child.pid);
      expect(main?.cpuSeconds).toBeGreaterThanOrEqual(0.3);
      // The watch took its first sample as it started, so it has the main thread whenever it stops.
      expect(watch.stop().some((s) => s.tid === child.pid)).toBe(true);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
    // Gone: nothing to read.
    expect(sampleThreads(child.pid!)).toEqual([]);
  });

  it("names a pool's worker thread, and only it: 2 workers simulate on 2 threads, 1 on the main thread alone", async () => {
    const tasks = [1, 2].map((seed) => ({ file: 'scenarios/quickstart.yaml', sets: [], seed, durationSeconds: 30 }));
    const named = () => sampleThreads(process.pid).filter((s) => s.name === WORKER_THREAD_NAME);
    const alone = createRunner(1);
    await alone.runAll(tasks);
    expect(named()).toEqual([]);
    const pool = createRunner(2);
    try {
      await pool.runAll(tasks);
      expect(named()).toHaveLength(1);
      const split = splitThreadCpu(sampleThreads(process.pid), process.pid);
      expect(split.simulation).toHaveLength(2);
      // The main thread keeps the process's name.
      expect(sampleThreads(process.pid).find((s) => s.tid === process.pid)?.name).not.toBe(WORKER_THREAD_NAME);
    } finally {
      await pool.close();
    }
    expect(named()).toEqual([]);
  });
});
