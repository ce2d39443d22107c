/** One simulation of a sweep or tuner: a scenario file, its overrides and a seed → metrics. */
import { summarizeWorld, summarizeWorldInterruptible } from '../run/run-world.js';
import type { RunSummary } from '../output/summary.js';
import { loadScenario } from '../scenario/load.js';
import type { UserClassRef } from '../scenario/user-classes.js';
import { DEFAULT_WORK_LIMITS, estimateWork, guardProgress, runRequestLimit } from '../scenario/work-estimate.js';
import { metricsOf, type MetricValues } from '../output/metrics.js';

export interface RunTask {
  /** The scenario file (relative to the working directory, which workers share). */
  file: string;
  /** Base `--set` overrides followed by the point's own. */
  sets: string[];
  seed: number;
  /** Overrides the scenario's duration. */
  durationSeconds?: number;
  /** Every revision uses this autoscaler class (`knsim compare`). */
  classOverride?: string;
  /** User class modules registered besides the scenario's own (`knsim compare --class ./x.ts`). */
  classes?: UserClassRef[];
  /** The most revision pods at once (--max-pods): a run that asks for more stops (WorldSpec.podLimit). */
  podLimit?: number;
  /** --max-requests when given: the run's request cap; else ten times what the run foresees (runRequestLimit). */
  maxRequests?: number;
  /** The most requests in flight at once (--max-in-flight); else DEFAULT_IN_FLIGHT_LIMIT (WorldSpec.inFlightLimit). */
  inFlightLimit?: number;
  /** Which run this is, for an error's message: "point 3: containerConcurrency=4, replication 0, seed 42". */
  where?: string;
}

/** Loads the scenario with the task's overrides and seed, simulates it in memory, returns its metrics. */
export function runTask(task: RunTask): MetricValues {
  const { loaded, world } = taskWorld(task);
  return taskMetrics(guardProgress(loaded, () => summarizeWorld(world)));
}

/**
 * runTask on the main thread: the simulation runs in slices with turns of the event loop between
 * them (sliced-run.ts), so a signal is handled within the run; the metrics are runTask's.
 */
export async function runTaskInterruptible(task: RunTask): Promise<MetricValues> {
  const { loaded, world } = taskWorld(task);
  return taskMetrics(await guardProgress(loaded, () => summarizeWorldInterruptible(world)));
}

type Loaded = ReturnType<typeof loadScenario>;

/** The task's scenario loaded, and the world it runs with the task's limits. */
function taskWorld(task: RunTask): { loaded: Loaded; world: Loaded['world'] } {
  const loaded = loadScenario(task.file, {
    sets: task.sets,
    seed: task.seed,
    ...(task.maxRequests !== undefined ? { maxRequests: task.maxRequests } : {}),
    ...(task.durationSeconds !== undefined ? { durationSeconds: task.durationSeconds } : {}),
    ...(task.classOverride !== undefined ? { classOverride: task.classOverride } : {}),
    ...(task.classes !== undefined ? { classes: task.classes } : {}),
  });
  const given = task.maxRequests !== undefined;
  const requestLimit = runRequestLimit(estimateWork(loaded), given ? { ...DEFAULT_WORK_LIMITS, requests: task.maxRequests! } : DEFAULT_WORK_LIMITS, given);
  const world = {
    ...loaded.world,
    requestLimit,
    ...(task.podLimit !== undefined ? { podLimit: task.podLimit } : {}),
    ...(task.inFlightLimit !== undefined ? { inFlightLimit: task.inFlightLimit } : {}),
  };
  return { loaded, world };
}

function taskMetrics(summary: RunSummary): MetricValues {
  const m = metricsOf(summary);
  // Latencies are of the 200 responses: with none there is no latency (an empty cell), not 0 ms,
  // which would meet any latency SLO.
  if (summary.overall.requests.ok === 0) m.p50_ms = m.p95_ms = m.p99_ms = Number.NaN;
  return m;
}
