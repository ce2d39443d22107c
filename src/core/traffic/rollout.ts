/**
 * Gradual rollout of a configuration's newest revision (upstream
 * pkg/reconciler/route/traffic/rollout.go and the route reconciler's
 * reconcileRollout). When a configuration target with more than 1% of traffic
 * gets a new latest ready revision, the new revision starts at 1% and takes
 * equal steps from its predecessors until it holds the configuration's whole
 * share; the step size and interval are fixed when the ingress first reports
 * ready, from the time the first 1% took and the rollout duration.
 *
 * Times are seconds on the caller's clock (any origin); upstream's Unix
 * nanoseconds become seconds, and an unset upstream zero becomes an absent
 * field. All functions return new objects and never modify their inputs.
 */

import { wholeNanos } from '../duration.js';
import { InvalidArgumentError, requireFinite, requirePositive } from '../errors.js';
import type {
  ConfigurationRollout,
  RevisionRollout,
  Rollout,
  RolloutParams,
  TrafficConfig,
} from './types.js';

/** Mutable working copy of a ConfigurationRollout, local to this module. */
interface WorkingConfig {
  configurationName: string;
  tag: string;
  percent: number;
  revisions: { revisionName: string; percent: number }[];
  stepParams: RolloutParams;
}

function frozen(c: WorkingConfig): ConfigurationRollout {
  return {
    configurationName: c.configurationName,
    tag: c.tag,
    percent: c.percent,
    revisions: c.revisions.map((r): RevisionRollout => ({ revisionName: r.revisionName, percent: r.percent })),
    stepParams: { ...c.stepParams },
  };
}

/** Orders by tag, then configuration name (byte order, as Go's string compare). */
function compareConfigs(a: ConfigurationRollout, b: ConfigurationRollout): number {
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  if (a.configurationName === b.configurationName) return 0;
  return a.configurationName < b.configurationName ? -1 : 1;
}

function sorted(configs: readonly ConfigurationRollout[]): ConfigurationRollout[] {
  return [...configs].sort(compareConfigs);
}

/** Throws unless every number in the rollout is usable (finite, integer percents). */
function requireWellFormed(field: string, ro: Rollout): void {
  ro.configurations.forEach((c, i) => {
    const at = `${field}.configurations[${i}]`;
    if (!Number.isInteger(c.percent)) throw new InvalidArgumentError(`${at}.percent`, `must be an integer, got ${String(c.percent)}`);
    c.revisions.forEach((r, j) => {
      if (!Number.isInteger(r.percent)) {
        throw new InvalidArgumentError(`${at}.revisions[${j}].percent`, `must be an integer, got ${String(r.percent)}`);
      }
    });
    const p = c.stepParams;
    for (const k of ['startTime', 'nextStepTime', 'stepDuration'] as const) {
      const v = p[k];
      if (v !== undefined) requireFinite(`${at}.stepParams.${k}`, v);
    }
    if (p.stepSize !== undefined && !Number.isInteger(p.stepSize)) {
      throw new InvalidArgumentError(`${at}.stepParams.stepSize`, `must be an integer, got ${String(p.stepSize)}`);
    }
  });
}

/**
 * The rollout state the traffic asks for right now (upstream Config.BuildRollout):
 * one entry per latest-revision target with a non-zero percent in each group,
 * holding its single revision at the target's percent. Sorted by tag, then
 * configuration name.
 */
export function buildRollout(config: TrafficConfig): Rollout {
  const configurations: ConfigurationRollout[] = [];
  for (const g of config.groups) {
    for (const t of g.targets) {
      // Pinned revisions never roll; a 0% entry (tag-only target) has nothing to move.
      if (!t.latestRevision || t.percent === 0) continue;
      configurations.push({
        configurationName: t.configurationName,
        tag: g.tag,
        percent: t.percent,
        revisions: [{ revisionName: t.revisionName, percent: t.percent }],
        stepParams: {},
      });
    }
  }
  return { configurations: sorted(configurations) };
}

/** The configuration rollouts of one tag ('' = default group), in rollout order. */
export function rolloutsByTag(rollout: Rollout, tag: string): ConfigurationRollout[] {
  return rollout.configurations.filter((c) => c.tag === tag);
}

/** The rollout entry for (tag, configuration), or undefined. */
export function configurationRollout(
  rollout: Rollout,
  tag: string,
  configurationName: string,
): ConfigurationRollout | undefined {
  return rollout.configurations.find((c) => c.tag === tag && c.configurationName === configurationName);
}

/** True when no configuration is mid-rollout (each has at most one revision). */
export function rolloutDone(rollout: Rollout): boolean {
  return rollout.configurations.every((c) => c.revisions.length < 2);
}

/**
 * Upstream's sanity check of a stored rollout (Rollout.Validate): every
 * configuration at most 100%, step size in [0, percent], revision percents
 * summing to the configuration's. An invalid stored state is discarded by the
 * reconciler rather than repaired. Also false for non-integer or non-finite numbers.
 */
export function isValidRollout(rollout: Rollout): boolean {
  try {
    requireWellFormed('rollout', rollout);
  } catch {
    return false;
  }
  return rollout.configurations.every((c) => {
    if (c.percent > 100) return false;
    const step = c.stepParams.stepSize ?? 0;
    if (step < 0 || step > c.percent) return false;
    return c.revisions.reduce((s, r) => s + r.percent, 0) === c.percent;
  });
}

/**
 * Fixes a configuration's step plan (upstream computeProperties). `minStep` is
 * how long the first 1% took; the rest of the duration is split into equal
 * steps no shorter than that and no smaller than 1%.
 */
function withStepPlan(c: ConfigurationRollout, now: number, minStep: number, durationSeconds: number): ConfigurationRollout {
  // The first 1% already used minStep; at least 1 s remains so the rest happens in ≥ 1 step.
  const d = Math.max(1, durationSeconds - minStep);
  let steps = Math.max(1, d / minStep);
  const remaining = c.percent - 1;
  if (remaining < steps) steps = remaining;
  // Rounded, not floored: 1.9 → 1 would nearly double the rollout time.
  const stepSize = Math.round(remaining / steps);
  // Upstream keeps integer nanoseconds (truncated).
  const stepDuration = Math.trunc((d / steps) * 1e9) / 1e9;
  return {
    ...c,
    stepParams: { ...c.stepParams, stepDuration, stepSize, nextStepTime: now + stepDuration },
  };
}

/**
 * Called when the ingress becomes ready (upstream Rollout.ObserveReady): every
 * configuration whose rollout has started but has no step plan yet gets one,
 *   minStep = max(1, ⌈now − startTime⌉) s, d = max(1, duration − minStep),
 *   steps = min(percent − 1, max(1, d / minStep)),
 *   stepSize = round((percent − 1) / steps), stepDuration = d / steps,
 *   nextStepTime = now + stepDuration.
 * Configurations already planned, or not rolling, are returned unchanged.
 * (Defensive: a configuration below 2% has nothing to step and is left alone.)
 * @param durationSeconds the rollout duration, > 0.
 * @throws {InvalidArgumentError} on a non-finite time, a non-positive duration or a malformed rollout.
 */
export function observeReady(rollout: Rollout, nowSeconds: number, durationSeconds: number): Rollout {
  requireFinite('nowSeconds', nowSeconds);
  requirePositive('durationSeconds', durationSeconds);
  requireWellFormed('rollout', rollout);
  return {
    configurations: rollout.configurations.map((c) => {
      const start = c.stepParams.startTime;
      if ((c.stepParams.stepDuration ?? 0) !== 0 || start === undefined || c.percent < 2) return c;
      // Measure the elapsed time in whole nanoseconds, as upstream does, so float
      // noise (10.1 − 8.1 = 2.0000000000000004) does not add a second.
      const elapsed = wholeNanos(nowSeconds - start) / 1e9;
      const minStep = Math.max(1, Math.ceil(elapsed));
      return withStepPlan(c, nowSeconds, minStep, durationSeconds);
    }),
  };
}

/**
 * Applies a change of the configuration's total percent to a rollout in
 * progress (upstream adjustPercentage): an increase goes to the newest revision,
 * a decrease is taken from the oldest revisions first (dropping those that reach
 * 0), and 0 ends the rollout.
 */
function adjustPercentage(goal: number, current: number, revs: WorkingConfig['revisions']): WorkingConfig['revisions'] {
  const diff = goal - current;
  if (goal === 0) return [];
  const last = revs[revs.length - 1];
  if (diff > 0 && last) {
    last.percent += diff;
    return revs;
  }
  if (diff < 0) {
    let left = -diff;
    let i = 0;
    while (left > 0 && i < revs.length) {
      const r = revs[i] as { percent: number };
      if (r.percent > left) {
        r.percent -= left;
        break;
      }
      left -= r.percent;
      i++;
    }
    return revs.slice(i);
  }
  return revs;
}

/**
 * Moves one step of traffic to the newest revision if the step is due
 * (upstream stepRevisions): stepSize% is taken from the revisions before the
 * newest, newest-but-one first, dropping those that reach 0; the newest gains
 * stepSize%, capped at the configuration's percent. With one revision left the
 * rollout is over and its parameters are cleared; otherwise the next step is
 * due stepDuration from now.
 */
function stepRevisions(c: WorkingConfig, now: number): void {
  const next = c.stepParams.nextStepTime;
  if ((next !== undefined && now < next) || c.revisions.length < 2) return;
  const revs = c.revisions;
  const step = c.stepParams.stepSize ?? 0;
  const n = revs.length;
  let remaining = step;
  let write = n - 1;
  let read = n - 2;
  while (remaining > 0 && read >= 0) {
    const r = revs[read] as { percent: number };
    if (r.percent > remaining) {
      r.percent -= remaining;
      break;
    }
    // This revision is drained; the newest will take its slot.
    remaining -= r.percent;
    write--;
    read--;
  }
  const newest = revs[n - 1] as { revisionName: string; percent: number };
  // If the step exceeds what is left (the total shrank below it), cap at the total.
  revs[write] = { revisionName: newest.revisionName, percent: Math.min(newest.percent + step, c.percent) };
  c.revisions = revs.slice(0, write + 1);
  c.stepParams =
    c.revisions.length > 1 ? { ...c.stepParams, nextStepTime: now + (c.stepParams.stepDuration ?? 0) } : {};
}

/**
 * Merges the desired shape of one configuration with its previous rollout state
 * (upstream stepConfig).
 */
function stepConfig(goal: ConfigurationRollout, prev: ConfigurationRollout, now: number): ConfigurationRollout {
  const goalRev = goal.revisions[0];
  if (!goalRev) {
    throw new InvalidArgumentError('current', `configuration ${JSON.stringify(goal.configurationName)} has ${goal.percent}% but no revision`);
  }
  const ret: WorkingConfig = {
    configurationName: goal.configurationName,
    tag: goal.tag,
    percent: goal.percent,
    revisions: goal.revisions.map((r) => ({ ...r })),
    // A new revision resets the timing, so start from nothing.
    stepParams: {},
  };
  const prevNewest = prev.revisions[prev.revisions.length - 1];
  let prevRevs = prev.revisions.map((r) => ({ ...r }));
  if (prevRevs.length > 0) prevRevs = adjustPercentage(goal.percent, prev.percent, prevRevs);

  // Deviation: upstream compares with the adjusted list indexed by its old
  // length, which is out of range (a panic) when a decrease dropped an old
  // revision. A decrease never drops the newest, so compare with it directly.
  if (prevNewest === undefined || goalRev.revisionName === prevNewest.revisionName) {
    // No new revision: keep stepping the rollout in progress, if any.
    if (prevRevs.length > 1) {
      ret.revisions = prevRevs;
      ret.stepParams = { ...prev.stepParams };
      // Before the ingress was first ready there is no step plan yet.
      if ((ret.stepParams.stepSize ?? 0) > 0) stepRevisions(ret, now);
    }
    return frozen(ret);
  }

  // A new revision: start a rollout. ObserveReady fills in the plan later.
  ret.stepParams = { startTime: now };
  // The newest previous revision that still has traffic gives up 1%.
  for (let i = prevRevs.length - 1; i >= 0; i--) {
    const r = prevRevs[i] as { percent: number };
    if (r.percent > 0) {
      r.percent--;
      break;
    }
  }
  ret.revisions = [...prevRevs.filter((r) => r.percent !== 0), { revisionName: goalRev.revisionName, percent: 1 }];
  return frozen(ret);
}

function byTag(configs: readonly ConfigurationRollout[]): Map<string, ConfigurationRollout[]> {
  const m = new Map<string, ConfigurationRollout[]>();
  for (const c of sorted(configs)) {
    const l = m.get(c.tag);
    if (l) l.push(c);
    else m.set(c.tag, [c]);
  }
  return m;
}

/** Result of {@link stepRollout}. */
export interface StepResult {
  /** The rollout state to apply now (the desired traffic shape). */
  readonly rollout: Rollout;
  /** The earliest time a further step is due, or undefined if none is scheduled. */
  readonly nextStepTime: number | undefined;
}

/**
 * Advances the rollout (upstream Rollout.Step): merges the shape the traffic
 * asks for now (`current`, from {@link buildRollout}) with the previous state,
 * per tag and configuration:
 * - no previous state: `current` as is;
 * - a tag new since last time: its first configuration as is;
 * - a configuration with > 1%: stepped (a new latest revision starts a rollout
 *   at 1%, otherwise a due step is taken and a changed total applied);
 * - a configuration with exactly 1%: as is (nothing to roll); 0%: dropped;
 * - a configuration that disappeared: dropped.
 * @throws {InvalidArgumentError} on a non-finite time or malformed rollouts.
 */
export function stepRollout(current: Rollout, previous: Rollout | undefined, nowSeconds: number): StepResult {
  requireFinite('nowSeconds', nowSeconds);
  requireWellFormed('current', current);
  if (previous === undefined || previous.configurations.length === 0) {
    return { rollout: current, nextStepTime: undefined };
  }
  requireWellFormed('previous', previous);
  const cur = byTag(current.configurations);
  const prev = byTag(previous.configurations);
  const out: ConfigurationRollout[] = [];
  let nextStepTime: number | undefined;
  for (const [tag, ccfgs] of cur) {
    const pcfgs = prev.get(tag);
    if (!pcfgs) {
      // Nothing to roll from for a new tag.
      const first = ccfgs[0];
      if (first) out.push(first);
      continue;
    }
    // Both lists are sorted by configuration name: walk them together.
    let i = 0;
    let j = 0;
    while (i < ccfgs.length) {
      const c = ccfgs[i] as ConfigurationRollout;
      const p = pcfgs[j];
      if (p === undefined) {
        out.push(c); // added during this update
        i++;
      } else if (c.configurationName === p.configurationName) {
        if (c.percent > 1) {
          const sc = stepConfig(c, p, nowSeconds);
          out.push(sc);
          const nst = sc.stepParams.nextStepTime;
          if (nst !== undefined && (nextStepTime === undefined || nst < nextStepTime)) nextStepTime = nst;
        } else if (c.percent === 1) {
          out.push(c); // a 1% A/B target cannot be stepped
        }
        i++;
        j++;
      } else if (c.configurationName < p.configurationName) {
        if (c.percent !== 0) out.push(c); // new configuration: no rollout yet
        i++;
      } else {
        j++; // configuration removed
      }
    }
  }
  return { rollout: { configurations: sorted(out) }, nextStepTime };
}

/** Input of {@link reconcileRollout}. */
export interface RolloutReconcileInput {
  /** The route's flattened traffic now. */
  readonly traffic: TrafficConfig;
  /** The rollout state stored with the ingress last time; undefined if none (e.g. no ingress yet). */
  readonly previous?: Rollout | undefined;
  /** The reconcile time, seconds. */
  readonly nowSeconds: number;
  /** The effective rollout duration in seconds (see `effectiveRolloutDuration`); 0 disables gradual rollout. */
  readonly durationSeconds: number;
  /**
   * The ingress reports Ready while the route's IngressReady condition is not
   * True, which during a rollout is every reconcile after the ingress became
   * ready (the route holds the condition at "rollout in progress").
   */
  readonly ingressBecameReady: boolean;
}

/** Output of {@link reconcileRollout}. */
export interface RolloutReconcileResult extends StepResult {
  /** Some configuration is mid-rollout (the route reports IngressReady Unknown). */
  readonly inProgress: boolean;
}

/**
 * One route reconcile's rollout handling (upstream Reconciler.reconcileRollout):
 * with rollout disabled the traffic's own shape is used; otherwise a stored
 * state that fails {@link isValidRollout} is discarded, {@link observeReady} is
 * applied when the ingress has just become ready, and {@link stepRollout}
 * produces the state to program. Requeue the route at `nextStepTime`.
 * @throws {InvalidArgumentError} on a non-finite time or a negative or fractional duration.
 */
export function reconcileRollout(input: RolloutReconcileInput): RolloutReconcileResult {
  requireFinite('nowSeconds', input.nowSeconds);
  const d = input.durationSeconds;
  if (!Number.isInteger(d) || d < 0) {
    throw new InvalidArgumentError('durationSeconds', `must be a whole number of seconds ≥ 0, got ${String(d)}`);
  }
  const current = buildRollout(input.traffic);
  if (d === 0) return { rollout: current, nextStepTime: undefined, inProgress: !rolloutDone(current) };
  let prev = input.previous !== undefined && isValidRollout(input.previous) ? input.previous : undefined;
  if (prev !== undefined && input.ingressBecameReady) prev = observeReady(prev, input.nowSeconds, d);
  const r = stepRollout(current, prev, input.nowSeconds);
  return { ...r, inProgress: !rolloutDone(r.rollout) };
}
