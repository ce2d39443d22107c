import type { RunData } from './load.js';

/** The report's note on the series files a run directory lacks (`knsim run --no-series`), for the playground's report too. */
export function missingNotes(run: RunData): string[] {
  const f = run.files;
  const missing = [
    !f.timeseries && 'timeseries.csv',
    !f.autoscaler && 'autoscaler.csv',
    !f.requestSeries && 'requests-per-second.csv',
    !f.latencyCdf && 'latency-cdf.csv',
  ].filter((x): x is string => typeof x === 'string');
  if (missing.length === 0) return [];
  const why = !f.timeseries && !f.autoscaler ? ' (`knsim run --no-series` does not write the time series)' : '';
  return [`This run directory has no ${missing.join(', ')}, so the charts that need them are left out${why}.`];
}
