/**
 * Worker threads the machine can hold. Each of a sweep's, compare's or tune's worker threads is
 * a V8 isolate with knsim's code loaded: about 35 MB before its run's own memory (measured: 48
 * threads running quickstart held 1.7 GB). --workers takes up to 1,024, so a large grid with
 * --workers 1024 asked for some 36 GB and was killed by the kernel mid-sweep; it is now
 * refused before the first thread starts. In a container the limit counts, not the machine.
 */
import { totalmem } from 'node:os';
import { UsageError } from './errors.js';

const MiB = 1024 * 1024;
/** A worker thread's own memory, rounded up from the 35 MB measured. */
export const WORKER_THREAD_BYTES = 48 * MiB;

/** The most threads whose own memory fits in half of `totalBytes`, the rest left to their runs and the machine. */
export function maxWorkerThreads(totalBytes: number): number {
  return Math.max(1, Math.floor(totalBytes / 2 / WORKER_THREAD_BYTES));
}

export const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/**
 * The memory this process may use: the machine's, or its cgroup's limit when lower (a container's,
 * a Kubernetes pod's `limits.memory`), past which the kernel kills it. Node 20 reports no limit
 * as 0 or as 2^64.
 */
export function processMemory(total = totalmem(), constrained = process.constrainedMemory?.() ?? 0): { bytes: number; limited: boolean } {
  return constrained > 0 && constrained < total ? { bytes: constrained, limited: true } : { bytes: total, limited: false };
}

/**
 * Refuses `threads` worker threads (this one included) when their own memory passes half of what
 * the process may use.
 */
export function checkWorkerThreads(threads: number, totalBytes?: number): void {
  const memory = totalBytes !== undefined ? { bytes: totalBytes, limited: false } : processMemory();
  const max = maxWorkerThreads(memory.bytes);
  if (threads <= max) return;
  const of = memory.limited ? "this container's memory limit," : "this machine's";
  throw new UsageError(
    `--workers ${threads}: each worker thread holds about ${Math.round(WORKER_THREAD_BYTES / 1e6)} MB before its runs' own memory, so ${threads} need ${gb(threads * WORKER_THREAD_BYTES)}, more than half of ${of} ${gb(memory.bytes)}: use at most ${max}`,
  );
}
