/**
 * `knsim compare`: the same scenario under several autoscaler classes. Replication r of
 * every class runs with seed base + r, and every model component draws from its own
 * named stream of the run seed, so the classes see the same arrivals and service times
 * (common random numbers): the paired difference of a class from the baseline (the first
 * class) is the class's effect, not noise, and its interval is much narrower than the
 * two classes' own intervals suggest.
 */
import * as nodePath from 'node:path';
import { HPA_CLASS, KPA_CLASS } from '../core/autoscaler/index.js';
import { METRIC_KEYS, METRICS, type MetricKey, type MetricValues } from '../output/metrics.js';
import { UsageError } from '../scenario/usage-error.js';
import { DEFAULT_USER_CALL_BUDGET_MS, reservedClassName, type UserClassRef } from '../scenario/user-classes.js';
import type { Runner } from './pool.js';
import type { Progress } from './progress.js';
import { boundedCI, clampDifference, coveragePercent, pairedDifferenceCI, rangeCoverage, round6 } from './stats.js';
import { roundMetrics } from './sweep.js';
import type { RunTask } from './task.js';
import { percentDigits } from '../output/percent.js';

/** One `--class` as given and what it means. */
export interface CompareClass {
  /** The report's column title: as typed, or a module's file name. */
  label: string;
  /** The `autoscaling.knative.dev/class` value every revision gets. */
  className: string;
  /** For a module path: the module, registered under `className`. */
  module?: UserClassRef;
}

const MODULE = /[\\/]|\.(?:[cm]?[jt]s)$/;

/**
 * Reads a `--class` value: `kpa`, `hpa`, a module path (has a slash or a .ts/.js
 * extension; registered under its file name), or a class name as revisions write it
 * (the scenario's own `autoscalerClasses`, or a full Knative class name).
 */
export function parseClassArg(arg: string, cwd = process.cwd()): CompareClass {
  const a = arg.trim();
  if (a === '') throw new UsageError('--class: must not be empty');
  if (a === 'kpa') return { label: a, className: KPA_CLASS };
  if (a === 'hpa') return { label: a, className: HPA_CLASS };
  if (!MODULE.test(a)) return { label: a, className: a };
  const module = nodePath.resolve(cwd, a);
  const className = nodePath.basename(a).replace(/\.[^.]*$/, '');
  if (reservedClassName(className)) throw new UsageError(`--class ${a}: would register the class ${JSON.stringify(className)} (its file name), but classes ending in .knative.dev are Knative's; rename the module`);
  return { label: className, className, module: { name: className, module, budgetMs: DEFAULT_USER_CALL_BUDGET_MS, where: { file: `--class ${a}`, path: '' } } };
}

/** The classes of one comparison; at least two, no class twice. */
export function parseClassArgs(args: readonly string[], cwd = process.cwd()): CompareClass[] {
  if (args.length < 2) throw new UsageError(`--class: name at least two classes to compare (got ${args.length}), e.g. --class kpa --class ./my-scaler.ts`);
  const out = args.map((a) => parseClassArg(a, cwd));
  const seen = new Map<string, string>();
  // Labels title the table's columns and key the rows of compare.csv and runs.csv: they must differ too.
  const labels = new Map<string, { arg: string; module: boolean }>();
  out.forEach((c, i) => {
    const arg = args[i]!.trim();
    const prevLabel = labels.get(c.label);
    if (prevLabel !== undefined && c.module !== undefined) {
      throw new UsageError(
        prevLabel.module
          ? `--class ${arg}: registers the class ${JSON.stringify(c.className)} (its file name), as --class ${prevLabel.arg} does; rename one of the modules`
          : `--class ${arg}: registers the class ${JSON.stringify(c.className)} (its file name), which reads the same as --class ${prevLabel.arg} in every table and file; rename the module`,
      );
    }
    const prev = seen.get(c.className);
    if (prev !== undefined) throw new UsageError(`--class ${c.label}: the same class as --class ${prev}`);
    if (prevLabel !== undefined) throw new UsageError(`--class ${arg}: reads the same as --class ${prevLabel.arg} in every table and file`);
    seen.set(c.className, c.label);
    labels.set(c.label, { arg, module: c.module !== undefined });
  });
  return out;
}

/** Everything that decides a comparison's numbers. */
export interface CompareDefinition {
  scenario: string;
  scenarioSha256: string;
  sets: string[];
  durationSeconds: number | null;
  baseSeed: number;
  replications: number;
  classes: CompareClass[];
}

/** The task of replication r of class c. */
export function compareTask(file: string, def: CompareDefinition, c: number, r: number): RunTask {
  const cls = def.classes[c]!;
  const modules = def.classes.flatMap((k) => (k.module !== undefined ? [k.module] : []));
  return {
    file,
    sets: [...def.sets],
    seed: def.baseSeed + r,
    ...(def.durationSeconds !== null ? { durationSeconds: def.durationSeconds } : {}),
    classOverride: cls.className,
    ...(modules.length > 0 ? { classes: modules } : {}),
  };
}

export interface Interval {
  mean: number;
  /** The 95 % interval; null with one replication. */
  lo: number | null;
  hi: number | null;
}

/** What a difference from the baseline says: every compared metric is a cost (lower is better). */
/** `unclear`: the difference's interval holds 0 but not only 0; `same`: the difference was 0 in every replication. */
export type Verdict = 'better' | 'worse' | 'same' | 'unclear' | 'n/a';

export interface ClassMetric extends Interval {
  /** class − baseline, paired by replication (null for the baseline itself). */
  diff: Interval | null;
  verdict: Verdict;
  /**
   * The difference is the same non-zero value in every paired seed (2 or more): Student's t
   * has no spread to work with, so its interval is that one value, not a 95 % interval, and
   * the table says what was seen instead ("in all 3 paired seeds").
   */
  sameInEverySeed: boolean;
}

export interface ClassResult {
  label: string;
  className: string;
  metrics: Record<MetricKey, ClassMetric>;
  /** The rounded metrics of each replication, in replication order. */
  runs: MetricValues[];
}

const rounded = (ci: { n: number; mean: number; lo: number; hi: number }): Interval =>
  ci.n < 2 ? { mean: round6(ci.mean), lo: null, hi: null } : { mean: round6(ci.mean), lo: round6(ci.lo), hi: round6(ci.hi) };

/**
 * A class's own interval respects the metric's bounds, as a sweep point's does (stats.ts
 * boundedCI: Wilson for rates, the bootstrap for non-negative values, seeded by the base
 * seed); a Student t interval of a skewed metric over few replications reaches below 0.
 */
const classInterval = (k: MetricKey, values: readonly number[], seed: number): Interval => rounded(boundedCI(METRICS[k].kind, values, String(seed), METRICS[k].bounds));

/**
 * What is left of differences that cancel is floating-point noise, not a difference: 0.001 − 0.002,
 * 0.002 − 0.021 and 0.021 − 0.001 sum to −3.5e-18. The runs' values keep at most 6 significant digits
 * (round6), so a real mean difference lies far above 1e-12 of the largest of them.
 */
function withoutNoise<T extends { mean: number; lo: number; hi: number }>(ci: T, values: readonly number[], pair: readonly number[]): T {
  const scale = Math.max(0, ...[...values, ...pair].filter(Number.isFinite).map(Math.abs));
  const snap = (v: number): number => (Math.abs(v) <= scale * 1e-12 ? 0 : v);
  return { ...ci, mean: snap(ci.mean), lo: snap(ci.lo), hi: snap(ci.hi) };
}

/** The paired difference can have either sign: Student's t, within ±1 for rates. */
const diffInterval = (k: MetricKey, values: readonly number[], pair: readonly number[]): Interval =>
  rounded(clampDifference(withoutNoise(pairedDifferenceCI(values, pair), values, pair), METRICS[k].bounds));

/** The metrics some run measured: node cost, peak nodes and Pending waits only exist with node pools. */
export function measuredMetrics(results: readonly ClassResult[]): MetricKey[] {
  return METRIC_KEYS.filter((k) => results.some((r) => r.runs.some((m) => !Number.isNaN(m[k]))));
}

/**
 * Whether every paired difference is the same non-zero value (compared as the files print
 * them, so float noise in a − b does not hide it); NaN-free pairs of 2 or more only.
 */
export function sameInEverySeed(values: readonly number[], pair: readonly number[]): boolean {
  const n = Math.min(values.length, pair.length);
  if (n < 2) return false;
  const first = round6(values[0]! - pair[0]!);
  if (Number.isNaN(first) || first === 0) return false;
  for (let i = 1; i < n; i++) if (round6(values[i]! - pair[i]!) !== first) return false;
  return true;
}

/**
 * Better when the whole interval of the difference is below 0, worse when above; the same only
 * when it is exactly 0 (every paired difference 0); else unclear: an interval holding 0 does not
 * show the classes equal (a +746 % difference over 2 seeds can), only that it cannot tell.
 */
export function verdictOf(diff: Interval | null): Verdict {
  if (diff === null || diff.lo === null || diff.hi === null) return 'n/a';
  if (Number.isNaN(diff.mean) || Number.isNaN(diff.lo) || Number.isNaN(diff.hi)) return 'n/a';
  if (diff.hi < 0) return 'better';
  if (diff.lo > 0) return 'worse';
  return diff.lo === 0 && diff.hi === 0 ? 'same' : 'unclear';
}

/** Summarises each class's runs against the first class's. */
export function compareResults(def: CompareDefinition, runs: readonly MetricValues[][]): ClassResult[] {
  const base = runs[0]!;
  return def.classes.map((c, i) => {
    const mine = runs[i]!;
    const metrics = {} as Record<MetricKey, ClassMetric>;
    for (const k of METRIC_KEYS) {
      const values = mine.map((m) => m[k]);
      const pair = base.map((m) => m[k]);
      const diff = i === 0 ? null : diffInterval(k, values, pair);
      metrics[k] = { ...classInterval(k, values, def.baseSeed), diff, verdict: i === 0 ? 'n/a' : verdictOf(diff), sameInEverySeed: i > 0 && sameInEverySeed(values, pair) };
    }
    return { label: c.label, className: c.className, metrics, runs: [...mine] };
  });
}

/** Runs every class × replication (in that order) and summarises them. */
export async function runCompare(opts: { file: string; def: CompareDefinition; runner: Runner; progress?: Progress }): Promise<ClassResult[]> {
  const { file, def, runner, progress } = opts;
  const tasks: RunTask[] = [];
  for (let c = 0; c < def.classes.length; c++) for (let r = 0; r < def.replications; r++) tasks.push(compareTask(file, def, c, r));
  const all = await runner.runAll(tasks, () => progress?.tick());
  const runs = def.classes.map((_, c) => all.slice(c * def.replications, (c + 1) * def.replications).map(roundMetrics));
  return compareResults(def, runs);
}

// ---------------------------------------------------------------- the verdict table

/** A number for the table: 3 significant digits (or `digits`, whole numbers keeping every digit), fractions as percentages; '–' for none (latency without a 200 response). */
export function formatValue(k: MetricKey, v: number, digits = 3): string {
  if (Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (METRICS[k].unit === 'fraction') return `${percentDigits(v * 100, digits)}%`;
  const a = Math.abs(v);
  return a >= 10 ** (digits - 1) ? String(Math.round(v)) : String(+v.toPrecision(digits));
}

/**
 * `mean [lo, hi]`, with more digits (up to 6) where 3 would print an interval that has a width as
 * one value: two replications 0.13 ms apart read `207 [207, 207]`, as if they agreed exactly.
 */
export function intervalText(k: MetricKey, mean: number, lo: number, hi: number): string {
  let d = 3;
  while (d < 6 && lo !== hi && formatValue(k, lo, d) === formatValue(k, hi, d)) d++;
  return `${formatValue(k, mean, d)} [${formatValue(k, lo, d)}, ${formatValue(k, hi, d)}]`;
}

/** A difference from the baseline: of rates, in percentage points (the relative change follows it in brackets). */
function formatDifference(k: MetricKey, v: number): string {
  if (METRICS[k].unit === 'fraction') return `${percentDigits(v * 100)} pp`;
  return formatValue(k, v);
}

/**
 * The difference relative to the baseline in whole percents; under 1 % with two significant
 * digits, so a real difference never reads "−0%", and a fall short of 100 % with as many digits
 * as it takes not to read "−100%" (which would say the metric fell to zero).
 */
const relative = (diff: number, base: number): string => {
  if (base === 0) return '';
  const r = Math.abs((diff / base) * 100);
  let text = r >= 1 || r === 0 ? r.toFixed(0) : String(Number(r.toPrecision(2)));
  for (let digits = 3; text === '100' && r < 100 && digits <= 15; digits++) text = String(Number(r.toPrecision(digits)));
  return ` (${diff >= 0 ? '+' : '−'}${text}%)`;
};

const MARK: Record<Verdict, string> = { better: 'better', worse: 'worse', same: 'same', unclear: 'unclear', 'n/a': '' };

/** A signed end of a difference's interval, rates in percentage points: −4.97, +4.97, 0. */
const signed = (k: MetricKey, v: number): string => (v === 0 ? '0' : `${v > 0 ? '+' : '−'}${METRICS[k].unit === 'fraction' ? percentDigits(Math.abs(v) * 100) : formatValue(k, Math.abs(v))}`);

/**
 * A class's difference from the baseline, its relative change and its verdict. A mean difference of
 * 0 is said for what it is: no change in any seed (same), or seeds that cancel out, whose interval
 * says how far apart the classes may still be; never "±0 (+0%)", which reads as no change either way.
 */
function differenceText(k: MetricKey, m: ClassMetric, base: number, n: number): string {
  const d = m.diff!;
  if (m.verdict === 'same') return 'same: no change in any seed';
  if (d.mean === 0) {
    if (d.lo === null || d.hi === null) return 'no change';
    return `mean 0 [${signed(k, d.lo)}, ${signed(k, d.hi)}]${METRICS[k].unit === 'fraction' ? ' pp' : ''} ${MARK[m.verdict]}`.trimEnd();
  }
  const sign = d.mean > 0 ? '+' : '−';
  const seeds = m.sameInEverySeed ? ` in all ${n} paired seeds` : '';
  return `${sign}${formatDifference(k, Math.abs(d.mean))}${relative(d.mean, base)} ${MARK[m.verdict]}${seeds}`.trimEnd();
}

/** One screen: a row per measured metric, a column per class (mean [95 % interval]; the difference from the baseline and its verdict). */
export function verdictTable(def: CompareDefinition, results: readonly ClassResult[]): string {
  const n = def.replications;
  const header = ['metric', ...results.map((r, i) => (i === 0 ? `${r.label} (baseline)` : `${r.label} vs ${results[0]!.label}`))];
  const rows: string[][] = [header];
  for (const k of measuredMetrics(results)) {
    // Each row names its unit, as the report's panels do: a bare "pod-seconds" or "max ready pods" left the reader to guess.
    const row = [METRICS[k].title];
    results.forEach((r, i) => {
      const m = r.metrics[k];
      const own = m.lo !== null && m.hi !== null && !Number.isNaN(m.lo) && !Number.isNaN(m.hi) ? intervalText(k, m.mean, m.lo, m.hi) : formatValue(k, m.mean);
      if (i === 0 || m.diff === null) {
        row.push(own);
        return;
      }
      const d = m.diff;
      // No difference without a value on both sides (a class with no 200 response has no latency).
      if (Number.isNaN(d.mean)) {
        row.push(own);
        return;
      }
      row.push(`${own}  ${differenceText(k, m, results[0]!.metrics[k].mean, n)}`);
    });
    rows.push(row);
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('   '));
  const foot =
    n < 2
      ? 'one replication: no intervals and no verdicts (use --replications 5 or more)'
      : `mean [${rangeCoverage(n) === undefined ? '95 % interval' : 'interval: 95 % for rates, the range for the others (below)'}] over ${n} replications (within each metric's bounds); vs: the paired difference (common random numbers); better/worse: its 95 % interval excludes 0 (every metric is a cost: lower is better), unclear: it holds 0, same: 0 in every replication; pp: percentage points`;
  const none = rows.some((r) => r.some((cell) => cell === '–' || cell.startsWith('– ')));
  const range = rangeCoverage(n);
  // The bootstrap of 2–4 replications is their range: not a 95 % interval, and the footer must not say it is.
  const constant = results.some((r) => measuredMetrics(results).some((k) => r.metrics[k].sameInEverySeed));
  const few = range === undefined ? [] : [`with ${n} replications the interval of every metric but the rates is the range of the replications, which covers the mean about ${coveragePercent(range.twoSided)} of the time for a symmetric metric and less for a skewed one, not 95 % (use --replications 5 or more); the differences' intervals are Student's t and keep their 95 %${constant ? ', but for a difference the same in every seed (below)' : ''}`];
  // A zero-width t interval is no evidence of certainty: with no effect, n seeds still agree in sign with chance 2^(1−n).
  const agree = constant
    ? [`in all ${n} paired seeds: the difference was the same in every paired seed (a count such as max ready pods often is), so Student's t has no spread to measure and its interval is that single value, not a 95 % interval; better/worse then says what every seed showed, and with no real difference all ${n} seeds would land on one side by chance up to ${Number((100 * 2 ** (1 - n)).toPrecision(2))} % of the time${2 ** (1 - n) > 0.05 ? ' (use --replications 6 or more for under 5 %)' : ''}`]
    : [];
  return [...lines, foot, ...few, ...agree, ...(none ? [noLatencyNote(results)] : [])].join('\n');
}

/** How many of a class's replications had no 200 response (and so no latency). */
export function runsWithout200(r: ClassResult): number {
  return r.runs.filter((m) => Number.isNaN(m.p50_ms)).length;
}

/** A class's latency cell without a value, in the report: why, and in how many replications when not all. */
export function noLatencyText(r: ClassResult): string {
  const none = runsWithout200(r);
  return none === r.runs.length ? '– (no 200s)' : `– (no 200s in ${none} of ${r.runs.length} replications)`;
}

/**
 * The footnote of the '–' cells. A replication without a 200 response has no latency, and a
 * class (like a sweep point: stats.ts boundedCI) then has none either, even when its other
 * replications had 200s: say in how many of its replications that happened.
 */
function noLatencyNote(results: readonly ClassResult[]): string {
  const lacking = results.filter((r) => Number.isNaN(r.metrics.p50_ms.mean));
  const parts = lacking.map((r) => {
    const none = runsWithout200(r);
    return `no request of ${r.label} was answered with 200${none === r.runs.length ? '' : ` in ${none} of its ${r.runs.length} replications`}`;
  });
  const some = lacking.some((r) => runsWithout200(r) < r.runs.length) ? ', and one replication without them leaves its class without a mean, as it does a sweep point' : '';
  const why = parts.length === 0 ? 'not measured in every replication' : parts.join('; ');
  return `–: no latency: ${why} (latencies are of the 200s${some}; see 'unanswered at the end')`;
}
