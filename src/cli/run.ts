import { inputFilesOpened } from '../scenario/regular-file.js';
import { join } from 'node:path';
import { loadScenario } from '../scenario/load.js';
import { runWorldInterruptible } from '../run/run-world.js';
import { checkOutDir } from '../output/output-dir.js';
import { textSummary } from '../output/text-summary.js';
import { checkWork, guardProgress, runRequestLimit } from '../scenario/work-estimate.js';
import { checkExpectBlock } from './expect-block.js';
import { statfsFreeSpace } from './free-space.js';
import { checkOutputSpace } from './output-space.js';
import { parseDurationFlag, parseSeed, parseTraceFlag, parseWorkLimits, type WorkLimitArgs } from './flags.js';
import { requireOptional } from './optional-deps.js';
import { runProgress } from './run-progress.js';

export interface RunArgs extends WorkLimitArgs {
  scenario: string;
  seed: unknown;
  duration: unknown;
  out: string | undefined;
  set: string[];
  trace: unknown;
  /** --series / --no-series; undefined: the scenario's `series`. */
  series: boolean | undefined;
  report: boolean;
}

/** How output errors name the directory: as typed, or marked as the default. */
export const outLabel = (outDir: string, given: boolean): string => `--out ${outDir}${given ? '' : ' (the default)'}`;

/** `knsim run`: validate everything first, then simulate, then write. */
export async function runCommand(args: RunArgs): Promise<void> {
  const seed = parseSeed(args.seed);
  const durationSeconds = parseDurationFlag(args.duration);
  const trace = parseTraceFlag(args.trace);
  const limits = parseWorkLimits(args);
  if (args.report) requireOptional('charts');
  const loaded = loadScenario(args.scenario, {
    sets: args.set,
    maxRequests: limits.requests,
    ...(seed !== undefined ? { seed } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });
  checkExpectBlock(loaded);
  const warnings = loaded.warnings ?? [];
  for (const w of warnings) process.stderr.write(`knsim: warning: ${w}\n`);
  const work = checkWork(loaded, limits);
  const outDir = args.out ?? join('reports', loaded.name);
  const output = { label: outLabel(outDir, args.out !== undefined), protect: [args.scenario, ...inputFilesOpened()], command: 'run' };
  checkOutDir(outDir, output);
  const traceMode = trace ?? loaded.traceMode;
  const series = args.series ?? loaded.series;
  checkOutputSpace(loaded, work, outDir, { trace: traceMode, series, label: output.label }, statfsFreeSpace);
  const progress = runProgress({ durationSeconds: loaded.world.durationSeconds, stream: process.stderr, env: process.env, now: () => performance.now() });
  // The report is written with the run's files, before they are moved into place.
  let reported = false;
  let reportFailure: { error: unknown } | undefined;
  const writeReport = async (stagingDir: string): Promise<void> => {
    progress.stop();
    try {
      // Said as such: the exit is 2, yet the run's files went into place.
      reported = await (await import('./report.js')).runReport(stagingDir, outDir, `${output.label}: report not written (the run's files are in place)`);
    } catch (error) {
      // The run's files go into place all the same; the report's error is the command's.
      reportFailure = { error };
    }
  };
  let result;
  try {
    result = await guardProgress(loaded, () =>
      runWorldInterruptible({ ...loaded.world, podLimit: limits.pods, inFlightLimit: limits.inFlight, requestLimit: runRequestLimit(work, limits, args.maxRequests !== undefined) }, {
        outDir,
        trace: traceMode,
        series,
        description: loaded.description,
        output,
        ...(warnings.length > 0 ? { warnings } : {}),
        onProgress: (s) => progress.update(s),
        ...(args.report ? { beforeCommit: writeReport } : {}),
      }),
    );
  } finally {
    progress.stop();
  }
  const data = result.files.filter((f) => f !== 'report.html' && !f.startsWith('charts/'));
  process.stdout.write(textSummary(result.summary, outDir, data) + '\n');
  if (reportFailure !== undefined) throw reportFailure.error;
  if (reported) process.stdout.write(`report: ${join(result.outDir, 'report.html')}\n`);
}
