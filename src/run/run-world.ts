import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestTraceMode, WorldSpec } from '../model/spec.js';
import { World } from '../model/world.js';
import { stageDirectory } from '../output/staged-dir.js';
import type { RunSummary } from '../output/summary.js';
import { RunRecorder } from './run-recorder.js';
import { runSettings } from './settings.js';

export interface RunWorldOptions {
  /** Where the run's files go; written to a temporary sibling first and renamed at the end. */
  outDir: string;
  trace: RequestTraceMode;
  perTickFiles?: boolean;
  /** The scenario's description, copied into settings.json. */
  description?: string;
}

export interface RunResult {
  summary: RunSummary;
  world: World;
  recorder: RunRecorder;
  outDir: string;
}

/**
 * Runs one simulation in memory and returns its summary; no files are written
 * (sweeps and tuners run many of these).
 */
export function summarizeWorld(spec: WorldSpec): RunSummary {
  const started = process.hrtime.bigint();
  const recorder = new RunRecorder({ outDir: undefined, trace: { mode: 'none' }, perTickFiles: false });
  const world = new World(spec, recorder);
  world.run();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return recorder.finish({
    scenario: spec.name,
    seed: spec.seed,
    simulatedSeconds: spec.durationSeconds,
    events: world.sim.events,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
  });
}

/**
 * Runs one simulation and writes its outputs. Files appear under `outDir` only when the
 * run completed: a failed run never leaves output that looks complete.
 */
export function runWorld(spec: WorldSpec, opts: RunWorldOptions): RunResult {
  const stage = stageDirectory(opts.outDir);
  const tmp = stage.path;
  const started = process.hrtime.bigint();
  try {
    const recorder = new RunRecorder({ outDir: tmp, trace: opts.trace, perTickFiles: opts.perTickFiles ?? true });
    const world = new World(spec, recorder);
    world.run();
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const summary = recorder.finish({
      scenario: spec.name,
      seed: spec.seed,
      simulatedSeconds: spec.durationSeconds,
      events: world.sim.events,
      wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    });
    writeFileSync(join(tmp, 'settings.json'), JSON.stringify(runSettings(spec, opts.description ?? ''), null, 2) + '\n');
    writeFileSync(join(tmp, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    stage.commit();
    return { summary, world, recorder, outDir: stage.target };
  } catch (e) {
    stage.abort();
    throw e;
  }
}
