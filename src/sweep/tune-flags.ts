/**
 * The caveats of a tune, computed from its runs, so a winner never comes without them:
 *  - ties: confirmed feasible points whose objective is statistically indistinguishable
 *    from the winner's (the paired 95 % interval of the difference reaches 0, or the
 *    difference was the same in every one of fewer than 6 paired seeds);
 *  - no effect: a setting whose values changed no metric of any replication in any group
 *    of simulated points that differ only in it;
 *  - edge: the winner sits at the lowest or highest value searched of a setting (unless
 *    that is as far as the setting goes: 0, or 100 for a percentage);
 *  - scope: whether a setting patches a cluster-wide ConfigMap (every revision), a
 *    revision template, the Service, or only the simulated scenario.
 */
import { parseSetExpression } from '../scenario/set.js';
import { METRICS, METRIC_KEYS, sameMetricValues, type MetricKey, type MetricValues } from '../output/metrics.js';
import { axisLabel, pointCoords, type Axis } from './axes.js';
import { clampDifference, pairedDifference, round6, SAME_SIGN_SEEDS } from './stats.js';
import type { MetricStat } from './sweep.js';
import { TIE_RULE, type TuneResult } from './tune.js';

export interface TieFlag {
  point: number;
  values: string[];
  objective: MetricStat;
  /** Paired difference point − winner of the objective: mean and 95 % interval. */
  difference: { mean: number; lo: number; hi: number };
  /**
   * The difference was the same non-zero value in every paired seed, too few of them to tell
   * it from chance (stats.ts SAME_SIGN_SEEDS): lo = hi = mean is then no 95 % interval.
   */
  sameInEverySeed: boolean;
  /** Paired seeds compared. */
  seeds: number;
}

export interface NoEffectFlag {
  axis: number;
  /** Groups of simulated points differing only in this setting; none changed a metric. */
  groups: number;
  /** Screening found it and the search held it at its first value. */
  heldBySearch: boolean;
}

export interface EdgeFlag {
  axis: number;
  value: string;
  end: 'lowest' | 'highest';
}

export type SettingScope = 'cluster-wide' | 'per-revision' | 'per-service' | 'scenario';

export interface ScopeFlag {
  axis: number;
  scope: SettingScope;
  /** What it patches: "ConfigMap knative-serving/config-autoscaler", "Service services[0] revision template", … */
  target: string;
  /** A per-revision way to set the same thing, for cluster-wide settings that have one. */
  perRevision?: string;
}

export interface TuneFlags {
  tieRule: string;
  ties: TieFlag[];
  noEffect: NoEffectFlag[];
  edge: EdgeFlag[];
  scope: ScopeFlag[];
}

const A = 'autoscaling.knative.dev';

/** ConfigMap keys with a per-revision equivalent (Knative's annotation or revision field of the same meaning). */
const PER_REVISION: Record<string, Record<string, string>> = {
  'config-autoscaler': {
    'stable-window': `annotation ${A}/window`,
    'panic-window-percentage': `annotation ${A}/panic-window-percentage`,
    'panic-threshold-percentage': `annotation ${A}/panic-threshold-percentage`,
    'target-burst-capacity': `annotation ${A}/target-burst-capacity`,
    'container-concurrency-target-default': `annotation ${A}/target`,
    'container-concurrency-target-percentage': `annotation ${A}/target-utilization-percentage`,
    'requests-per-second-target-default': `annotation ${A}/target (with ${A}/metric: rps)`,
    'scale-down-delay': `annotation ${A}/scale-down-delay`,
    'scale-to-zero-pod-retention-period': `annotation ${A}/scale-to-zero-pod-retention-period`,
    'min-scale': `annotation ${A}/min-scale`,
    'max-scale': `annotation ${A}/max-scale`,
    'initial-scale': `annotation ${A}/initial-scale`,
  },
  'config-defaults': {
    'container-concurrency': 'spec.template.spec.containerConcurrency',
    'revision-timeout-seconds': 'spec.template.spec.timeoutSeconds',
  },
};

/** Where a setting lands when the winner is applied. */
export function settingScope(axis: Axis, a: number): ScopeFlag {
  const { path } = parseSetExpression(`${axis.path}=0`);
  if (path[0] === 'configMaps' && typeof path[1] === 'string') {
    const alt = typeof path[2] === 'string' ? PER_REVISION[path[1]]?.[path[2]] : undefined;
    return { axis: a, scope: 'cluster-wide', target: `ConfigMap knative-serving/${path[1]}`, ...(alt !== undefined ? { perRevision: alt } : {}) };
  }
  if (path[0] === 'services' && typeof path[1] === 'number' && path[2] === 'manifest') {
    const template = path[3] === 'spec' && path[4] === 'template';
    return template
      ? { axis: a, scope: 'per-revision', target: `Service services[${path[1]}] revision template` }
      : { axis: a, scope: 'per-service', target: `Service services[${path[1]}]` };
  }
  return { axis: a, scope: 'scenario', target: 'the simulated scenario only' };
}

/** Identical on every metric of the common replications. */
function same(a: readonly MetricValues[], b: readonly MetricValues[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let r = 0; r < n; r++) if (!sameMetricValues(a[r]!, b[r]!)) return false;
  return n > 0;
}

/** Settings that changed nothing: every group of simulated points differing only in that setting has identical runs. */
function noEffect(axes: readonly Axis[], result: TuneResult): NoEffectFlag[] {
  const out: NoEffectFlag[] = [];
  const points = [...result.runs.keys()].sort((x, y) => x - y);
  const coords = new Map(points.map((p) => [p, pointCoords(axes, p)]));
  axes.forEach((axis, d) => {
    if (axis.values.length < 2) return;
    const groups = new Map<string, number[]>();
    for (const p of points) {
      const key = coords.get(p)!.filter((_, i) => i !== d).join(',');
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const multi = [...groups.values()].filter((g) => g.length >= 2);
    if (multi.length === 0) return;
    if (multi.every((g) => g.every((p) => same(result.runs.get(p)!, result.runs.get(g[0]!)!)))) {
      out.push({ axis: d, groups: multi.length, heldBySearch: result.screening.some((s) => s.axis === d && s.fixed) });
    }
  });
  return out;
}

/** Confirmed feasible points the objective cannot tell from the winner. */
function ties(result: TuneResult, objective: MetricKey): TieFlag[] {
  const w = result.winner;
  if (w === undefined) return [];
  const wRuns = result.runs.get(w.point)!.map((v) => v[objective]);
  const out: TieFlag[] = [];
  for (const p of result.explored) {
    if (p.point === w.point || p.status !== 'feasible' || p.replications < result.replications) continue;
    const d = clampDifference(pairedDifference(result.runs.get(p.point)!.map((v) => v[objective]), wRuns), METRICS[objective].bounds);
    if (d.n >= 2 && !Number.isNaN(d.lo) && !d.above && !d.below) {
      out.push({ point: p.point, values: p.values, objective: p.metrics[objective], difference: { mean: round6(d.mean), lo: round6(d.lo), hi: round6(d.hi) }, sameInEverySeed: d.sameInEverySeed && d.mean !== 0, seeds: d.n });
    }
  }
  return out;
}

/** A range that cannot be widened there: nothing below 0 (counts, durations), nothing above 100 % (a percentage). */
function atHardLimit(axis: Axis, value: string, end: 'lowest' | 'highest'): boolean {
  const m = /^([0-9]*\.?[0-9]+)(ms|s|m|h)?$/.exec(value.trim());
  if (m === null) return false;
  if (end === 'lowest') return Number(m[1]) === 0;
  return /percentage/.test(axisLabel(axis)) && Number(m[1]) >= 100;
}

export function tuneFlags(axes: readonly Axis[], result: TuneResult, objective: MetricKey): TuneFlags {
  const none = noEffect(axes, result);
  const w = result.winner;
  const edge: EdgeFlag[] = [];
  if (w !== undefined) {
    pointCoords(axes, w.point).forEach((c, a) => {
      const n = axes[a]!.values.length;
      // A setting without effect has no edge worth widening.
      if (n < 2 || none.some((f) => f.axis === a)) return;
      const v = w.values[a]!;
      if (c === 0 && !atHardLimit(axes[a]!, v, 'lowest')) edge.push({ axis: a, value: v, end: 'lowest' });
      else if (c === n - 1 && !atHardLimit(axes[a]!, v, 'highest')) edge.push({ axis: a, value: v, end: 'highest' });
    });
  }
  return { tieRule: TIE_RULE, ties: ties(result, objective), noEffect: none, edge, scope: axes.map(settingScope) };
}

/** The scope label shown next to a setting. */
export function scopeLabel(s: ScopeFlag): string {
  if (s.scope === 'cluster-wide') return `cluster-wide: affects every revision (${s.target})`;
  if (s.scope === 'per-revision') return `per-revision (${s.target})`;
  if (s.scope === 'per-service') return `per-Service (${s.target})`;
  return 'scenario only: not Knative configuration';
}

export interface FlagLine {
  kind: 'tie' | 'no-effect' | 'edge' | 'cluster-wide';
  /** The setting's path, or '' for ties. */
  setting: string;
  text: string;
}

/**
 * Why the points tie: the paired 95 % interval of the difference includes 0, or the difference
 * was the same in every one of too few paired seeds (a zero-width [d, d] that reads as
 * certainty, though with no real difference all n seeds fall on one side up to 2^(1−n) of the time).
 */
function tieWhy(ties: readonly TieFlag[]): string {
  const same = ties.filter((t) => t.sameInEverySeed);
  const interval = 'paired 95 % interval of the difference includes 0';
  if (same.length === 0) return interval;
  const n = Math.min(...same.map((t) => t.seeds));
  const chance = `which with no real difference happens up to ${Number((100 * 2 ** (1 - n)).toPrecision(2))} % of the time: fewer than ${SAME_SIGN_SEEDS} seeds cannot tell it from chance`;
  if (same.length === ties.length) return `the difference was the same in all ${n} paired seeds, ${chance}`;
  return `${interval}; for ${same.length} of them the difference was the same in all ${n} paired seeds, ${chance}`;
}

/** Every flag as one sentence, in the order tie, no effect, edge, cluster-wide. */
export function flagLines(axes: readonly Axis[], flags: TuneFlags, objective: MetricKey, winner: { values: readonly string[] } | undefined): FlagLine[] {
  const out: FlagLine[] = [];
  const name = (a: number): string => axisLabel(axes[a]!);
  const at = (values: readonly string[]): string => values.map((v, i) => `${name(i)}=${v}`).join(' ');
  if (winner !== undefined && flags.ties.length > 0) {
    const listed = flags.ties.slice(0, 12).map((t) => at(t.values)).join('; ');
    const more = flags.ties.length > 12 ? `; and ${flags.ties.length - 12} more (tune.csv)` : '';
    out.push({
      kind: 'tie',
      setting: '',
      text: `tie: ${flags.ties.length} other explored point${flags.ties.length === 1 ? '' : 's'} meet${flags.ties.length === 1 ? 's' : ''} every SLO with a ${METRICS[objective].label} statistically indistinguishable from the winner (${tieWhy(flags.ties)}): ${listed}${more}. The winner was picked by the rule: ${flags.tieRule}.`,
    });
  }
  for (const f of flags.noEffect) {
    out.push({
      kind: 'no-effect',
      setting: axes[f.axis]!.path,
      text: `no effect: ${name(f.axis)} changed no metric in ${f.groups} of ${f.groups} group${f.groups === 1 ? '' : 's'} of points that differ only in it${f.heldBySearch ? ' (the search held it at its first value and the patch leaves it out)' : ''}.`,
    });
  }
  for (const e of flags.edge) {
    const values = axes[e.axis]!.values;
    out.push({
      kind: 'edge',
      setting: axes[e.axis]!.path,
      text: `edge: the winner's ${name(e.axis)}=${e.value} is the ${e.end} value searched (${values[0]}..${values[values.length - 1]}): widen the range ${e.end === 'lowest' ? 'below' : 'above'} ${e.value}.`,
    });
  }
  // A setting with no effect is left out of the patch, so it patches nothing cluster-wide.
  const omitted = new Set(flags.noEffect.map((f) => f.axis));
  for (const s of flags.scope) {
    if (s.scope !== 'cluster-wide' || omitted.has(s.axis)) continue;
    out.push({
      kind: 'cluster-wide',
      setting: axes[s.axis]!.path,
      text: `cluster-wide: ${name(s.axis)} patches ${s.target}, which affects every revision in the cluster${s.perRevision !== undefined ? `; per revision, set ${s.perRevision} instead` : ''}.`,
    });
  }
  return out;
}
