import { join } from 'node:path';
import { writeOutputFile } from '../output/write-file.js';
import type { RequestTraceMode, WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import type { RunSummary } from '../output/summary.js';
import { RunRecorder } from './run-recorder.js';
import { clusterOutputs, finishSummary, noteInFlightAtEnd, noteOutages, runRecorderOptions, servesWebSockets } from './run-options.js';
import { runSettings } from './settings.js';
import { stageDirectory, type StagedDirectory, type StageOptions } from '../output/staged-dir.js';
import { toOutputError } from '../output/output-error.js';
import { atShownPath } from '../output/shown-path.js';
import { runSliced } from './sliced-run.js';

export interface RunWorldOptions {
  /** Where the run's files go; written to a temporary sibling first and renamed at the end. */
  outDir: string;
  trace: RequestTraceMode;
  /** Write the time series (default true; see RunOutputsOptions.series). */
  series?: boolean;
  /** The scenario's description, copied into settings.json. */
  description?: string;
  /** How errors name the directory, and paths it may not replace. */
  output?: StageOptions;
  /** Copied into summary.json's `warnings` when there are any. */
  warnings?: readonly string[];
  /** runWorldInterruptible calls this after each slice with the simulated seconds done so far. */
  onProgress?: (simulatedSeconds: number) => void;
  /**
   * runWorldInterruptible calls this with the staging directory once the run's files are in it,
   * before they are moved into place (`knsim run` writes its report there, so an interrupted
   * report never leaves a new run without one, nor costs the previous output).
   */
  beforeCommit?: (stagingDir: string, summary: RunSummary) => Promise<void>;
}

export interface RunResult {
  summary: RunSummary;
  world: World;
  recorder: RunRecorder;
  outDir: string;
  /** The files written, relative to outDir, sorted (the manifest left out). */
  files: string[];
}

/**
 * Runs one simulation in memory and returns its summary; no files are written
 * (sweeps and tuners run many of these).
 */
export function summarizeWorld(spec: WorldSpec): RunSummary {
  const run = startSummary(spec);
  run.world.run();
  return finishSummaryRun(spec, run);
}

/**
 * summarizeWorld on the main thread of a sweep: the simulation runs in slices (sliced-run.ts), so
 * a signal is handled within the run. The summary is summarizeWorld's, but for its wall time.
 */
export async function summarizeWorldInterruptible(spec: WorldSpec): Promise<RunSummary> {
  const run = startSummary(spec);
  await runSliced(run.world);
  return finishSummaryRun(spec, run);
}

function startSummary(spec: WorldSpec): { started: bigint; recorder: RunRecorder; world: World } {
  const started = process.hrtime.bigint();
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, cluster: clusterOutputs(spec), webSockets: servesWebSockets(spec) });
  return { started, recorder, world: new World(spec, recorder) };
}

function finishSummaryRun(spec: WorldSpec, { started, recorder, world }: { started: bigint; recorder: RunRecorder; world: World }): RunSummary {
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = recorder.finish({
    scenario: spec.name,
    seed: spec.seed,
    simulatedSeconds: spec.durationSeconds,
    events: world.sim.events,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
  });
  // The same summary as a run's summary.json (knsim plan states the drains from it).
  noteOutages(summary, world);
  noteInFlightAtEnd(summary, world);
  return summary;
}

/**
 * Runs one simulation and writes its outputs. Files appear under `outDir` only when the
 * run completed: a failed run never leaves output that looks complete.
 */
export function runWorld(spec: WorldSpec, opts: RunWorldOptions): RunResult {
  const run = startRun(spec, opts);
  try {
    run.world.run();
    return finishRun(spec, opts, run);
  } catch (e) {
    run.stage.abort();
    throw toOutputError(atShownPath(e, run.stage.path, opts.outDir), run.label);
  }
}

/**
 * runWorld for the CLI: the simulation runs in slices (sliced-run.ts), so SIGINT/SIGTERM can
 * remove the staging directory and exit within the run.
 */
export async function runWorldInterruptible(spec: WorldSpec, opts: RunWorldOptions): Promise<RunResult> {
  const run = startRun(spec, opts);
  try {
    await runSliced(run.world, opts.onProgress);
    const summary = writeRunFiles(spec, opts, run);
    await opts.beforeCommit?.(run.stage.path, summary);
    return commitRun(run, summary);
  } catch (e) {
    run.stage.abort();
    throw toOutputError(atShownPath(e, run.stage.path, opts.outDir), run.label);
  }
}

interface StartedRun {
  stage: StagedDirectory;
  label: string;
  recorder: RunRecorder;
  world: World;
  started: bigint;
}

function startRun(spec: WorldSpec, opts: RunWorldOptions): StartedRun {
  const label = opts.output?.label ?? `--out ${opts.outDir}`;
  const stage = stageDirectory(opts.outDir, { command: 'run', ...opts.output });
  const started = process.hrtime.bigint();
  try {
    const recorder = new RunRecorder(runRecorderOptions(spec, stage.path, opts.trace, opts.series ?? true));
    const world = new World(spec, recorder);
    return { stage, label, recorder, world, started };
  } catch (e) {
    stage.abort();
    throw toOutputError(atShownPath(e, stage.path, opts.outDir), label);
  }
}

function finishRun(spec: WorldSpec, opts: RunWorldOptions, run: StartedRun): RunResult {
  return commitRun(run, writeRunFiles(spec, opts, run));
}

/** summary.json and settings.json, the last files of a run; returns the summary. */
function writeRunFiles(spec: WorldSpec, opts: RunWorldOptions, run: StartedRun): RunSummary {
  const { stage, recorder, world } = run;
  const wallSeconds = Number(process.hrtime.bigint() - run.started) / 1e9;
  const summary = finishSummary(spec, world, recorder, wallSeconds, opts.warnings);
  writeOutputFile(join(stage.path, 'settings.json'), JSON.stringify(runSettings(spec, opts.description ?? ''), null, 2) + '\n');
  writeOutputFile(join(stage.path, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

function commitRun(run: StartedRun, summary: RunSummary): RunResult {
  const files = run.stage.commit();
  return { summary, world: run.world, recorder: run.recorder, outDir: run.stage.target, files };
}
