/**
 * Runs sweep tasks in this thread (workers = 1) or on a piscina pool of worker threads.
 * Results come back in task order whatever order the workers finish in, so the output
 * does not depend on the number of workers.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { MetricValues } from '../output/metrics.js';
import { enableFastHistograms } from '../output/latency.js';
import { ScenarioError } from '../scenario/errors.js';
import { runTask, type RunTask } from './task.js';
import { isWorkerScenarioError } from './worker.js';

export interface Runner {
  readonly workers: number;
  /** Runs every task; `onDone` is called after each one. Results are in task order. */
  runAll(tasks: readonly RunTask[], onDone?: () => void): Promise<MetricValues[]>;
  close(): Promise<void>;
}

/** The default worker count: one per available CPU. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker script next to this module: worker.js in dist/, worker.ts when running from
 * src/ (under vitest or tsx), in which case the worker threads load tsx to run it.
 */
export function workerScript(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const filename = new URL('./worker.ts', here).href;
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { filename, execArgv: ['--import', tsx] };
  }
  const filename = new URL('./worker.js', here).href;
  if (!existsSync(fileURLToPath(filename))) throw new Error(`the sweep worker script is missing: ${fileURLToPath(filename)}`);
  return { filename, execArgv: [] };
}

class InProcessRunner implements Runner {
  readonly workers = 1;
  async runAll(tasks: readonly RunTask[], onDone?: () => void): Promise<MetricValues[]> {
    // Many runs in this thread: the WebAssembly histograms' start-up pays for itself (as in worker.ts).
    await enableFastHistograms();
    const out: MetricValues[] = [];
    for (const t of tasks) {
      out.push(runTask(t));
      onDone?.();
      // Let timers (the progress bar) and signals through between runs.
      await new Promise<void>((r) => setImmediate(r));
    }
    return out;
  }
  async close(): Promise<void> {}
}

class PoolRunner implements Runner {
  private readonly pool: Piscina;
  constructor(readonly workers: number) {
    const { filename, execArgv } = workerScript();
    this.pool = new Piscina({ filename, execArgv, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, concurrentTasksPerWorker: 1 });
  }
  async runAll(tasks: readonly RunTask[], onDone?: () => void): Promise<MetricValues[]> {
    // Hand tasks out in order, one per idle worker: piscina's own queue does not keep
    // submission order, and runs that start in grid order make the progress bar honest.
    const out: MetricValues[] = new Array<MetricValues>(tasks.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length) {
        const i = next++;
        try {
          const r: unknown = await this.pool.run(tasks[i]);
          if (isWorkerScenarioError(r)) throw new ScenarioError(r.scenarioError.file, r.scenarioError.path, r.scenarioError.rule);
          out[i] = r as MetricValues;
        } catch (err) {
          next = tasks.length; // one failed run fails the sweep: start no more
          throw err;
        }
        onDone?.();
      }
    };
    // Settle every lane first, so nothing of this sweep is still running when it rejects.
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(this.workers, tasks.length) }, lane));
    for (const l of lanes) if (l.status === 'rejected') throw l.reason;
    return out;
  }
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** A runner with `workers` threads (1: no worker threads at all). */
export function createRunner(workers: number): Runner {
  return workers <= 1 ? new InProcessRunner() : new PoolRunner(workers);
}
