/**
 * A sweep: every point of a grid, each simulated `replications` times.
 *
 * Seeds: with `common` seeds (the default) replication r of every point runs with seed
 * baseSeed + r. Every model component draws from its own named stream of the run seed,
 * so replication r of two points sees the same arrivals and service times and the
 * points differ only by their settings (common random numbers): differences between
 * points are not noise. `independent` seeds (baseSeed + 1,000,000 × (point + 1) + r)
 * are there to measure what that buys.
 */
import { axisLabel, pointCount, pointSets, pointValues, type Axis } from './axes.js';
import { METRICS, METRIC_KEYS, type MetricKey, type MetricValues } from '../output/metrics.js';
import type { Runner } from './pool.js';
import type { Progress } from './progress.js';
import { boundedCI, round6 } from './stats.js';
import type { RunTask } from './task.js';
import { longestFirst } from './dispatch-order.js';

export type SeedMode = 'common' | 'independent';

/** Everything that decides a sweep's numbers; shards of one sweep share it exactly. */
/** A file a sweep's scenario read besides itself. */
export interface SweepInput {
  file: string;
  sha256: string;
}

export interface SweepDefinition {
  /** The scenario's name. */
  scenario: string;
  /** SHA-256 of the scenario file's bytes (the path is not part of it: shards may see the file elsewhere). */
  scenarioSha256: string;
  /**
   * The other files the scenario read, with the overrides (manifest and ConfigMap files,
   * traces, autoscaler modules as bundled): path relative to the scenario's directory and
   * SHA-256, sorted by path. Absent in sweeps written before knsim recorded them.
   */
  inputs?: SweepInput[];
  /** `--set` overrides applied to every point, before the point's own. */
  sets: string[];
  /** `--duration` in seconds, or null for the scenario's own. */
  durationSeconds: number | null;
  baseSeed: number;
  seeds: SeedMode;
  replications: number;
  axes: Axis[];
}

export const MAX_REPLICATIONS = 10_000;
/** The most runs (points × replications) one sweep process takes on; a larger sweep is split with --shard. */
export const MAX_RUNS = 1_000_000;

/** The seed of replication r of point p. */
export function seedFor(def: Pick<SweepDefinition, 'baseSeed' | 'seeds'>, point: number, r: number): number {
  return def.seeds === 'common' ? def.baseSeed + r : def.baseSeed + 1_000_000 * (point + 1) + r;
}

export function sweepPoints(def: SweepDefinition): number {
  return pointCount(def.axes);
}

/** The task of replication r of point p. */
export function taskFor(file: string, def: SweepDefinition, point: number, r: number): RunTask {
  return {
    file,
    sets: [...def.sets, ...pointSets(def.axes, point)],
    seed: seedFor(def, point, r),
    where: `point ${point}: ${def.axes.map((a, i) => `${axisLabel(a)}=${pointValues(def.axes, point)[i]}`).join(' ')}, replication ${r}, seed ${seedFor(def, point, r)}`,
    ...(def.durationSeconds !== null ? { durationSeconds: def.durationSeconds } : {}),
  };
}

export interface MetricStat {
  mean: number;
  /** The 95 % interval; null with one replication. */
  lo: number | null;
  hi: number | null;
}

/** One row of sweep.csv. */
export interface PointResult {
  point: number;
  values: string[];
  replications: number;
  metrics: Record<MetricKey, MetricStat>;
}

/** One row of runs.csv. */
export interface RunResult {
  point: number;
  replication: number;
  seed: number;
  values: string[];
  metrics: MetricValues;
}

/** Rounds a run's metrics as the files hold them. */
export function roundMetrics(m: MetricValues): MetricValues {
  const out = {} as MetricValues;
  for (const k of METRIC_KEYS) out[k] = round6(m[k]);
  return out;
}

/**
 * Mean and 95 % CI per metric over a point's runs (already rounded), rounded for the
 * files. Each metric's interval respects its bounds (see boundedCI); `seed` (the sweep's
 * base seed) drives the bootstrap's resamples, so the numbers are reproducible.
 */
export function pointStats(runs: readonly MetricValues[], seed: number | string = 0): Record<MetricKey, MetricStat> {
  const out = {} as Record<MetricKey, MetricStat>;
  for (const k of METRIC_KEYS) {
    const ci = boundedCI(METRICS[k].kind, runs.map((m) => m[k]), String(seed), METRICS[k].bounds);
    out[k] = ci.n < 2 ? { mean: round6(ci.mean), lo: null, hi: null } : { mean: round6(ci.mean), lo: round6(ci.lo), hi: round6(ci.hi) };
  }
  return out;
}

export interface SweepResults {
  points: PointResult[];
  runs: RunResult[];
}

/**
 * Runs the given points of a sweep (all replications of each) and summarises them. Runs in
 * `done` (by `point/replication`, as a resume file holds them) are taken as they are, not
 * run again; `onRun` gets every other run as it finishes. With `costs` (each point's estimated cost,
 * from checkPoints) the threads take the costliest runs first (dispatch-order.ts); the results
 * are the same either way.
 */
export async function runSweep(opts: {
  file: string;
  def: SweepDefinition;
  points: readonly number[];
  runner: Runner;
  progress?: Progress;
  done?: ReadonlyMap<string, MetricValues>;
  onRun?: (run: RunResult) => void;
  costs?: ReadonlyMap<number, number>;
}): Promise<SweepResults> {
  const { file, def, points, runner, progress, done, onRun, costs } = opts;
  const key = (p: number, r: number): string => `${p}/${r}`;
  const tasks: RunTask[] = [];
  const todo: Array<[number, number]> = [];
  for (const p of points) {
    for (let r = 0; r < def.replications; r++) {
      if (done?.has(key(p, r)) === true) continue;
      tasks.push(taskFor(file, def, p, r));
      todo.push([p, r]);
    }
  }
  const runOf = (i: number, m: MetricValues): RunResult => {
    const [p, r] = todo[i]!;
    return { point: p, replication: r, seed: seedFor(def, p, r), values: pointValues(def.axes, p), metrics: roundMetrics(m) };
  };
  const order = costs === undefined ? undefined : longestFirst(todo.map(([p]) => costs.get(p) ?? 0));
  const metrics = await runner.runAll(
    tasks,
    (i, m) => {
      onRun?.(runOf(i, m));
      progress?.tick();
    },
    order,
  );
  const fresh = new Map(todo.map(([p, r], i) => [key(p, r), roundMetrics(metrics[i]!)]));
  const runs: RunResult[] = [];
  const results: PointResult[] = [];
  for (const p of points) {
    const values = pointValues(def.axes, p);
    const mine: MetricValues[] = [];
    for (let r = 0; r < def.replications; r++) {
      const m = done?.get(key(p, r)) ?? fresh.get(key(p, r))!;
      mine.push(m);
      runs.push({ point: p, replication: r, seed: seedFor(def, p, r), values, metrics: m });
    }
    results.push({ point: p, values, replications: def.replications, metrics: pointStats(mine, def.baseSeed) });
  }
  return { points: results, runs };
}
