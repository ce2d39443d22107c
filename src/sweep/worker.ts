/** The piscina worker of sweeps and tuners: runs one RunTask per call. */
import { enableFastHistograms } from '../output/latency.js';
import { ScenarioError } from '../scenario/errors.js';
import type { MetricValues } from '../output/metrics.js';
import { runTask, type RunTask } from './task.js';

let ready: Promise<void> | undefined;

/** A ScenarioError as it crosses the thread boundary (its class would not survive the trip). */
export interface WorkerScenarioError {
  scenarioError: { file: string; path: string; rule: string };
}

export function isWorkerScenarioError(v: unknown): v is WorkerScenarioError {
  return typeof v === 'object' && v !== null && 'scenarioError' in v;
}

export default async function run(task: RunTask): Promise<MetricValues | WorkerScenarioError> {
  ready ??= enableFastHistograms();
  await ready;
  try {
    return runTask(task);
  } catch (e) {
    if (e instanceof ScenarioError) return { scenarioError: { file: e.file, path: e.path, rule: e.rule } };
    throw e;
  }
}
