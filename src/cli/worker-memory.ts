/**
 * Worker threads the machine can hold. Each of a sweep's, compare's or tune's worker threads is
 * a V8 isolate with knsim's code loaded: about 35 MB before its run's own memory (measured: 48
 * threads running quickstart held 1.7 GB). --workers takes up to 1,024, so a large grid with
 * --workers 1024 asked for some 36 GB and was killed by the kernel mid-sweep; it is now
 * refused before the first thread starts.
 */
import { totalmem } from 'node:os';
import { UsageError } from './errors.js';

const MiB = 1024 * 1024;
/** A worker thread's own memory, rounded up from the 35 MB measured. */
const WORKER_THREAD_BYTES = 48 * MiB;

/** The most threads whose own memory fits in half of `totalBytes`, the rest left to their runs and the machine. */
export function maxWorkerThreads(totalBytes: number): number {
  return Math.max(1, Math.floor(totalBytes / 2 / WORKER_THREAD_BYTES));
}

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(1)} GB`;

/** Refuses `threads` worker threads (this one included) when their own memory passes half of the machine's. */
export function checkWorkerThreads(threads: number, totalBytes = totalmem()): void {
  const max = maxWorkerThreads(totalBytes);
  if (threads <= max) return;
  throw new UsageError(
    `--workers ${threads}: each worker thread holds about ${Math.round(WORKER_THREAD_BYTES / 1e6)} MB before its runs' own memory, so ${threads} need ${gb(threads * WORKER_THREAD_BYTES)}, more than half of this machine's ${gb(totalBytes)}: use at most ${max}`,
  );
}
