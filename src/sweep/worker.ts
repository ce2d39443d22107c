/** The piscina worker of sweeps and tuners: runs tasks of a batch until none is left (see task-queue.ts). */
import { ScenarioError } from '../scenario/errors.js';
import type { MetricValues } from '../output/metrics.js';
import { runTask, type RunTask } from './task.js';
import { stopTasks, takeTask, taskAt, type TaskQueue } from './task-queue.js';
import { attachUserCallLog } from '../scenario/user-call-log.js';
import { logRun, openRunLog } from './run-log.js';
import { nameWorkerThread } from './thread-name.js';

nameWorkerThread();

/** A ScenarioError as it crosses the thread boundary (its class would not survive the trip). */
export interface WorkerScenarioError {
  scenarioError: { file: string; path: string; rule: string; within: string };
}

export interface Batch {
  tasks: readonly RunTask[];
  queue: TaskQueue;
  /** The order in which the threads take the tasks (a permutation of their indices); else task order. */
  order?: readonly number[] | undefined;
  /** The user-module call log of an isolated command (src/cli/isolated.ts), which this thread writes too. */
  userCallLog?: SharedArrayBuffer | undefined;
  /** The descriptor of the log's mirror file (the process's threads share it), if it has one. */
  userCallLogMirror?: number | undefined;
  /** Where each finished run is logged as it finishes (run-log.ts). */
  runLog: { metrics: SharedArrayBuffer; order: SharedArrayBuffer };
}

export interface BatchResult {
  /** [task index, metrics] of every task this thread ran. */
  results: Array<[number, MetricValues]>;
  /** The task whose scenario was refused (the batch stopped there). */
  failed?: { index: number } & WorkerScenarioError;
}

export default async function run(batch: Batch): Promise<BatchResult> {
  const { tasks, queue, order } = batch;
  if (batch.userCallLog !== undefined) attachUserCallLog(batch.userCallLog, batch.userCallLogMirror);
  const log = openRunLog(batch.runLog);
  const results: Array<[number, MetricValues]> = [];
  for (let k = takeTask(queue); k < tasks.length; k = takeTask(queue)) {
    const i = taskAt(order, k);
    try {
      const m = runTask(tasks[i]!);
      results.push([i, m]);
      logRun(log, i, m);
    } catch (e) {
      stopTasks(queue, tasks.length);
      if (e instanceof ScenarioError) return { results, failed: { index: i, scenarioError: { file: e.file, path: e.path, rule: e.rule, within: e.within } } };
      throw e;
    }
  }
  return { results };
}
