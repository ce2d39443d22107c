/**
 * The runs of a batch as they finish, shared by the threads that run them: each thread writes a
 * run's metrics into its slot and then appends the task index to a log, so the main thread can
 * hand every finished run on (to a sweep's resume file) between its own runs, not only when the
 * whole batch is back.
 */
import { METRIC_KEYS, type MetricValues } from '../output/metrics.js';

export interface RunLog {
  /** METRIC_KEYS.length doubles per task. */
  metrics: Float64Array;
  /** [0]: entries appended; [1 + k]: the k-th finished task's index + 1 (0 while not yet written). */
  order: Int32Array;
}

export function newRunLog(tasks: number): { metrics: SharedArrayBuffer; order: SharedArrayBuffer } {
  return {
    metrics: new SharedArrayBuffer(Math.max(1, tasks * METRIC_KEYS.length) * Float64Array.BYTES_PER_ELEMENT),
    order: new SharedArrayBuffer((tasks + 1) * Int32Array.BYTES_PER_ELEMENT),
  };
}

export function openRunLog(buffers: { metrics: SharedArrayBuffer; order: SharedArrayBuffer }): RunLog {
  return { metrics: new Float64Array(buffers.metrics), order: new Int32Array(buffers.order) };
}

/** Records that task `index` finished with `m` (the metrics first, then the index that points at them). */
export function logRun(log: RunLog, index: number, m: MetricValues): void {
  const at = index * METRIC_KEYS.length;
  METRIC_KEYS.forEach((k, j) => (log.metrics[at + j] = m[k]));
  const k = Atomics.add(log.order, 0, 1);
  Atomics.store(log.order, 1 + k, index + 1);
}

/**
 * Calls `visit` with each run logged since entry `from`, in the order they finished, and
 * returns where to continue: an entry whose index is not written yet stops it there.
 */
export function readRuns(log: RunLog, from: number, visit: (index: number, m: MetricValues) => void): number {
  const count = Atomics.load(log.order, 0);
  let k = from;
  for (; k < count; k++) {
    const index = Atomics.load(log.order, 1 + k) - 1;
    if (index < 0) break;
    const m = {} as MetricValues;
    const at = index * METRIC_KEYS.length;
    METRIC_KEYS.forEach((key, j) => (m[key] = log.metrics[at + j]!));
    visit(index, m);
  }
  return k;
}
