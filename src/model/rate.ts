import type { RateSpec } from './spec.js';

/**
 * A request rate over time. Piecewise-constant shapes expose their breakpoints so
 * arrivals can be drawn exactly segment by segment; continuous ones use thinning.
 *
 * Evenly spaced (uniform) arrivals follow the rate's integral, as vegeta's pacers do: the
 * next comes once the rate has added up to one request since the previous one. A stretch at
 * 0 rps stops them; they start again at once where the rate turns positive.
 */
export interface RateFunction {
  at(t: number): number;
  /** The largest rate on [from, to]. */
  max(from: number, to: number): number;
  /** For piecewise-constant shapes: the end of the constant segment containing t (∞ for the last). */
  segmentEnd?(t: number): number;
  /** The first instant ≥ t from which the rate is positive (∞: it stays at 0). */
  firstPositive(t: number): number;
  /**
   * After an arrival at t: where the rate has added up to one request more, or, when a stretch at
   * 0 rps comes first, where that stretch ends (∞: neither).
   */
  oneMore(t: number): number;
}

/** oneMore for a piecewise-constant rate: the request's remainder carries over into the next segment. */
function piecewiseOneMore(at: (t: number) => number, segmentEnd: (t: number) => number, firstPositive: (t: number) => number, t: number): number {
  let need = 1;
  let from = t;
  for (;;) {
    const r = at(from);
    if (!(r > 0)) return firstPositive(from);
    // Within the first segment this is exactly t + 1/r.
    const next = from + need / r;
    const end = segmentEnd(from);
    if (next < end) return next;
    need -= r * (end - from);
    if (!(need > 0)) return end;
    from = end;
  }
}

function piecewiseFirstPositive(at: (t: number) => number, segmentEnd: (t: number) => number, t: number): number {
  while (t < Number.POSITIVE_INFINITY && !(at(t) > 0)) t = segmentEnd(t);
  return t;
}

/** The d > 0 with a·d + k·d²/2 = need (a linear rate from a, slope k), or ∞ when the rate runs out first. */
function linearGap(a: number, k: number, need: number): number {
  if (k === 0) return a > 0 ? need / a : Number.POSITIVE_INFINITY;
  const disc = a * a + 2 * k * need;
  if (disc < 0) return Number.POSITIVE_INFINITY;
  // The root written without a difference of near-equal terms.
  const den = a + Math.sqrt(disc);
  return den > 0 ? (2 * need) / den : Number.POSITIVE_INFINITY;
}

function rampRate(fromRps: number, toRps: number, startSeconds: number, endSeconds: number): RateFunction {
  const slope = (toRps - fromRps) / (endSeconds - startSeconds);
  const at = (t: number): number => {
    if (t <= startSeconds) return fromRps;
    if (t >= endSeconds) return toRps;
    return fromRps + ((toRps - fromRps) * (t - startSeconds)) / (endSeconds - startSeconds);
  };
  const firstPositive = (t: number): number => {
    if (at(t) > 0) return t;
    // At 0 only before a ramp up from 0 (it turns positive at its start), or after a ramp down to 0.
    return t <= startSeconds && toRps > 0 ? startSeconds : Number.POSITIVE_INFINITY;
  };
  return {
    at,
    max: (from, to) => Math.max(at(from), at(to)),
    firstPositive,
    oneMore: (t) => {
      let need = 1;
      if (t < startSeconds) {
        if (!(fromRps > 0)) return firstPositive(t);
        const next = t + need / fromRps;
        if (next <= startSeconds) return next;
        need -= fromRps * (startSeconds - t);
        t = startSeconds;
      }
      if (t < endSeconds) {
        const next = t + linearGap(at(t), slope, need);
        if (next <= endSeconds) return next;
        const d = endSeconds - t;
        need -= at(t) * d + (slope * d * d) / 2;
        t = endSeconds;
        if (!(need > 0)) return t;
      }
      return toRps > 0 ? t + need / toRps : Number.POSITIVE_INFINITY;
    },
  };
}

function sineRate(meanRps: number, amplitudeRps: number, periodSeconds: number, phaseSeconds: number): RateFunction {
  const w = (2 * Math.PI) / periodSeconds;
  const twoPi = 2 * Math.PI;
  // The scenario's amplitude is ≥ 0.
  const amp = amplitudeRps;
  const phase = phaseSeconds;
  const floored = amp > meanRps;
  // Where floored, the wave is at 0 for angles in [π + b, 2π − b] of each turn.
  const b = floored ? Math.asin(meanRps / amp) : 0;
  const at = (t: number): number => Math.max(0, meanRps + amplitudeRps * Math.sin((2 * Math.PI * (t - phaseSeconds)) / periodSeconds));
  /** The unfloored integral over [t, u], for spans on which the wave is not below 0. */
  const integral = (t: number, u: number): number => {
    const x = w * (t - phase);
    const y = w * (u - phase);
    // cos x − cos y without cancelling for nearby angles.
    return meanRps * (u - t) + ((amp / w) * 2 * Math.sin((x + y) / 2) * Math.sin((y - x) / 2));
  };
  /** The turn t is in and its angle within it. */
  const turn = (t: number): { k: number; angle: number } => {
    const x = w * (t - phase);
    const k = Math.floor(x / twoPi);
    return { k, angle: x - k * twoPi };
  };
  const firstPositive = (t: number): number => {
    if (!(meanRps > 0) && !(amp > 0)) return Number.POSITIVE_INFINITY;
    if (!floored) return t;
    const { k, angle } = turn(t);
    if (angle >= Math.PI + b && angle < twoPi - b) return phase + (k * twoPi + twoPi - b) / w;
    return t;
  };
  return {
    at,
    max: () => meanRps + amp,
    firstPositive,
    oneMore: (t) => {
      if (!(meanRps > 0) && !(amp > 0)) return Number.POSITIVE_INFINITY;
      // Bracket the answer within a stretch where the wave is positive (or grows without bound).
      let hi: number;
      if (floored) {
        const { k, angle } = turn(t);
        // Inside a zero stretch (t rounded onto its end): the positive part of the next turn.
        const zeroAngle = angle < Math.PI + b ? k * twoPi + Math.PI + b : (k + 1) * twoPi + Math.PI + b;
        hi = phase + zeroAngle / w;
        if (integral(t, hi) < 1) return phase + (zeroAngle + Math.PI - 2 * b) / w;
      } else {
        let d = 1 / (meanRps + amp);
        while (integral(t, t + d) < 1) d *= 2;
        hi = t + d;
      }
      // Newton's method on the integral (its derivative is the rate), kept inside the bracket.
      let lo = t;
      let u = Math.min(hi, t + 1 / Math.max(at(t), meanRps));
      // A billionth of a request, or the rounding of the integral's terms when that is larger: closer is noise.
      const tolerance = Math.max(1e-9, 8 * Number.EPSILON * (amp / w));
      for (let i = 0; i < 100; i++) {
        const f = integral(t, u) - 1;
        if (Math.abs(f) <= tolerance) return u;
        if (f < 0) lo = u;
        else hi = u;
        const r = meanRps + amp * Math.sin(w * (u - phase));
        let next = r > 0 ? u - f / r : Number.NaN;
        if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
        // No double between them: u is as close as the clock can say.
        if (next === u || next === lo || next === hi) return u;
        u = next;
      }
      return u;
    },
  };
}

export function makeRate(spec: RateSpec): RateFunction {
  switch (spec.shape) {
    case 'constant': {
      const r = spec.rps;
      return {
        at: () => r,
        max: () => r,
        segmentEnd: () => Number.POSITIVE_INFINITY,
        firstPositive: (t) => (r > 0 ? t : Number.POSITIVE_INFINITY),
        oneMore: (t) => (r > 0 ? t + 1 / r : Number.POSITIVE_INFINITY),
      };
    }
    case 'step': {
      const steps = [...spec.steps].sort((a, b) => a.atSeconds - b.atSeconds);
      const at = (t: number): number => {
        let r = 0;
        for (const s of steps) if (s.atSeconds <= t) r = s.rps;
        return r;
      };
      // Called once per arrival: a plain loop, no closure per call.
      const segmentEnd = (t: number): number => {
        for (const s of steps) if (s.atSeconds > t) return s.atSeconds;
        return Number.POSITIVE_INFINITY;
      };
      const firstPositive = (t: number): number => piecewiseFirstPositive(at, segmentEnd, t);
      return {
        at,
        max: (from, to) => Math.max(at(from), ...steps.filter((s) => s.atSeconds >= from && s.atSeconds <= to).map((s) => s.rps)),
        segmentEnd,
        firstPositive,
        oneMore: (t) => piecewiseOneMore(at, segmentEnd, firstPositive, t),
      };
    }
    case 'spike': {
      const { baseRps, peakRps, atSeconds, durationSeconds } = spec;
      const end = atSeconds + durationSeconds;
      const at = (t: number): number => (t >= atSeconds && t < end ? peakRps : baseRps);
      const segmentEnd = (t: number): number => (t < atSeconds ? atSeconds : t < end ? end : Number.POSITIVE_INFINITY);
      const firstPositive = (t: number): number => piecewiseFirstPositive(at, segmentEnd, t);
      return {
        at,
        max: (from, to) => (to >= atSeconds && from < end ? Math.max(peakRps, baseRps) : baseRps),
        segmentEnd,
        firstPositive,
        oneMore: (t) => piecewiseOneMore(at, segmentEnd, firstPositive, t),
      };
    }
    case 'ramp':
      return rampRate(spec.fromRps, spec.toRps, spec.startSeconds, spec.endSeconds);
    case 'sine':
      return sineRate(spec.meanRps, spec.amplitudeRps, spec.periodSeconds, spec.phaseSeconds);
  }
}

/** The same rate `by` seconds later: a conditional client's rate counts from its start. */
export function shiftRate(rate: RateFunction, by: number): RateFunction {
  if (by === 0) return rate;
  const segmentEnd = rate.segmentEnd;
  return {
    at: (t) => rate.at(t - by),
    max: (from, to) => rate.max(from - by, to - by),
    ...(segmentEnd !== undefined ? { segmentEnd: (t: number) => segmentEnd(t - by) + by } : {}),
    firstPositive: (t) => rate.firstPositive(t - by) + by,
    oneMore: (t) => rate.oneMore(t - by) + by,
  };
}
