/**
 * The tuner: the cheapest point of a search space that meets every SLO with 95 %
 * confidence (the upper end of each SLO metric's confidence interval meets it), found
 * without simulating the whole grid.
 *
 * Phase 1, screening: each setting is run along its coarse values (2 replications) with
 * the other settings at their first, middle and last values. A setting whose values change
 * no metric of any replication in any of those groups (common random numbers make "no
 * effect" exact) is held at its first value: the search then runs on the others.
 * Phase 2, search: coarse-to-fine coordinate refinement with racing.
 *  1. Start on a coarse lattice of the settings left (every s-th value, plus the last).
 *  2. Race the candidates over rungs of replications (2, 4, … up to the full count): after
 *     each rung drop those that are clearly infeasible (the lower end of an SLO metric's
 *     interval violates it) or clearly costlier than the incumbent, the cheapest confirmed
 *     feasible point (the paired 95 % interval of the objective difference lies above 0, and
 *     a difference the same in every seed was seen in 6 or more: stats.ts SAME_SIGN_SEEDS).
 *  3. Halve the strides and put the ±stride box around the promising confirmed points on
 *     the candidate list: the two cheapest feasible ones, and every feasible or uncertain
 *     point not clearly costlier than the incumbent, since a cheaper feasible point can
 *     only hide near those. Repeat; at stride 1 it keeps going until no new point appears.
 * Every replication r of every point uses seed baseSeed + r, so a point's numbers are
 * exactly those a full sweep with the same seeds would give. The winner is picked by
 * TIE_RULE; ./tune-flags.ts says which points tie with it.
 */
import { parse as parseYaml, Document } from 'yaml';
import { KUBECTL_SAFE, kubectlTags } from '../scenario/kubectl-yaml.js';
import { UsageError } from '../scenario/usage-error.js';
import type { LoadedScenario } from '../scenario/load.js';
import { parseSetExpression } from '../scenario/set.js';
import { pointCoords, pointCount, pointIndex, pointValues, type Axis } from './axes.js';
import { METRICS, METRIC_KEYS, metricByName, sameMetricValues, type MetricKey, type MetricValues } from '../output/metrics.js';
import { coveragePercent, pairedDifference, rangeCoverage } from './stats.js';
import { pointStats, roundMetrics, type MetricStat, type PointResult, type SweepDefinition } from './sweep.js';

// ---------------------------------------------------------------- SLOs and objective

export interface Slo {
  metric: MetricKey;
  /** '<=' or '<'. */
  op: '<=' | '<';
  /** In the metric's own unit: ms for latencies, a fraction for rates. */
  threshold: number;
  /** As the user wrote it. */
  text: string;
}

/**
 * Parses `metric<=value[unit]`: `p99<=500ms`, `p95<1s`, `errorRate<=0.1%`,
 * `rate503<=0.001`, `maxPods<=10`. Latencies take ms (the default) or s; rates take % or a fraction.
 */
export function parseSlo(expr: string): Slo {
  const fail = (rule: string): never => {
    throw new UsageError(`--slo ${JSON.stringify(expr)}: ${rule}`);
  };
  const m = /^\s*([A-Za-z0-9_]+)\s*(<=|≤|<)\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(ms|s|%)?\s*$/.exec(String(expr));
  if (m === null) return fail(`expected metric<=value, e.g. p99<=500ms or errorRate<=0.1% (metrics: ${sloMetricNames()})`);
  const metric = metricByName(m[1]!);
  if (metric === undefined) return fail(`unknown metric ${JSON.stringify(m[1])} (metrics: ${sloMetricNames()})`);
  let v = Number(m[3]);
  const unit = m[4] ?? '';
  if (metric.unit === 'ms') {
    if (unit === 's') v *= 1000;
    else if (unit !== '' && unit !== 'ms') fail(`${m[1]} is a latency: give ms or s`);
  } else if (metric.unit === 'fraction') {
    if (unit === '%') v /= 100;
    else if (unit !== '') fail(`${m[1]} is a rate: give a percentage (0.1%) or a fraction (0.001)`);
    if (v > 1) fail(`a rate cannot exceed 100%`);
  } else if (unit !== '') fail(`${m[1]} takes a plain number`);
  // 1e308s is 1e311 ms: an infinite threshold is met by every point, and the chart cannot draw it.
  if (!Number.isFinite(v)) fail(`${m[3]}${unit} is past the largest number knsim holds (1.8e308${metric.unit === 'ms' ? ' ms' : ''})`);
  return { metric: metric.key, op: m[2] === '<' ? '<' : '<=', threshold: v, text: String(expr).trim() };
}

function sloMetricNames(): string {
  return METRIC_KEYS.map((k) => METRICS[k].aliases[0] ?? k).join(', ');
}

export function parseObjective(v: unknown): MetricKey {
  const s = v === undefined ? 'podSeconds' : String(v);
  const m = metricByName(s);
  if (m === undefined) throw new UsageError(`--objective: must be podSeconds or maxPods (or another metric: ${sloMetricNames()}), got ${JSON.stringify(s)}`);
  return m.key;
}

const meets = (slo: Slo, v: number): boolean => (slo.op === '<' ? v < slo.threshold : v <= slo.threshold);

/** Meets every SLO with confidence: the 95 % upper bound of each SLO metric meets it. */
export function confidentlyFeasible(slos: readonly Slo[], m: Record<MetricKey, MetricStat>): boolean {
  return slos.every((s) => m[s.metric].hi !== null && meets(s, m[s.metric].hi!));
}

/**
 * The sentence that keeps "with 95 % confidence" true with 2–4 replications: the upper bound of
 * a non-negative SLO metric (the bootstrap's) is then the largest replication, which is above
 * the mean less often than 95 % (rates keep their Wilson bound). undefined when not so.
 */
export function fewReplicationsCaveat(slos: readonly Slo[], replications: number): string | undefined {
  const range = rangeCoverage(replications);
  const metrics = [...new Set(slos.filter((s) => METRICS[s.metric].kind === 'nonNegative').map((s) => METRICS[s.metric].label))];
  if (range === undefined || metrics.length === 0) return undefined;
  return `with ${replications} replications the upper bound of ${metrics.join(', ')} is the largest replication, which is above the mean about ${coveragePercent(range.upper)} of the time for a symmetric metric and less for a skewed one, not 95 % (use --replications 5 or more)`;
}

/** Violates an SLO with confidence: the 95 % lower bound of some SLO metric fails it. */
export function clearlyInfeasible(slos: readonly Slo[], m: Record<MetricKey, MetricStat>): boolean {
  return slos.some((s) => m[s.metric].lo !== null && !meets(s, m[s.metric].lo!));
}

/** How far the worst SLO's upper bound is past its threshold, relative to it (≤ 0: met). */
export function violation(slos: readonly Slo[], m: Record<MetricKey, MetricStat>): number {
  let worst = -Infinity;
  for (const s of slos) {
    const v = m[s.metric].hi ?? m[s.metric].mean;
    const over = (v - s.threshold) / Math.max(Math.abs(s.threshold), 1e-9);
    // Not measured (a latency without any 200 response) is as far from meeting it as can be.
    worst = Math.max(worst, Number.isNaN(over) ? Infinity : over);
  }
  return worst;
}

/**
 * The point nearest to meeting every SLO (smallest violation), for the message when none
 * does, among the points with the most replications: points that clearly violate an SLO are
 * dropped after the first replications, so often none has them all.
 */
export function closestPoint<P extends PointResult>(points: readonly P[], slos: readonly Slo[]): P | undefined {
  const most = Math.max(0, ...points.map((p) => p.replications));
  return points.filter((p) => p.replications === most).sort((a, b) => violation(slos, a.metrics) - violation(slos, b.metrics) || a.point - b.point)[0];
}

/**
 * The cheapest point meeting every SLO with confidence, among fully replicated points:
 * the smallest objective mean, ties to the lower point index. The rule a full grid
 * is judged by too.
 */
export function bestFeasible(points: readonly PointResult[], slos: readonly Slo[], objective: MetricKey, replications: number): PointResult | undefined {
  let best: PointResult | undefined;
  for (const p of points) {
    // A point without the objective (node cost without node pools) cannot be the cheapest.
    if (p.replications < replications || !confidentlyFeasible(slos, p.metrics) || Number.isNaN(p.metrics[objective].mean)) continue;
    if (best === undefined || p.metrics[objective].mean < best.metrics[objective].mean || (p.metrics[objective].mean === best.metrics[objective].mean && p.point < best.point)) best = p;
  }
  return best;
}

/** Metrics only runs with node pools (cluster.nodePools) have: NaN without them. */
const NODE_METRICS: ReadonlySet<MetricKey> = new Set<MetricKey>(['node_cost_usd', 'peak_nodes', 'max_pending_s']);

/**
 * Refuses an objective or SLO on a node metric when the scenario has no node pools (and no
 * --space setting under `cluster` could add them): no run would measure it.
 * @throws UsageError naming the flag
 */
export function checkMeasured(hasNodePools: boolean, axes: readonly Axis[], slos: readonly Slo[], objective: MetricKey, objectiveText: string = objective, streams = true, webSockets = true): void {
  // The same for the first byte, which only runs where some app streams (app.stream) have, and
  // for the sessions a shutdown closed, which only runs with WebSocket sessions (app.webSocket) have.
  const appAxis = axes.some((a) => /\bapp\b/.test(a.path));
  const appOnly: ReadonlyArray<readonly [boolean, MetricKey, string, string]> = [
    [streams, 'first_byte_p99_ms', 'streams its response (app.stream)', 'give the app a stream'],
    [webSockets, 'sessions_closed_rate', 'serves WebSocket sessions (app.webSocket)', 'set app.webSocket'],
  ];
  for (const [has, k, what, remedy] of appOnly) {
    if (has || appAxis) continue;
    const why = (flag: string): UsageError => new UsageError(`${flag}: no revision of the scenario ${what}, so its runs have no ${METRICS[k].title}; choose another metric or ${remedy}`);
    if (objective === k) throw why(`--objective ${objectiveText}`);
    for (const s of slos) if (s.metric === k) throw why(`--slo ${s.text}`);
  }
  if (hasNodePools || axes.some((a) => /^cluster\b/.test(a.path))) return;
  const why = (flag: string, k: MetricKey): UsageError =>
    new UsageError(`${flag}: the scenario has no node pools (cluster.nodePools), so its runs have no ${METRICS[k].title}; choose another metric or add node pools`);
  if (NODE_METRICS.has(objective)) throw why(`--objective ${objectiveText}`, objective);
  for (const s of slos) if (NODE_METRICS.has(s.metric)) throw why(`--slo ${s.text}`, s.metric);
}

// ---------------------------------------------------------------- search

/**
 * A point's verdict. `screened`: simulated only by the screening, with fewer replications than
 * the search's (a setting found to have no effect is held at its first value, so points at its
 * other values are never raced): its means are not comparable with a raced point's.
 */
export type PointStatus = 'winner' | 'feasible' | 'uncertain' | 'infeasible' | 'dominated' | 'screened';

export interface ExploredPoint extends PointResult {
  status: PointStatus;
}

/** Where the tuner is, for progress: the phase and the step inside it. */
export interface TunePhase {
  /** 1-based. */
  index: number;
  count: number;
  name: 'screen' | 'search';
  /** What this batch of runs is, e.g. "round 2, 4 of 5 replications". */
  step: string;
}

export interface TuneProblem {
  axes: Axis[];
  slos: Slo[];
  objective: MetricKey;
  /** Replications of a confirmed point (≥ 2). */
  replications: number;
  /** Replications of the first racing rung (default 2, at most `replications`); later rungs double. */
  firstRung?: number;
  /** Points refined around per round (default 2). */
  centers?: number;
  /** Screen each setting for an effect first and fix those without one (default true). */
  screen?: boolean;
  /**
   * Seeds the bootstrap intervals' resamples: the sweep's base seed, so a point's intervals
   * (and SLO verdicts) are those a sweep of it with the same seeds shows (default 0).
   */
  seed?: number | string;
  /**
   * Runs replication r of point p for each pair; results in the same order. Called with
   * every run the tuner needs next, so they can go in parallel; `phase` says what they are for.
   */
  evaluate(pairs: ReadonlyArray<readonly [point: number, replication: number]>, phase: TunePhase): Promise<MetricValues[]>;
  /** Called with the points about to be simulated for the first time (to check them). */
  beforeNew?(points: readonly number[]): void;
}

/** What screening found about one setting. */
export interface ScreenedSetting {
  axis: number;
  /** Groups of screened points that differ only in this setting. */
  groups: number;
  /** Groups in which some metric of some replication differed. */
  changed: number;
  /** No metric changed in any group: the search held this setting at its first value. */
  fixed: boolean;
}

export interface TuneResult {
  winner: ExploredPoint | undefined;
  /** Every simulated point, by index. */
  explored: ExploredPoint[];
  /** Every run, per point, in replication order. */
  runs: Map<number, MetricValues[]>;
  simulations: number;
  rounds: number;
  totalPoints: number;
  /** Replications of a confirmed point. */
  replications: number;
  /** One entry per setting with at least two values (empty when screening was off). */
  screening: ScreenedSetting[];
  /** Runs per phase, in phase order. */
  phaseRuns: { screen: number; search: number };
}

/** What a tune writes: tune.json, tune.csv, flags.csv, runs.csv, winner.yaml and its report. */
export interface TuneOutput {
  def: SweepDefinition;
  slos: Slo[];
  objective: MetricKey;
  result: TuneResult;
  /** The winner's patch (YAML), if there is a winner. */
  patch: string | undefined;
}

/** The tie rule, stated wherever a winner is shown. */
export const TIE_RULE = 'lowest mean objective; on exactly equal means, the earliest values in --space order (first --space first)';

function initialStride(n: number, intervals: number): number {
  if (n <= intervals + 1) return 1;
  let s = 1;
  while ((n - 1) / s > intervals) s *= 2;
  return s;
}

/**
 * The first round's lattice: per axis a power-of-two stride giving at most 4 intervals
 * (fewer when there are many axes, so the lattice stays near 256 points), the values
 * 0, s, 2s, … and always the last one. Axes of one value do not count as axes.
 */
export function coarseLattice(sizes: readonly number[]): { strides: number[]; lattice: number[][] } {
  const varying = sizes.filter((n) => n > 1).length;
  const intervals = Math.max(2, Math.floor(256 ** (1 / Math.max(1, varying))) - 1);
  const strides = sizes.map((n) => initialStride(n, Math.min(4, intervals)));
  const lattice = sizes.map((n, a) => {
    const vs: number[] = [];
    for (let v = 0; v < n; v += strides[a]!) vs.push(v);
    if (vs[vs.length - 1] !== n - 1) vs.push(n - 1);
    return vs;
  });
  return { strides, lattice };
}

/** Every combination of one value per axis (the first axis varies slowest). */
function product(options: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const opts of options) out = out.flatMap((acc) => opts.map((v) => [...acc, v]));
  return out;
}

/** Identical runs: every metric of every replication equal (common random numbers make a setting without effect give exactly this). */
function sameRuns(a: readonly MetricValues[], b: readonly MetricValues[], reps: number): boolean {
  for (let r = 0; r < reps; r++) if (!sameMetricValues(a[r]!, b[r]!)) return false;
  return true;
}

/**
 * The screening groups of axis d: along d's coarse lattice values, with every other
 * axis at its first, middle and last value (the corners and the centre of the rest of
 * the space). Distinct groups only.
 */
function screeningGroups(sizes: readonly number[], d: number, lattice: readonly number[]): number[][][] {
  const bases = [0, 0.5, 1].map((f) => sizes.map((n) => Math.floor(f * (n - 1))));
  const seen = new Set<string>();
  const out: number[][][] = [];
  for (const base of bases) {
    const group = lattice.map((v) => base.map((c, a) => (a === d ? v : c)));
    const key = JSON.stringify(group);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(group);
    }
  }
  return out;
}

/** Finds the cheapest configuration meeting every SLO with confidence (see the module comment). */
export async function tune(problem: TuneProblem): Promise<TuneResult> {
  const { axes, slos, objective } = problem;
  const R = problem.replications;
  if (!Number.isInteger(R) || R < 2) throw new UsageError(`--replications: the tuner needs at least 2 (a confidence interval needs 2 values), got ${R}`);
  const total = pointCount(axes);
  const sizes = axes.map((a) => a.values.length);
  const rungs: number[] = [];
  for (let r = Math.min(problem.firstRung ?? 2, R); r < R; r *= 2) rungs.push(r);
  rungs.push(R);
  const K = problem.centers ?? 2;
  const screenOn = problem.screen ?? true;
  const phaseCount = screenOn ? 2 : 1;

  const runs = new Map<number, MetricValues[]>();
  const eliminated = new Map<number, 'infeasible' | 'dominated'>();
  let simulations = 0;
  const phaseRuns = { screen: 0, search: 0 };

  const seed = problem.seed ?? 0;
  const statsOf = (p: number): Record<MetricKey, MetricStat> => pointStats(runs.get(p)!, seed);
  const asResult = (p: number): PointResult => ({ point: p, values: pointValues(axes, p), replications: runs.get(p)!.length, metrics: statsOf(p) });
  const confirmed = (): PointResult[] => [...runs.keys()].filter((p) => runs.get(p)!.length >= R && !eliminated.has(p)).sort((a, b) => a - b).map(asResult);

  async function ensure(points: readonly number[], reps: number, phase: TunePhase): Promise<void> {
    const fresh = points.filter((p) => !runs.has(p));
    if (fresh.length > 0) problem.beforeNew?.(fresh);
    const pairs: Array<readonly [number, number]> = [];
    for (const p of points) for (let r = runs.get(p)?.length ?? 0; r < reps; r++) pairs.push([p, r]);
    if (pairs.length === 0) return;
    const out = await problem.evaluate(pairs, phase);
    simulations += pairs.length;
    phaseRuns[phase.name] += pairs.length;
    pairs.forEach(([p, r], i) => {
      const list = runs.get(p) ?? [];
      if (list.length !== r) throw new Error(`tuner: replication ${r} of point ${p} out of order`);
      list.push(roundMetrics(out[i]!));
      runs.set(p, list);
    });
  }

  // Phase 1: screening. A setting whose values change no metric of any replication, in
  // any screened group, is held at its first value: the search then runs on the others.
  const screening: ScreenedSetting[] = [];
  const searchSizes = [...sizes];
  if (screenOn) {
    const reps = Math.min(2, R);
    const { lattice } = coarseLattice(sizes);
    const groups = sizes.map((n, d) => (n < 2 ? [] : screeningGroups(sizes, d, lattice[d]!).map((g) => g.map((c) => pointIndex(axes, c)))));
    const points = [...new Set(groups.flat(2))].sort((a, b) => a - b);
    await ensure(points, reps, { index: 1, count: phaseCount, name: 'screen', step: `each setting along its range, ${reps} replications` });
    groups.forEach((gs, d) => {
      if (gs.length === 0) return;
      const changed = gs.filter((g) => g.some((p) => !sameRuns(runs.get(p)!, runs.get(g[0]!)!, reps))).length;
      screening.push({ axis: d, groups: gs.length, changed, fixed: changed === 0 });
      if (changed === 0) searchSizes[d] = 1;
    });
  }

  /** The cheapest confirmed feasible point (ties to the lower index). */
  function incumbent(): PointResult | undefined {
    return bestFeasible(confirmed(), slos, objective, R);
  }

  /**
   * Drops candidates that cannot win: clearly infeasible ones, and those clearly costlier
   * than the incumbent (their paired objective difference excludes 0 from above: stats.ts
   * pairedDifference). Only the incumbent is compared against, to keep false drops rare.
   */
  function prune(points: readonly number[]): number[] {
    const inc = incumbent();
    const incRuns = inc === undefined ? undefined : runs.get(inc.point)!.map((v) => v[objective]);
    return points.filter((p) => {
      if (clearlyInfeasible(slos, statsOf(p))) {
        eliminated.set(p, 'infeasible');
        return false;
      }
      if (inc !== undefined && incRuns !== undefined && inc.point !== p) {
        // A difference the same in each of a few seeds is no proof (stats.ts SAME_SIGN_SEEDS).
        if (pairedDifference(runs.get(p)!.map((v) => v[objective]), incRuns).above) {
          eliminated.set(p, 'dominated');
          return false;
        }
      }
      return true;
    });
  }

  /** Successive rungs of replications: each rung runs only the candidates the last one left standing. */
  async function race(candidates: readonly number[], round: number): Promise<void> {
    let alive = candidates.filter((p) => !eliminated.has(p) && (runs.get(p)?.length ?? 0) < R);
    for (const rung of rungs) {
      if (alive.length === 0) return;
      await ensure(alive, rung, { index: phaseCount, count: phaseCount, name: 'search', step: `round ${round}, ${rung} of ${R} replications` });
      alive = prune(alive);
    }
  }

  /**
   * The points to refine around: the K cheapest confirmed feasible points, and every
   * confirmed point whose SLO verdict is uncertain (its interval straddles a threshold)
   * and whose mean objective is below the best feasible one: feasible points cheaper
   * than the incumbent can only hide near those. While nothing is feasible: the K least
   * infeasible points and every uncertain one.
   */
  function centers(): number[] {
    const all = confirmed();
    const feasible = all.filter((p) => confidentlyFeasible(slos, p.metrics));
    const uncertain = all.filter((p) => !confidentlyFeasible(slos, p.metrics) && !clearlyInfeasible(slos, p.metrics));
    const byObjective = (a: PointResult, b: PointResult): number => a.metrics[objective].mean - b.metrics[objective].mean || a.point - b.point;
    let out: number[];
    if (feasible.length > 0) {
      const best = [...feasible].sort(byObjective);
      const incumbent = runs.get(best[0]!.point)!.map((v) => v[objective]);
      // Not clearly costlier than the incumbent: the paired difference (point − incumbent) does not exclude 0 from above.
      const tied = (p: PointResult): boolean => {
        const d = pairedDifference(runs.get(p.point)!.map((v) => v[objective]), incumbent);
        return !d.above && !Number.isNaN(d.lo);
      };
      out = [...best.slice(0, K).map((p) => p.point), ...best.filter(tied).map((p) => p.point), ...uncertain.filter(tied).map((p) => p.point)];
    } else {
      const least = all
        .map((p) => ({ p: p.point, v: violation(slos, p.metrics), o: p.metrics[objective].mean }))
        .sort((a, b) => a.v - b.v || a.o - b.o || a.p - b.p)
        .slice(0, K)
        .map((x) => x.p);
      out = [...least, ...uncertain.map((p) => p.point)];
    }
    return [...new Set(out)];
  }

  /** The ±stride box around a point (or, with more than four varying axes, the ±stride cross). */
  function neighbourhood(center: number, strides: readonly number[]): number[] {
    const c = pointCoords(axes, center);
    const options = c.map((ci, a) => [...new Set([ci - strides[a]!, ci, ci + strides[a]!].filter((v) => v >= 0 && v < searchSizes[a]!))]);
    if (options.reduce((n, o) => n * o.length, 1) <= 81) return product(options).map((cs) => pointIndex(axes, cs));
    const out: number[] = [];
    for (let a = 0; a < axes.length; a++) for (const v of options[a]!) out.push(pointIndex(axes, c.map((x, i) => (i === a ? v : x))));
    return out;
  }

  // Phase 2 (or the only one): the coarse lattice of the settings left, then ever finer boxes.
  const { strides: firstStrides, lattice } = coarseLattice(searchSizes);
  let strides = firstStrides;
  let candidates = product(lattice).map((cs) => pointIndex(axes, cs));
  let rounds = 0;
  for (;;) {
    rounds++;
    await race(candidates, rounds);
    const atOne = strides.every((s) => s === 1);
    strides = strides.map((s) => Math.max(1, Math.floor(s / 2)));
    const next = new Set<number>();
    // Not yet raced: never simulated, or simulated only by the screening.
    for (const c of centers()) for (const p of neighbourhood(c, strides)) if (!eliminated.has(p) && (runs.get(p)?.length ?? 0) < R) next.add(p);
    candidates = [...next].sort((a, b) => a - b);
    if (candidates.length === 0 && atOne) break;
  }

  const winnerResult = bestFeasible(confirmed(), slos, objective, R);
  const explored: ExploredPoint[] = [...runs.keys()]
    .sort((a, b) => a - b)
    .map((p) => {
      const r = asResult(p);
      const status: PointStatus =
        winnerResult?.point === p ? 'winner'
        : eliminated.get(p) ?? ((runs.get(p)?.length ?? 0) < R ? 'screened' : undefined) ?? (clearlyInfeasible(slos, r.metrics) ? 'infeasible' : confidentlyFeasible(slos, r.metrics) ? 'feasible' : 'uncertain');
      return { ...r, status };
    });
  return { winner: explored.find((e) => e.status === 'winner'), explored, runs, simulations, rounds, totalPoints: total, replications: R, screening, phaseRuns };
}

// ---------------------------------------------------------------- the winner as a patch

export interface PatchResult {
  /** Multi-document YAML: one Service patch per service touched, one ConfigMap patch per ConfigMap. */
  yaml: string;
  /** Axis settings that are not Knative configuration (the scenario's app or clients). */
  scenarioOnly: string[];
}

const KEY_ORDER = ['apiVersion', 'kind', 'metadata', 'spec', 'data'];

/** Puts apiVersion, kind, metadata, spec, data first at every level (as kubectl prints objects). */
function ordered(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort((a, b) => {
    const ia = KEY_ORDER.indexOf(a);
    const ib = KEY_ORDER.indexOf(b);
    return (ia < 0 ? KEY_ORDER.length : ia) - (ib < 0 ? KEY_ORDER.length : ib);
  });
  return Object.fromEntries(keys.map((k) => [k, ordered(o[k])]));
}

const setIn = (root: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void => {
  let cur: Record<string, unknown> = root;
  path.forEach((seg, i) => {
    const key = String(seg);
    if (i === path.length - 1) cur[key] = value;
    else cur = (cur[key] ??= {}) as Record<string, unknown>;
  });
};

/**
 * The winner as patches for the user's objects: `services[i].manifest.<path>` becomes a
 * Knative Service patch at <path> (annotation and label values as strings), and
 * `configMaps.<name>.<key>` a ConfigMap data patch in knative-serving, each ConfigMap
 * headed by a comment that it is cluster-wide. Axes in `omit` (settings without
 * effect) are left out.
 */
export function winnerPatch(loaded: LoadedScenario, axes: readonly Axis[], values: readonly string[], header: string[] = [], omit: ReadonlySet<number> = new Set()): PatchResult {
  const services = new Map<number, Record<string, unknown>>();
  const configMaps = new Map<string, Record<string, string>>();
  const scenarioOnly: string[] = [];
  axes.forEach((axis, i) => {
    if (omit.has(i)) return;
    const text = values[i]!;
    const { path, value } = parseSetExpression(`${axis.path}=${text}`);
    if (path[0] === 'services' && typeof path[1] === 'number' && path[2] === 'manifest' && path.length > 3) {
      const rest = path.slice(3);
      const parent = rest[rest.length - 2];
      const v = parent === 'annotations' || parent === 'labels' ? (typeof value === 'string' ? value : text) : value;
      const patch = services.get(path[1]) ?? {};
      setIn(patch, rest, v);
      services.set(path[1], patch);
    } else if (path[0] === 'configMaps' && typeof path[1] === 'string' && typeof path[2] === 'string' && path.length === 3) {
      const data = configMaps.get(path[1]) ?? {};
      data[path[2]] = typeof value === 'string' ? value : text;
      configMaps.set(path[1], data);
    } else {
      scenarioOnly.push(`${axis.path}=${text}`);
    }
  });
  const docs: Document[] = [];
  for (const [i, patch] of [...services].sort((a, b) => a[0] - b[0])) {
    const name = loaded.world.services[i]?.name ?? `services[${i}]`;
    const { metadata, ...rest } = patch as { metadata?: Record<string, unknown> };
    docs.push(new Document(ordered({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name, ...(metadata ?? {}) }, ...rest }), KUBECTL_SAFE));
  }
  for (const [name, data] of [...configMaps].sort((a, b) => a[0].localeCompare(b[0]))) {
    const doc = new Document({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'knative-serving' }, data }, KUBECTL_SAFE);
    doc.commentBefore = ` cluster-wide: affects every revision (ConfigMap knative-serving/${name})`;
    docs.push(doc);
  }
  const comments = [...header, ...scenarioOnly.map((s) => `scenario setting (not part of a Service or ConfigMap): ${s}`)];
  if (docs.length === 0) {
    return { yaml: comments.map((c) => `# ${c}`).join('\n') + (comments.length > 0 ? '\n' : '') + '{}\n', scenarioOnly };
  }
  if (comments.length > 0) docs[0]!.commentBefore = [...comments.map((c) => ` ${c}`), ...(docs[0]!.commentBefore != null ? [docs[0]!.commentBefore] : [])].join('\n');
  return { yaml: docs.map((d) => d.toString({ lineWidth: 0 })).join('---\n'), scenarioOnly };
}

/** Reads a value as YAML would (for tests and messages). */
export const yamlValue = (text: string): unknown => parseYaml(text, { customTags: kubectlTags });
