/**
 * How much of a run the report can chart. It reads each per-second CSV a row at a time, but
 * holds every revision's series as numbers (8 bytes each) while it charts them: about 2 bytes
 * of heap per byte of CSV at the peak. Measured on 1,000 services: 15 minutes are 160 MB of
 * CSV and peaked at 0.5 GB of heap; 2 h 48 min are 1,513 MiB and peaked at 3.0 GB (and still
 * charted with the heap capped at 3 GB). Node aborts when its heap is full, and its heap
 * limit depends on the machine (4,144 MiB on a 24 GB one, less with less memory, more with
 * --max-old-space-size), so the budget follows the limit, and a run past it gets a one-line
 * refusal instead.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';

/** The files the report reads. */
const LOADED = ['timeseries.csv', 'autoscaler.csv', 'requests-per-second.csv', 'latency-buckets.csv', 'latency-cdf.csv', 'pods.csv', 'nodes.csv'];

const MiB = 1024 * 1024;
/** Heap the report needs besides the series (vega, the charts' specs and images), with room to spare. */
const HEAP_BESIDES_SERIES = 1024 * MiB;
/** Heap per byte of CSV at the peak, as measured above. */
const HEAP_PER_CSV_BYTE = 2;
/** The budget on the smallest heaps: a short run's report always fits. */
const SMALLEST_BUDGET = 64 * MiB;

/** The most bytes of those files the report reads with a heap limit of `heapLimitBytes` (1,560 MiB with node's 4,144 MiB). */
export function reportInputLimit(heapLimitBytes: number): number {
  return Math.max(SMALLEST_BUDGET, Math.floor((heapLimitBytes - HEAP_BESIDES_SERIES) / HEAP_PER_CSV_BYTE));
}

/** The run's files are more than the report can load. */
export class ReportTooLargeError extends Error {
  override readonly name = 'ReportTooLargeError';
}

const mb = (bytes: number): string => `${Math.round(bytes / MiB)} MiB`;

/** Refuses a run directory whose loaded files pass what a heap of `heapLimitBytes` (this process's) can chart, naming the largest ones. */
export function checkReportInput(dir: string, runDir: string, heapLimitBytes = getHeapStatistics().heap_size_limit): void {
  const limit = reportInputLimit(heapLimitBytes);
  const sizes = LOADED.map((f) => ({ f, bytes: statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0 })).filter((x) => x.bytes > 0);
  const total = sizes.reduce((a, x) => a + x.bytes, 0);
  if (total <= limit) return;
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 2).map((x) => `${x.f} ${mb(x.bytes)}`);
  throw new ReportTooLargeError(
    `${runDir}: the report holds the run's time series in memory, and they are ${mb(total)} (${largest.join(', ')}), more than the ${mb(limit)} it can chart in node's ${mb(heapLimitBytes)} heap (NODE_OPTIONS=--max-old-space-size raises it); the run's files are complete`,
  );
}
