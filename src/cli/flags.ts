import { parseDuration } from '../scenario/values.js';
import type { RequestTraceMode } from '../model/spec.js';
import type { Argv } from 'yargs';
import { DEFAULT_WORK_LIMITS, WORK_LIMIT_FLAGS, type WorkLimits } from '../scenario/work-estimate.js';
import { UsageError } from './errors.js';

/** Flags a repeatable string option may arrive as: undefined, a string or an array. */
export const stringList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * A whole-number flag's text: decimal digits and nothing else. Number() would read "" and " "
 * as 0, "0x10" as 16 and " 5" as 5; spaces around a number are a quoting slip (`--seed "$S "`),
 * refused as --duration and --trace refuse them, not silently dropped.
 */
export const DIGITS = /^\d+$/;

/** --seed: a whole number ≥ 0, in decimal digits. */
export function parseSeed(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : DIGITS.test(String(v)) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) {
    throw new UsageError(`--seed: must be a whole number ≥ 0 (got ${JSON.stringify(v)})`);
  }
  return n;
}

/**
 * --duration and the other time flags: a Go duration ("90s", "10m", "1h30m"), the
 * same syntax a scenario's duration strings take, > 0. A bare number is not a Go
 * duration; the error suggests its seconds spelling ("90" → "90s").
 */
export function parseDurationFlag(v: unknown, flag = '--duration'): number | undefined {
  if (v === undefined) return undefined;
  const r = parseDuration(String(v));
  if (!r.ok) throw new UsageError(`${flag}: ${r.rule}`);
  if (!(r.seconds > 0) || !Number.isFinite(r.seconds)) throw new UsageError(`${flag}: must be > 0 (got ${JSON.stringify(v)})`);
  return r.seconds;
}

/** --trace: none | full | sample=R with R in (0, 1]. */
export function parseTraceFlag(v: unknown): RequestTraceMode | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s === 'none' || s === 'full') return { mode: s };
  const m = /^sample=([0-9.eE+-]+)$/.exec(s);
  if (m) {
    const rate = Number(m[1]);
    if (rate > 0 && rate <= 1) return { mode: 'sample', rate };
  }
  throw new UsageError(`--trace: must be none, full or sample=R with 0 < R ≤ 1 (got ${JSON.stringify(s)})`);
}

/** The work-limit flags (see scenario/work-estimate.ts), as yargs options. */
export function workLimitOptions<T>(y: Argv<T>) {
  return y
    .option('max-requests', { type: 'string', describe: `Refuse runs expected to send more requests (default ${DEFAULT_WORK_LIMITS.requests.toExponential()})` })
    .option('max-pods', { type: 'string', describe: `Refuse runs that need more pods at once, activators included (default ${DEFAULT_WORK_LIMITS.pods})` })
    .option('max-users', { type: 'string', describe: `Refuse runs with more closed-loop users (default ${DEFAULT_WORK_LIMITS.users})` })
    .option('max-events', { type: 'string', describe: `Refuse runs with more periodic events (default ${DEFAULT_WORK_LIMITS.events.toExponential()})` })
    .option('max-in-flight', { type: 'string', describe: `Stop runs with more requests in flight at once (default ${DEFAULT_WORK_LIMITS.inFlight})` })
    .option('max-node-launches', { type: 'string', describe: `Refuse runs that may launch more nodes: Karpenter's floor replacing expired ones, and nodes for pods (default ${DEFAULT_WORK_LIMITS.nodeLaunches})` });
}

/**
 * What `run`, `sweep` and `tune` accept about their scenario: the file, the work limits,
 * and the seed, duration and --set overrides. `perPoint`: the command runs the scenario at
 * many points with replications (sweep, tune), so the seed is a base, the overrides apply
 * to every run, and the runs can be spread over worker threads.
 */
export function scenarioOptions<T>(y: Argv<T>, perPoint: boolean) {
  const runs = perPoint ? ' on every point' : '';
  const withScenario = workLimitOptions(y)
    .positional('scenario', { type: 'string', describe: 'Scenario YAML file', demandOption: true })
    .option('seed', { type: 'string', describe: perPoint ? "Base seed (default: the scenario's seed)" : 'Random seed (overrides the scenario)' })
    .option('duration', { type: 'string', describe: `Simulated time${perPoint ? ' per run' : ''}, a Go duration such as 10m or 90s (overrides the scenario)` })
    .option('set', { type: 'string', array: true, describe: `Override a scenario value${runs}: path=value, e.g. configMaps.config-autoscaler.stable-window=30s` });
  return perPoint ? withScenario.option('workers', { type: 'string', describe: 'Worker threads (default: one per CPU; 1 runs in this thread)' }) : withScenario;
}

/** --out and --report of a command that writes a report directory (by default `defaultDir`). */
export function reportDirOptions<T>(y: Argv<T>, defaultDir: string) {
  return y
    .option('out', { type: 'string', describe: `Output directory (default ${defaultDir})` })
    .option('report', { type: 'boolean', default: true, describe: 'Write charts and report.html (--no-report to skip)' });
}

/** The work-limit flags as parsed by yargs (camel-cased). */
export interface WorkLimitArgs {
  maxRequests?: unknown;
  maxPods?: unknown;
  maxUsers?: unknown;
  maxEvents?: unknown;
  maxInFlight?: unknown;
  maxNodeLaunches?: unknown;
}

/**
 * Every work-limit flag: a whole number > 0, in decimal or exponent notation (5e9, 2.5e10),
 * the defaults otherwise. Each counts things one by one (requests, pods, users, events,
 * requests in flight, node launches), so a limit of 0.5 requests means nothing: it used to
 * pass here and fail later as "exceeds the limit of 0.5 requests".
 */
export function parseWorkLimits(args: WorkLimitArgs): WorkLimits {
  const one = (v: unknown, key: keyof WorkLimits, example: string): number => {
    if (v === undefined) return DEFAULT_WORK_LIMITS[key];
    const s = String(Array.isArray(v) ? v[v.length - 1] : v);
    const n = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) ? Number(s) : Number.NaN;
    if (!(n > 0 && Number.isSafeInteger(n))) throw new UsageError(`${WORK_LIMIT_FLAGS[key]}: must be a whole number > 0 such as ${example} (got ${JSON.stringify(s.slice(0, 80))})`);
    return n;
  };
  return {
    requests: one(args.maxRequests, 'requests', '5e9'),
    pods: one(args.maxPods, 'pods', '4e6'),
    users: one(args.maxUsers, 'users', '4e6'),
    events: one(args.maxEvents, 'events', '5e9'),
    inFlight: one(args.maxInFlight, 'inFlight', '4e6'),
    nodeLaunches: one(args.maxNodeLaunches, 'nodeLaunches', '4e6'),
  };
}

/**
 * The flags that give `limits` again, for command lines knsim writes: those that differ from
 * the defaults, and `--max-requests` whenever it was given (`requestsGiven`), since a run
 * without it caps its requests by its own estimate, not by the 1e9 default.
 */
export function workLimitArgs(limits: Readonly<WorkLimits>, requestsGiven = false): string[] {
  const out: string[] = [];
  for (const key of ['requests', 'pods', 'users', 'events', 'inFlight', 'nodeLaunches'] as const) {
    if (limits[key] !== DEFAULT_WORK_LIMITS[key] || (key === 'requests' && requestsGiven)) out.push(WORK_LIMIT_FLAGS[key], String(limits[key]));
  }
  return out;
}
