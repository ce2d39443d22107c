/**
 * `knsim run` refuses a run whose files would not fit on the disk they go to, before it
 * simulates: a long run of many revisions writes gigabytes of time series (about 570 KB per
 * revision and simulated hour), and finding out at the end, hours later, wastes the run
 * and fills the disk others share.
 */
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RequestTraceMode } from '../model/spec.js';
import { formatBytes, type OutputFileEstimate } from '../output/output-estimate.js';
import { estimateRunOutputs } from '../run/run-world.js';
import { ScenarioError } from '../scenario/errors.js';
import type { LoadedScenario } from '../scenario/load-text.js';
import { largest, type WorkEstimate } from '../scenario/work-estimate.js';

/** Free bytes for an unprivileged user on the filesystem holding `dir`, or undefined when unknown. */
export type FreeSpace = (dir: string) => number | undefined;

/** Free bytes on the filesystem of `dir`, or of its nearest existing ancestor (the output directory may not exist yet). */
export const statfsFreeSpace: FreeSpace = (dir) => {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      // A filesystem that reports no size at all (some pseudo and FUSE ones) cannot say what fits.
      return s.blocks === 0 ? undefined : s.bavail * s.bsize;
    } catch {
      if (dirname(d) === d) return undefined;
    }
  }
};

export interface OutputSpaceOptions {
  trace: RequestTraceMode;
  series: boolean;
  /** How errors name the output directory (`--out DIR`). */
  label: string;
}

/**
 * The estimate of the run's files; throws when they would not fit in the free space of the
 * filesystem `outDir` goes to, naming the field that weighs most and what to change.
 * @throws ScenarioError
 */
export function checkOutputSpace(
  loaded: LoadedScenario,
  work: WorkEstimate,
  outDir: string,
  opts: OutputSpaceOptions,
  free: FreeSpace = statfsFreeSpace,
): OutputFileEstimate[] {
  const files = estimateRunOutputs(loaded.world, opts, work.requestsPerClient);
  const total = files.reduce((a, f) => a + f.bytes, 0);
  const available = free(dirname(resolve(outDir)));
  if (available === undefined || total <= available) return files;
  const top = [...files].sort((a, b) => b.bytes - a.bytes);
  const parts = top
    .slice(0, 2)
    .map((f) => `${f.file} ${formatBytes(f.bytes)}`)
    .join(', ');
  const byRequests = top[0]!.file === 'requests.csv';
  // requests.csv grows with the requests (blame the client sending most), the rest with time.
  const busiest = largest(work.requests);
  const where = byRequests && busiest !== undefined ? { file: busiest.file, path: busiest.path } : { file: loaded.file, path: 'duration' };
  const fix = byRequests ? '--trace sample=R or --trace none' : '--no-series';
  throw new ScenarioError(
    where.file,
    where.path,
    `the run's files would take about ${formatBytes(total)} (${parts}${top.length > 2 ? ', …' : ''}) but ${formatBytes(available)} is free for ${opts.label}; shorten the run, use ${fix}, or write elsewhere`,
  );
}
