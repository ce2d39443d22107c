/** Turning command-line choices into a SweepDefinition, and checking every point before any run. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../scenario/usage-error.js';
import { loadScenario, recordingScenarioFiles } from '../scenario/load.js';
import { formatPath } from '../scenario/errors.js';
import { parseSetExpression } from '../scenario/set.js';
import { checkWork, DEFAULT_WORK_LIMITS, type WorkLimits } from '../scenario/work-estimate.js';
import { pointCount, setExpression, type Axis } from './axes.js';
import { refuseSameValues } from './same-values.js';
import { runCost } from './dispatch-order.js';
import { MAX_REPLICATIONS, seedFor, taskFor, type SeedMode, type SweepDefinition } from './sweep.js';

export interface DefineOptions {
  file: string;
  axes: Axis[];
  /** `--set` overrides for every point. */
  sets?: string[];
  /** `--seed`: the base seed (default: the scenario's seed). */
  seed?: number;
  /** `--duration` in seconds. */
  durationSeconds?: number;
  seeds?: SeedMode;
  replications: number;
  /** Which flag the axes came from, for messages. */
  flag?: '--grid' | '--space';
  /** `--max-requests` (default DEFAULT_WORK_LIMITS.requests): a trace window past it is refused as it loads. */
  maxRequests?: number;
}

/**
 * Loads the scenario once (with the shared overrides) to learn its name and seed, and
 * fixes everything that decides the numbers.
 * @throws ScenarioError for a bad scenario or override, UsageError for a bad combination of flags.
 */
export function defineSweep(o: DefineOptions): { def: SweepDefinition; description: string } {
  const flag = o.flag ?? '--grid';
  if (!Number.isInteger(o.replications) || o.replications < 1 || o.replications > MAX_REPLICATIONS) {
    throw new UsageError(`--replications: must be a whole number from 1 to ${MAX_REPLICATIONS} (got ${o.replications})`);
  }
  for (const a of o.axes) {
    const path = parseSetExpression(`${a.path}=0`).path;
    if (path.length === 1 && path[0] === 'seed') throw new UsageError(`${flag} ${a.path}: the seed is not a setting; use --seed and --replications`);
    if (path.length === 1 && path[0] === 'duration' && o.durationSeconds !== undefined) throw new UsageError(`${flag} ${a.path}: conflicts with --duration`);
  }
  const sets = o.sets ?? [];
  // A --set of a path an axis varies would be replaced at every point (the point's value comes after it).
  const varied = new Map(o.axes.map((a) => [formatPath(parseSetExpression(`${a.path}=0`).path), a.path]));
  for (const s of sets) {
    let path: string;
    try {
      path = formatPath(parseSetExpression(s).path);
    } catch {
      continue; // the loader reports a malformed --set
    }
    const axis = varied.get(path);
    if (axis !== undefined) throw new UsageError(`--set ${s}: sets ${axis}, which ${flag} varies (each point's value would replace it); drop one of them`);
  }
  const inputs = new Map<string, string>();
  const options = {
    ...(o.maxRequests !== undefined ? { maxRequests: o.maxRequests } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.durationSeconds !== undefined ? { durationSeconds: o.durationSeconds } : {}),
  };
  const loaded = loadScenario(o.file, { sets, ...options }, recordingScenarioFiles(o.file, inputs));
  refuseSameValues(o.axes, flag, (set) => loadScenario(o.file, { sets: [...sets, set], ...options }));
  const sha = createHash('sha256').update(readFileSync(o.file)).digest('hex');
  const def: SweepDefinition = {
    scenario: loaded.name,
    scenarioSha256: sha,
    inputs: [...inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, sha256]) => ({ file, sha256 })),
    sets: [...sets],
    durationSeconds: o.durationSeconds ?? null,
    baseSeed: loaded.world.seed,
    seeds: o.seeds ?? 'common',
    replications: o.replications,
    axes: o.axes.map((a) => ({ path: a.path, values: [...a.values] })),
  };
  // Every replication's seed must be an exact double, like the scenario's own seed.
  const offset = seedFor({ baseSeed: 0, seeds: def.seeds }, pointCount(def.axes) - 1, def.replications - 1);
  const last = BigInt(def.baseSeed) + BigInt(offset);
  if (last > BigInt(Number.MAX_SAFE_INTEGER)) {
    const what = o.seed !== undefined ? `--seed ${o.seed}` : `${o.file}: seed ${def.baseSeed}`;
    const runs = def.seeds === 'independent' ? `${pointCount(def.axes)} points × ${def.replications} replications, independent seeds` : `${def.replications} replications`;
    throw new UsageError(
      `${what}: the last replication's seed would be ${last} (${runs}), past 2^53 − 1 = ${Number.MAX_SAFE_INTEGER}, the largest knsim holds exactly; use a smaller ${o.seed !== undefined ? '--seed' : 'seed'}`,
    );
  }
  return { def, description: loaded.description };
}

/**
 * Loads the scenario of every given point (replication 0) and estimates its work, so that
 * an override that breaks the scenario, or asks for more than `limits`, fails before any
 * simulation runs (replications differ only by their seed, so they do the same work).
 * Returns each point's estimated cost (runCost), by which a sweep orders its runs.
 * @throws ScenarioError
 */
export function checkPoints(file: string, def: SweepDefinition, points: readonly number[], limits: Readonly<WorkLimits> = DEFAULT_WORK_LIMITS): Map<number, number> {
  const costs = new Map<number, number>();
  for (const p of points) {
    const t = taskFor(file, def, p, 0);
    const e = checkWork(loadScenario(t.file, { sets: t.sets, seed: t.seed, maxRequests: limits.requests, ...(t.durationSeconds !== undefined ? { durationSeconds: t.durationSeconds } : {}) }), limits);
    costs.set(p, runCost(e));
  }
  return costs;
}

/** Up to this many points `checkGrid` loads every point; beyond it each axis value on its own. */
export const CHECK_EVERY_POINT = 1_000;

/**
 * Checks a whole grid without running it (`knsim sweep k8s-job`, before the Job reaches
 * the cluster): every point of a grid of up to CHECK_EVERY_POINT points, as the shards
 * will; each axis value on its own (with the other axes at the scenario's values) beyond.
 * @throws ScenarioError
 */
export function checkGrid(file: string, def: SweepDefinition, limits: Readonly<WorkLimits> = DEFAULT_WORK_LIMITS): void {
  const total = pointCount(def.axes);
  if (total <= CHECK_EVERY_POINT) {
    checkPoints(file, def, [...Array(total).keys()], limits);
    return;
  }
  const seed = seedFor(def, 0, 0);
  const duration = def.durationSeconds !== null ? { durationSeconds: def.durationSeconds } : {};
  for (const a of def.axes) {
    for (const v of a.values) checkWork(loadScenario(file, { sets: [...def.sets, setExpression(a, v)], seed, maxRequests: limits.requests, ...duration }), limits);
  }
}
