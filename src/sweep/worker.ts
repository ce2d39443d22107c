/** The piscina worker of sweeps and tuners: runs one RunTask per call. */
import { enableFastHistograms } from '../output/latency.js';
import type { MetricValues } from '../output/metrics.js';
import { runTask, type RunTask } from './task.js';

let ready: Promise<void> | undefined;

export default async function run(task: RunTask): Promise<MetricValues> {
  ready ??= enableFastHistograms();
  await ready;
  return runTask(task);
}
