/**
 * `knsim run` refuses a run whose files would not fit on the disk they go to, before it
 * simulates: a long run of many revisions writes gigabytes of time series (about 570 KB per
 * revision and simulated hour), and finding out at the end, hours later, wastes the run
 * and fills the disk others share. No file I/O here (free-space.ts reads the disk): the
 * playground (web/) runs the same check against the memory it keeps a run's files in.
 */
import { dirname, resolve } from 'node:path';
import type { RequestTraceMode } from '../model/spec.js';
import { formatBytes, type OutputFileEstimate } from '../output/output-estimate.js';
import { estimateRunOutputs } from '../run/run-options.js';
import { ScenarioError } from '../scenario/errors.js';
import type { LoadedScenario } from '../scenario/load-text.js';
import { largest, type WorkEstimate } from '../scenario/work-estimate.js';

/** Free bytes for an unprivileged user on the filesystem holding `dir`, or undefined when unknown. */
export type FreeSpace = (dir: string) => number | undefined;

export interface OutputSpaceOptions {
  trace: RequestTraceMode;
  series: boolean;
  /** How errors name the output directory (`--out DIR`). */
  label: string;
  /** What the refusal suggests, when requests.csv weighs most and when the time series do; the CLI's flags by default. */
  remedy?: { requests: string; series: string } | undefined;
}

/** The CLI's suggestions. */
const CLI_REMEDY = {
  requests: 'shorten the run, use --trace sample=R or --trace none, or write elsewhere',
  series: 'shorten the run, use --no-series, or write elsewhere',
};

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
  free: FreeSpace,
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
  const remedy = opts.remedy ?? CLI_REMEDY;
  throw new ScenarioError(
    where.file,
    where.path,
    `the run's files would take about ${formatBytes(total)} (${parts}${top.length > 2 ? ', …' : ''}) but ${formatBytes(available)} is free for ${opts.label}; ${byRequests ? remedy.requests : remedy.series}`,
  );
}
