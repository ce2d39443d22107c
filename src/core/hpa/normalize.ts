/**
 * What the HPA controller does with a raw recommendation (kubernetes/kubernetes
 * pkg/controller/podautoscaler/horizontal.go): stabilize it against recent
 * recommendations, then limit the rate of change — the legacy rules when the HPA has no
 * `behavior` (scale up at most to max(2 × current, 4) per sync, scale down only to the
 * highest recommendation of the downscale window), or the behavior's windows and
 * policies. Keeps the per-HPA history; time is always a parameter.
 */
import { SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM, type ResolvedHpaSpec, type ResolvedScalingRules } from './spec.js';

/** A condition as the HPA status shows it. */
export interface HpaCondition {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The outcome of one normalization. */
export interface Normalized {
  desired: number;
  /** AbleToScale after stabilization: ReadyForNewScale, ScaleUpStabilized or ScaleDownStabilized. */
  ableToScale: HpaCondition;
  /** ScalingLimited: DesiredWithinRange, TooManyReplicas, TooFewReplicas, ScaleUpLimit or ScaleDownLimit. */
  scalingLimited: HpaCondition;
}

interface Recommendation {
  value: number;
  ts: number;
}

interface ScaleEvent {
  change: number;
  ts: number;
  outdated: boolean;
}

const READY: HpaCondition = { status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };

function limited(desired: number, stab: number, reason: string, message: string): HpaCondition {
  return { status: desired === stab ? 'False' : 'True', reason, message };
}

/** One HPA's recommendation history and scale events. */
export class HpaNormalizer {
  private recs: Recommendation[] | undefined;
  private upEvents: ScaleEvent[] = [];
  private downEvents: ScaleEvent[] = [];

  /** The first sync records the current scale as a recommendation (recordInitialRecommendation). */
  recordInitial(current: number, nowSeconds: number): void {
    this.recs ??= [{ value: current, ts: nowSeconds }];
  }

  /** Legacy path (behavior nil): normalizeDesiredReplicas. */
  normalizeLegacy(spec: ResolvedHpaSpec, current: number, raw: number, nowSeconds: number, downscaleWindowSeconds: number): Normalized {
    const recs = (this.recs ??= []);
    const cutoff = nowSeconds - downscaleWindowSeconds;
    let stab = raw;
    let old = -1;
    recs.forEach((r, i) => {
      if (r.ts < cutoff) old = i;
      else if (r.value > stab) stab = r.value;
    });
    const rec = { value: raw, ts: nowSeconds };
    if (old >= 0) recs[old] = rec;
    else recs.push(rec);
    const ableToScale: HpaCondition =
      stab !== raw
        ? { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
        : READY;
    const upLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
    let max: number;
    let maxReason: [string, string];
    if (spec.maxReplicas > upLimit) {
      max = upLimit;
      maxReason = ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'];
    } else {
      max = spec.maxReplicas;
      maxReason = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
    }
    let desired = stab;
    let cond: HpaCondition;
    if (stab < spec.minReplicas) {
      desired = spec.minReplicas;
      cond = limited(desired, stab, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count');
    } else if (stab > max) {
      desired = max;
      cond = limited(desired, stab, maxReason[0], maxReason[1]);
    } else cond = limited(desired, stab, 'DesiredWithinRange', 'the desired count is within the acceptable range');
    return { desired, ableToScale, scalingLimited: cond };
  }

  /** Behavior path: normalizeDesiredReplicasWithBehaviors. */
  normalizeWithBehavior(spec: ResolvedHpaSpec, current: number, raw: number, nowSeconds: number): Normalized {
    const b = spec.behavior;
    if (b === undefined) throw new Error('normalizeWithBehavior needs spec.behavior');
    const recs = (this.recs ??= []);
    const upCutoff = nowSeconds - b.scaleUp.stabilizationWindowSeconds;
    const downCutoff = nowSeconds - b.scaleDown.stabilizationWindowSeconds;
    let up = raw;
    let down = raw;
    let old = -1;
    recs.forEach((r, i) => {
      if (r.ts > upCutoff) up = Math.min(r.value, up);
      if (r.ts > downCutoff) down = Math.max(r.value, down);
      if (r.ts < upCutoff && r.ts < downCutoff) old = i;
    });
    let stab = current;
    if (stab < up) stab = up;
    if (stab > down) stab = down;
    const rec = { value: raw, ts: nowSeconds };
    if (old >= 0) recs[old] = rec;
    else recs.push(rec);
    const ableToScale: HpaCondition =
      stab === raw
        ? READY
        : raw >= current
          ? { status: 'True', reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
          : { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };

    let desired = stab;
    let cond: HpaCondition = { status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
    if (stab > current) {
      let limit = this.scaleUpLimit(current, b.scaleUp, nowSeconds);
      if (limit < current) limit = current;
      let max = spec.maxReplicas;
      let why: [string, string] = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      if (max > limit) {
        max = limit;
        why = ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'];
      }
      if (stab > max) {
        desired = max;
        cond = limited(desired, stab, why[0], why[1]);
      }
    } else if (stab < current) {
      let limit = this.scaleDownLimit(current, b.scaleDown, nowSeconds);
      if (limit > current) limit = current;
      let min = spec.minReplicas;
      let why: [string, string] = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      if (min < limit) {
        min = limit;
        why = ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'];
      }
      if (stab < min) {
        desired = min;
        cond = limited(desired, stab, why[0], why[1]);
      }
    }
    return { desired, ableToScale, scalingLimited: cond };
  }

  /** Replicas changed in `events` within the last `periodSeconds` (an event exactly that old is out). */
  private static changeIn(events: readonly ScaleEvent[], periodSeconds: number, nowSeconds: number): number {
    const cutoff = nowSeconds - periodSeconds;
    let n = 0;
    for (const e of events) if (e.ts > cutoff) n += e.change;
    return n;
  }

  private periodStart(current: number, periodSeconds: number, nowSeconds: number): number {
    return current - HpaNormalizer.changeIn(this.upEvents, periodSeconds, nowSeconds) + HpaNormalizer.changeIn(this.downEvents, periodSeconds, nowSeconds);
  }

  private scaleUpLimit(current: number, rules: ResolvedScalingRules, nowSeconds: number): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
    let result = rules.selectPolicy === 'Min' ? 2147483647 : -2147483648;
    for (const p of rules.policies) {
      const start = this.periodStart(current, p.periodSeconds, nowSeconds);
      const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  private scaleDownLimit(current: number, rules: ResolvedScalingRules, nowSeconds: number): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // The largest change (Max) is the smallest replica count.
    const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
    let result = rules.selectPolicy === 'Min' ? -2147483648 : 2147483647;
    for (const p of rules.policies) {
      const start = this.periodStart(current, p.periodSeconds, nowSeconds);
      const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = pick(result, proposed);
    }
    return result;
  }

  /** After a rescale with behavior set: remember the change (storeScaleEvent), reusing an outdated slot. */
  storeScaleEvent(spec: ResolvedHpaSpec, prev: number, next: number, nowSeconds: number): void {
    const b = spec.behavior;
    if (b === undefined) return;
    const upward = next > prev;
    const rules = upward ? b.scaleUp : b.scaleDown;
    const events = upward ? this.upEvents : this.downEvents;
    const longest = rules.policies.reduce((m, p) => Math.max(m, p.periodSeconds), 0);
    const cutoff = nowSeconds - longest;
    let slot = -1;
    events.forEach((e, i) => {
      if (e.ts < cutoff) e.outdated = true;
      if (e.outdated) slot = i;
    });
    const ev = { change: Math.abs(next - prev), ts: nowSeconds, outdated: false };
    if (slot >= 0) events[slot] = ev;
    else events.push(ev);
  }

  /** The history as plain data (for snapshots and tests). */
  snapshot(): { recommendations: Recommendation[]; scaleUpEvents: ScaleEvent[]; scaleDownEvents: ScaleEvent[] } {
    return {
      recommendations: (this.recs ?? []).map((r) => ({ ...r })),
      scaleUpEvents: this.upEvents.map((e) => ({ ...e })),
      scaleDownEvents: this.downEvents.map((e) => ({ ...e })),
    };
  }
}
