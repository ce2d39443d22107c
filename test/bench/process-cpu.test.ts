/** The bench's child-process CPU measurement: the child's own CPU, every thread, not the parent's. */
import { describe, expect, it } from 'vitest';
import { processCpu } from '../../src/bench/process-cpu.js';

/** A fixed amount of work: the same CPU time wherever it runs, give or take the machine's load. */
const WORK = 'let x = 0; for (let i = 0; i < 3e8; i++) x = (x + i * 7) % 1000003; if (x < 0) console.log(x);';

function cpuOfWorkHere(): number {
  const c0 = process.cpuUsage();
  new Function(WORK)();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

describe('processCpu', () => {
  it('counts the CPU of every thread of the child', () => {
    const once = cpuOfWorkHere();
    // The work twice: once in a worker thread, once in the main thread, one after the other.
    const script = `const { Worker } = require('node:worker_threads'); new Worker(${JSON.stringify(WORK)}, { eval: true }).on('exit', () => { ${WORK} });`;
    const r = processCpu(['-e', script], process.cwd());
    // One thread's share alone would be about 1× (plus node's start-up); both make about 2×.
    expect(r.cpuSeconds).toBeGreaterThan(1.6 * once);
    expect(r.peakRssMB).toBeGreaterThan(10);
  });

  it('reports a failing child with its stderr', () => {
    expect(() => processCpu(['-e', 'console.error("boom"); process.exit(3)'], process.cwd())).toThrow(/exited with 3: boom/);
  });
});
