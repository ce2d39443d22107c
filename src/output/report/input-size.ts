/**
 * How much of a run the report can chart. It reads each per-second CSV a row at a time, but
 * holds every revision's series as numbers (8 bytes each) while it charts them: about 2 bytes
 * of heap per byte of CSV at the peak. Measured on 1,000 services: 15 minutes are 160 MB of
 * CSV and peaked at 0.5 GB of heap; 2 h 48 min are 1,513 MiB and peaked at 3.0 GB (and still
 * charted with the heap capped at 3 GB). Node's heap stops near 4 GB, where the process
 * aborts, so a run past this budget gets a one-line refusal instead.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The files the report reads. */
const LOADED = ['timeseries.csv', 'autoscaler.csv', 'requests-per-second.csv', 'latency-buckets.csv', 'latency-cdf.csv', 'pods.csv', 'nodes.csv'];

/** The most bytes of those files the report reads (about 3 GB of heap at the peak). */
export const REPORT_INPUT_LIMIT_BYTES = 1536 * 1024 * 1024;

/** The run's files are more than the report can load. */
export class ReportTooLargeError extends Error {
  override readonly name = 'ReportTooLargeError';
}

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MiB`;

/** Refuses a run directory whose loaded files pass `limit` bytes, naming the largest ones. */
export function checkReportInput(dir: string, runDir: string, limit = REPORT_INPUT_LIMIT_BYTES): void {
  const sizes = LOADED.map((f) => ({ f, bytes: statSync(join(dir, f), { throwIfNoEntry: false })?.size ?? 0 })).filter((x) => x.bytes > 0);
  const total = sizes.reduce((a, x) => a + x.bytes, 0);
  if (total <= limit) return;
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 2).map((x) => `${x.f} ${mb(x.bytes)}`);
  throw new ReportTooLargeError(
    `${runDir}: the report holds the run's time series in memory, and they are ${mb(total)} (${largest.join(', ')}), more than the ${mb(limit)} it can chart; the run's files are complete: chart a shorter run or fewer services, or read the CSVs directly`,
  );
}
