/**
 * One playground run, as the worker drives it: load the scenario text with knsim's own
 * loader, build the World with the run's recorder (its CSVs go to `outDir`: the in-memory
 * file store in a browser, a real directory in node tests), and advance simulated time in
 * slices or one decider tick at a time. The files it finishes with are the ones
 * `knsim run` writes for the same scenario and seed (summary.json's wallSeconds aside):
 * slicing never changes a run, since Simulation.run(until) takes every event up to
 * `until` in order wherever the slices fall.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { World } from '../../src/model/world.js';
import type { RunSettings } from '../../src/output/settings.js';
import type { RunSummary } from '../../src/output/summary.js';
import { RunRecorder } from '../../src/run/run-recorder.js';
import { finishSummary, runRecorderOptions } from '../../src/run/run-options.js';
import { runSettings } from '../../src/run/settings.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenarioText, type LoadedScenario, type ScenarioFiles } from '../../src/scenario/load-text.js';
import { DEFAULT_WORK_LIMITS, guardProgress } from '../../src/scenario/work-estimate.js';
import { PlaygroundFiles } from './files.js';
import { forPlayground, playgroundLimits, type RunLimits } from './limits.js';
import { LiveData } from './live.js';

export interface SessionInput {
  /** The scenario's YAML. */
  text: string;
  /** How errors name the scenario. */
  file: string;
  seed?: number | undefined;
  durationSeconds?: number | undefined;
  /** Where the run's files go. */
  outDir: string;
}

/** The files of a finished run, as `knsim run` names them. */
export const RUN_FILES = [
  'summary.json',
  'settings.json',
  'autoscaler.csv',
  'timeseries.csv',
  'pods.csv',
  'requests-per-second.csv',
  'latency-cdf.csv',
  'latency-buckets.csv',
  'requests.csv',
  'nodes.csv',
] as const;

/** Loads a scenario as the CLI does (`knsim run --seed --duration`). @throws ScenarioError */
export function loadForPlayground(input: Omit<SessionInput, 'outDir'>, files: ScenarioFiles = new PlaygroundFiles()): LoadedScenario {
  return loadScenarioText(input.text, input.file, {
    // What playgroundLimits then holds the run to, as `knsim run` without --max-requests.
    maxRequests: DEFAULT_WORK_LIMITS.requests,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.durationSeconds !== undefined ? { durationSeconds: input.durationSeconds } : {}),
  }, files);
}

/**
 * loadForPlayground, then what `knsim run` refuses before it simulates (limits.ts): the
 * editor checks the text with this, so a refusal is underlined before Run.
 * @throws ScenarioError
 */
export function checkForPlayground(input: Omit<SessionInput, 'outDir'>, files: ScenarioFiles = new PlaygroundFiles()): { loaded: LoadedScenario; limits: RunLimits } {
  let loaded: LoadedScenario;
  try {
    loaded = loadForPlayground(input, files);
  } catch (e) {
    // A trace window past the request limit is refused as it loads, with the limit's flag hint.
    throw forPlayground(e);
  }
  return { loaded, limits: playgroundLimits(loaded) };
}

export class Session {
  readonly loaded: LoadedScenario;
  readonly world: World;
  readonly recorder: RunRecorder;
  readonly live: LiveData;
  readonly settings: RunSettings;
  readonly outDir: string;
  private wallMs = 0;
  private finished: RunSummary | undefined;
  /** Why the run stopped before its end (a limit hit): it cannot go on from there. */
  private failure: unknown;

  /** `files`: what the scenario may name (traces, manifests); none by default. */
  constructor(input: SessionInput, files: ScenarioFiles = new PlaygroundFiles()) {
    const checked = checkForPlayground(input, files);
    this.loaded = checked.loaded;
    const spec = this.loaded.world;
    this.outDir = input.outDir;
    this.settings = runSettings(spec, this.loaded.description);
    this.live = new LiveData(this.settings, this.loaded.series);
    // The options runWorld gives the recorder, so the files are the CLI's.
    this.recorder = new RunRecorder(runRecorderOptions(spec, input.outDir, this.loaded.traceMode, this.loaded.series), this.live);
    // The caps go to the World alone: settings.json and summary.json are the CLI's.
    this.world = new World({ ...spec, ...checked.limits }, this.recorder);
  }

  get now(): number {
    return this.world.sim.now;
  }

  get durationSeconds(): number {
    return this.loaded.world.durationSeconds;
  }

  get done(): boolean {
    return this.finished !== undefined;
  }

  get summary(): RunSummary | undefined {
    return this.finished;
  }

  /** The run stopped at a limit (the ScenarioError was thrown by advance); it will not advance again. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Runs every event up to `until` (capped at the scenario's end); finishes the run at its end.
   * @throws ScenarioError when the run passes a limit or stops making progress, as `knsim run` reports it, its flag hint said for the playground (and again on every later call)
   */
  advance(until: number): void {
    if (this.finished !== undefined) return;
    if (this.failure !== undefined) throw this.failure;
    const started = performance.now();
    const end = this.durationSeconds;
    try {
      guardProgress(this.loaded, () => this.world.sim.run(Math.min(until, end)));
    } catch (e) {
      this.failure = forPlayground(e);
      throw this.failure;
    }
    this.wallMs += performance.now() - started;
    if (this.world.sim.now >= end) this.finish();
  }

  /**
   * Runs to the next decider tick of any revision (every event at that instant included):
   * the decider evaluations it made are returned. Pokes before it come along.
   */
  stepTick(): number {
    const before = this.live.decisions.length;
    while (!this.done && !this.tickedSince(before)) this.advance(this.nextTickAt());
    return this.live.decisions.length - before;
  }

  /** Whether a decider tick (not a poke) was recorded after the first `before` decisions. */
  tickedSince(before: number): boolean {
    return this.live.decisions.slice(before).some((d) => !d.poke);
  }

  /** Where a step aims: the next decider tick of any revision, or, before any revision exists, a little further on. */
  nextTickAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.world.services.values()) {
      for (const r of s.revisions) {
        const t = r.autoscaler.loop.nextTickSeconds;
        if (t > this.now && t < next) next = t;
      }
    }
    // Before any revision exists there is no tick to aim at: creep up on it.
    return Number.isFinite(next) ? next : this.now + 0.25;
  }

  private finish(): void {
    const summary = finishSummary(this.loaded.world, this.world, this.recorder, this.wallMs / 1000, this.loaded.warnings);
    writeFileSync(join(this.outDir, 'settings.json'), JSON.stringify(this.settings, null, 2) + '\n');
    writeFileSync(join(this.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    this.finished = summary;
  }

  /** The files of RUN_FILES this run wrote (none before it finishes). */
  get files(): Array<(typeof RUN_FILES)[number]> {
    if (this.finished === undefined) return [];
    return RUN_FILES.filter((name) => existsSync(join(this.outDir, name)));
  }

  /** A finished run's file, or undefined when the run did not write it. */
  file(name: (typeof RUN_FILES)[number]): string | undefined {
    try {
      return readFileSync(join(this.outDir, name), 'utf8');
    } catch {
      return undefined;
    }
  }
}

export { ScenarioError };
