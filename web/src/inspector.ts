/**
 * The decision inspector: one decider evaluation as Knative computed it, from the run's
 * decision records (autoscaler.csv's rows) and the revision's effective settings, with
 * each formula written out with its numbers. The recorded values are the truth; the
 * steps are recomputed from them to show how they come about, and where the result
 * depends on history (the panic high-water mark, the scale-down delay window, the
 * scale-to-zero gates) the text says so rather than pretending a one-tick formula.
 */
import { HPA_CLASS } from '../../src/core/autoscaler/index.js';
import type { RevisionSettings } from '../../src/output/settings.js';
import { explainHpaDecision } from './inspector-hpa.js';
import type { DecisionRow } from './live.js';

export interface Step {
  /** What is computed, in Knative's words. */
  label: string;
  /** The formula with the numbers filled in, ending in its value. */
  formula: string;
  value: number | string | boolean;
}

export interface Explanation {
  row: DecisionRow;
  /** The revision's previous decider evaluation, when there is one. */
  previous: DecisionRow | undefined;
  steps: Step[];
  /** Why the revision is (or is not) in panic at this tick. */
  panicWhy: string;
  /** Why the SKS is in this mode. */
  sksWhy: string;
}

const f = (v: number, digits = 3): string => (Number.isFinite(v) ? String(Math.round(v * 10 ** digits) / 10 ** digits) : '–');

/** The decider evaluation of `revision` nearest to `time` (ticks, not pokes, preferred), or undefined. */
export function nearestDecision(rows: readonly DecisionRow[], time: number, revision?: string): DecisionRow | undefined {
  let best: DecisionRow | undefined;
  for (const r of rows) {
    if (revision !== undefined && r.revision !== revision) continue;
    if (r.poke) continue;
    if (best === undefined || Math.abs(r.time - time) < Math.abs(best.time - time)) best = r;
  }
  return best;
}

/**
 * The revision's decider evaluation next to `time` in `direction` (the first after it, or the
 * last before it; ticks, not pokes), or undefined at either end. The ◀ tick ▶ buttons step with
 * it: a fixed step of the KPA's 2 s tick found the same row again for an HPA-class revision,
 * which the HPA syncs every 15 s.
 */
export function adjacentDecision(rows: readonly DecisionRow[], time: number, revision: string | undefined, direction: 1 | -1): DecisionRow | undefined {
  let best: DecisionRow | undefined;
  for (const r of rows) {
    if ((revision !== undefined && r.revision !== revision) || r.poke) continue;
    if (direction > 0 ? r.time <= time : r.time >= time) continue;
    if (best === undefined || (direction > 0 ? r.time < best.time : r.time >= best.time)) best = r;
  }
  return best;
}

/** Is an evaluation's rounded-up panic pod count at or over the panic threshold of its ready pods? */
function overThreshold(r: DecisionRow, threshold: number): boolean {
  return Math.ceil(r.observedPanic / r.target) / Math.max(1, r.readyPods) >= threshold;
}

export function explainDecision(rows: readonly DecisionRow[], row: DecisionRow, s: RevisionSettings | undefined): Explanation {
  const mine = rows.filter((r) => r.service === row.service && r.revision === row.revision && r.time <= row.time);
  const idx = mine.lastIndexOf(row);
  const previous = [...mine.slice(0, idx < 0 ? mine.length : idx)].reverse().find((r) => !r.poke);
  // The HPA class's rows are the Kubernetes HPA's syncs: none of the KPA decider's formulas applies.
  if (s?.class === HPA_CLASS) return { row, previous, ...explainHpaDecision(row, s) };
  const steps: Step[] = [];
  const target = row.target;
  const ready = row.readyPods;
  const r1 = Math.max(1, ready);
  const unit = row.metric === 'rps' ? 'requests/s' : 'concurrent requests';
  // autoscaler.csv does not say whether a route sends the revision traffic, but min-scale holds
  // only for a routed one: a want under it means the PA was unreachable, where the decider drops
  // its scale-down rate limit and delay and the PA its min-scale (a rollout's old revision).
  const unreachable = s !== undefined && row.want >= 0 && row.want < s.minScale;
  const delay = s !== undefined && s.scaleDownDelaySeconds > 0 && !unreachable ? s.scaleDownDelaySeconds : 0;
  steps.push({ label: `observed stable ${unit} (${s?.stableWindowSeconds ?? '?'} s window)`, formula: f(row.observedStable), value: row.observedStable });
  steps.push({ label: `observed panic ${unit} (${s?.panicWindowSeconds ?? '?'} s window)`, formula: f(row.observedPanic), value: row.observedPanic });
  steps.push({
    label: 'target per pod',
    formula: s !== undefined ? `${f(s.total)} × ${f(s.target / s.total * 100, 1)}% utilization = ${f(target)}` : f(target),
    value: target,
  });
  steps.push({ label: 'ready pods', formula: Number.isNaN(ready) ? 'unknown (pods could not be counted)' : String(ready), value: ready });
  let panicWhy = '';
  if (!row.valid) {
    steps.push({ label: 'desired pods (decider)', formula: `no valid evaluation (no metrics yet or held): keeps its last desired scale = ${row.desired}`, value: row.desired });
    panicWhy = row.inPanic ? 'In panic from an earlier tick; an invalid tick changes nothing.' : 'Not in panic; an invalid tick changes nothing.';
  } else {
    const rawStable = Math.ceil(row.observedStable / target);
    const rawPanic = Math.ceil(row.observedPanic / target);
    steps.push({ label: 'stable pods wanted', formula: `⌈${f(row.observedStable)} / ${f(target)}⌉ = ${rawStable}`, value: rawStable });
    steps.push({ label: 'panic pods wanted', formula: `⌈${f(row.observedPanic)} / ${f(target)}⌉ = ${rawPanic}`, value: rawPanic });
    let dStable = rawStable;
    let dPanic = rawPanic;
    if (s !== undefined) {
      const maxUp = Math.ceil(s.maxScaleUpRate * r1);
      const maxDown = unreachable ? 0 : Math.floor(r1 / s.maxScaleDownRate);
      steps.push({ label: 'rate limit up', formula: `⌈max-scale-up-rate ${f(s.maxScaleUpRate)} × max(1, ${ready})⌉ = ${maxUp}`, value: maxUp });
      steps.push({
        label: 'rate limit down',
        formula: unreachable
          ? `0: the revision is unreachable (no route sends it traffic: its want ${row.want} is under min-scale ${s.minScale}, which holds only while it is routed)`
          : `⌊max(1, ${ready}) / max-scale-down-rate ${f(s.maxScaleDownRate)}⌋ = ${maxDown} (0 when the revision is unreachable)`,
        value: maxDown,
      });
      dStable = Math.min(Math.max(rawStable, maxDown), maxUp);
      dPanic = Math.min(Math.max(rawPanic, maxDown), maxUp);
      steps.push({ label: 'stable pods after rate limits', formula: `min(max(${rawStable}, ${maxDown}), ${maxUp}) = ${dStable}`, value: dStable });
      steps.push({ label: 'panic pods after rate limits', formula: `min(max(${rawPanic}, ${maxDown}), ${maxUp}) = ${dPanic}`, value: dPanic });
      if (s.activationScale > 1) {
        if (rawStable > 0 && dStable < s.activationScale) dStable = s.activationScale;
        if (rawPanic > 0 && dPanic < s.activationScale) dPanic = s.activationScale;
        steps.push({ label: 'activation scale', formula: `a non-zero count is raised to activation-scale ${s.activationScale}: stable ${dStable}, panic ${dPanic}`, value: dStable });
      }
      const threshold = s.panicThresholdPercent / 100;
      const ratio = rawPanic / r1;
      const over = ratio >= threshold;
      steps.push({ label: 'panic ratio', formula: `${rawPanic} / max(1, ${ready}) = ${f(ratio)} ${over ? '≥' : '<'} threshold ${f(threshold)} (${s.panicThresholdPercent}%)`, value: ratio });
      if (over) panicWhy = `Panicking: ${rawPanic} panic pods are ${f(ratio)}× the ready pods, at or over the ${s.panicThresholdPercent}% threshold, so panic starts (or is extended) now.`;
      else if (row.inPanic) {
        const last = [...mine.slice(0, idx < 0 ? mine.length : idx)].reverse().find((r) => r.valid && overThreshold(r, threshold));
        panicWhy = last !== undefined
          ? `Still in panic: the last tick over the threshold was at ${f(last.time)} s; panic lasts until a whole stable window (${s.stableWindowSeconds} s) has passed since, i.e. after ${f(last.time + s.stableWindowSeconds)} s.`
          : 'Still in panic: the decider started in panic (it took over running pods) and stays until a stable window passes.';
      } else if (previous?.inPanic === true) {
        panicWhy = `Left panic: under the threshold, and a whole stable window (${s.stableWindowSeconds} s) has passed since the last tick over it.`;
      } else panicWhy = `Not in panic: ${f(ratio)} is under the ${s.panicThresholdPercent}% threshold.`;
    }
    if (row.inPanic) {
      const m = Math.max(dStable, dPanic);
      steps.push({
        label: 'desired pods (decider, in panic)',
        formula: `max(stable ${dStable}, panic ${dPanic}) = ${m}; in panic it never goes down: the highest count since panic began${delay > 0 ? `, then the highest over the ${delay} s scale-down delay` : ''} → ${row.desired}`,
        value: row.desired,
      });
    } else {
      steps.push({
        label: 'desired pods (decider)',
        formula: `stable ${dStable}${delay > 0 ? `, held at the highest over the ${delay} s scale-down delay` : ''} → ${row.desired}`,
        value: row.desired,
      });
    }
  }
  if (s !== undefined) {
    const min = unreachable ? 0 : s.minScale;
    const bounded = row.desired < min ? min : s.maxScale !== 0 && row.desired > s.maxScale ? s.maxScale : row.desired;
    const gate = row.want !== bounded
      ? row.want === -1 ? ' — the PA does not know yet (no metrics): want −1'
        : row.want > bounded ? ` — held at ${row.want} by the scale-to-zero gates (grace period ${s.scaleToZeroGracePeriodSeconds} s, pod retention ${s.scaleToZeroPodRetentionPeriodSeconds} s, the activator in the path) or the initial scale`
        : ` — the PA is at ${row.want} (a later reconcile this tick)`
      : '';
    steps.push({
      label: 'PA scale after bounds',
      formula: `clamp(${row.desired}, min-scale ${unreachable ? `0 (${s.minScale} holds only while the revision is routed)` : min}, max-scale ${s.maxScale === 0 ? '∞' : s.maxScale}) = ${bounded}${gate} → want ${row.want}`,
      value: row.want,
    });
    const tbc = s.targetBurstCapacity;
    const ebcFormula = !row.valid ? `kept from the last valid evaluation: ${row.excessBurstCapacity}`
      : tbc === 0 ? 'target-burst-capacity 0: always 0'
      : tbc < 0 ? 'target-burst-capacity −1 (unlimited): always −1'
      : `⌊${ready} ready × ${f(s.total)} per pod − TBC ${f(tbc)} − panic ${f(row.observedPanic)}⌋ = ${row.excessBurstCapacity}`;
    steps.push({ label: 'excess burst capacity', formula: ebcFormula, value: row.excessBurstCapacity });
  } else {
    steps.push({ label: 'PA scale (want)', formula: String(row.want), value: row.want });
    steps.push({ label: 'excess burst capacity', formula: String(row.excessBurstCapacity), value: row.excessBurstCapacity });
  }
  const serve = row.want > 0 && row.excessBurstCapacity >= 0;
  const sksWhy = `The PA asks for ${serve ? 'Serve' : 'Proxy'}: Serve iff want > 0 (${row.want}) and EBC ≥ 0 (${row.excessBurstCapacity}). `
    + `The SKS is ${row.sksMode}${row.sksMode !== (serve ? 'Serve' : 'Proxy') ? ' (a mode change takes effect only once the endpoints have been reprogrammed)' : ''}, with ${row.activators} activator${row.activators === 1 ? '' : 's'} in its subset.`;
  steps.push({ label: 'SKS mode', formula: sksWhy, value: row.sksMode });
  steps.push({ label: 'activators', formula: String(row.activators), value: row.activators });
  return { row, previous, steps, panicWhy, sksWhy };
}
