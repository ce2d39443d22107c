/**
 * Runs sweep tasks in this thread, alone (workers = 1) or with a piscina pool of worker
 * threads. Results come back in task order whatever thread ran them, so the output does
 * not depend on the number of workers.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { MetricValues } from '../output/metrics.js';
import { ScenarioError } from '../scenario/errors.js';
import { attachedUserCallLog, attachedUserCallLogMirror, callsInProgress } from '../scenario/user-call-log.js';
import { outOfMemoryError } from '../scenario/user-classes.js';
import { runTaskInterruptible, type RunTask } from './task.js';
import { newTaskQueue, takeTask, taskAt, stopTasks } from './task-queue.js';
import { logRun, newRunLog, openRunLog, readRuns } from './run-log.js';
import type { Batch, BatchResult } from './worker.js';
import { onStop } from '../output/stop-signals.js';
import { markRun } from './test-marks.js';

export interface Runner {
  readonly workers: number;
  /**
   * Runs every task; `onDone` is called for each one as this thread learns it finished (a worker
   * thread's between this thread's own runs), with its task index and metrics. `order`, a permutation of
   * the task indices, is the order in which the threads take them (dispatch-order.ts; else task order).
   * Results are in task order either way.
   */
  runAll(tasks: readonly RunTask[], onDone?: (index: number, metrics: MetricValues) => void, order?: readonly number[]): Promise<MetricValues[]>;
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

function isPermutation(order: readonly number[], n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (!Number.isInteger(i) || i < 0 || i >= n || seen[i] === 1) return false;
    seen[i] = 1;
  }
  return true;
}

/**
 * `workers` threads: this one and `workers - 1` piscina worker threads, all taking tasks
 * from one shared queue. This thread has the modules loaded and the JIT warm already, so
 * a pool thread fewer means one isolate fewer to start and warm up.
 */
class ThreadsRunner implements Runner {
  private readonly pool: Piscina | undefined;
  constructor(
    readonly workers: number,
    private readonly podLimit: number | undefined,
    private readonly maxRequests: number | undefined,
    private readonly inFlightLimit: number | undefined,
  ) {
    const helpers = workers - 1;
    if (helpers > 0) {
      const { filename, execArgv } = workerScript();
      this.pool = new Piscina({ filename, execArgv, minThreads: helpers, maxThreads: helpers, idleTimeout: 60_000, concurrentTasksPerWorker: 1 });
    }
  }
  async runAll(given: readonly RunTask[], onDone?: (index: number, metrics: MetricValues) => void, order?: readonly number[]): Promise<MetricValues[]> {
    if (order !== undefined && !isPermutation(order, given.length)) throw new Error(`runAll: the dispatch order is not a permutation of the ${given.length} task indices`);
    const { podLimit, maxRequests, inFlightLimit } = this;
    const tasks =
      podLimit === undefined && maxRequests === undefined && inFlightLimit === undefined ? given : (
        given.map((t) => ({
          ...t,
          ...(podLimit !== undefined ? { podLimit } : {}),
          ...(maxRequests !== undefined ? { maxRequests } : {}),
          ...(inFlightLimit !== undefined ? { inFlightLimit } : {}),
        }))
      );
    const out: MetricValues[] = new Array<MetricValues>(tasks.length);
    const queue = newTaskQueue();
    const runLog = newRunLog(tasks.length);
    const log = openRunLog(runLog);
    let reported = 0;
    const report = (): void => {
      reported = readRuns(log, reported, (i, m) => {
        onDone?.(i, m);
        markRun();
      });
    };
    const userCallLog = attachedUserCallLog();
    const userCallLogMirror = attachedUserCallLogMirror();
    const batch: Batch = { tasks, queue, runLog, ...(order !== undefined ? { order } : {}), ...(userCallLog !== undefined ? { userCallLog } : {}), ...(userCallLogMirror !== undefined ? { userCallLogMirror } : {}) };
    const pool = this.pool;
    const helpers = pool === undefined ? [] : Array.from({ length: Math.min(this.workers - 1, tasks.length) }, () => pool.run(batch) as Promise<BatchResult>);
    // A failed run, by task index (a pool thread's unexpected error has none).
    const failures: Array<{ index: number; error: unknown }> = [];
    // Stopped by a signal, the command first learns of the runs the worker threads finished since
    // this thread last looked (hooks run latest first: before the command's, which say what was kept).
    const unhook = onStop(report);
    try {
      for (let k = takeTask(queue); k < tasks.length; k = takeTask(queue)) {
        const i = taskAt(order, k);
        try {
          // In slices with turns of the event loop (sliced-run.ts): a signal's handler runs within the run.
          const m = await runTaskInterruptible(tasks[i]!);
          out[i] = m;
          logRun(log, i, m);
        } catch (error) {
          stopTasks(queue, tasks.length);
          failures.push({ index: i, error });
          break;
        }
        report();
        // A turn between runs too: a run shorter than a slice's turn gives none of its own.
        await new Promise<void>((r) => setImmediate(r));
      }
      // Settle every thread first, so nothing of this batch is still running when it rejects.
      for (const h of await Promise.allSettled(helpers)) {
        if (h.status === 'rejected') {
          failures.push({ index: Number.POSITIVE_INFINITY, error: h.reason });
          continue;
        }
        for (const [i, m] of h.value.results) out[i] = m;
        const f = h.value.failed;
        if (f !== undefined) failures.push({ index: f.index, error: new ScenarioError(f.scenarioError.file, f.scenarioError.path, f.scenarioError.rule, f.scenarioError.within) });
      }
      report();
    } finally {
      unhook();
    }
    // A pool thread that a user module's call ran out of memory: every other thread has returned,
    // so the call still logged as in progress is the one that died with it.
    const died = userCallLog === undefined ? undefined : callsInProgress(userCallLog)[0];
    if (died !== undefined) {
      for (const f of failures) if ((f.error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') f.error = outOfMemoryError(died);
    }
    if (failures.length > 0) {
      const first = failures.reduce((a, b) => (b.index < a.index ? b : a));
      const where = tasks[first.index]?.where;
      const e = first.error;
      // The scenario file alone does not say which of the sweep's runs it was.
      if (e instanceof ScenarioError && where !== undefined) throw new ScenarioError(e.file, e.path, `${e.rule} (at ${where})`, e.within);
      throw e;
    }
    return out;
  }
  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/**
 * A runner with `workers` threads (1: no worker threads at all; K: this thread and K - 1 worker
 * threads). `podLimit` (--max-pods) caps every run's pods at once; `maxRequests` (--max-requests,
 * when given) every run's requests, else each run caps its own (runRequestLimit); `inFlightLimit`
 * (--max-in-flight) every run's requests in flight at once.
 */
export function createRunner(workers: number, opts: { podLimit?: number; maxRequests?: number | undefined; inFlightLimit?: number } = {}): Runner {
  return new ThreadsRunner(Math.max(1, workers), opts.podLimit, opts.maxRequests, opts.inFlightLimit);
}
