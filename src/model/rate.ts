import type { RateSpec } from './spec.js';

/**
 * A request rate over time. Piecewise-constant shapes expose their breakpoints so
 * arrivals can be drawn exactly segment by segment; continuous ones use thinning.
 */
export interface RateFunction {
  at(t: number): number;
  /** The largest rate on [from, to]. */
  max(from: number, to: number): number;
  /** For piecewise-constant shapes: the end of the constant segment containing t (∞ for the last). */
  segmentEnd?(t: number): number;
}

export function makeRate(spec: RateSpec): RateFunction {
  switch (spec.shape) {
    case 'constant':
      return { at: () => spec.rps, max: () => spec.rps, segmentEnd: () => Number.POSITIVE_INFINITY };
    case 'step': {
      const steps = [...spec.steps].sort((a, b) => a.atSeconds - b.atSeconds);
      const at = (t: number): number => {
        let r = 0;
        for (const s of steps) if (s.atSeconds <= t) r = s.rps;
        return r;
      };
      return {
        at,
        max: (from, to) => Math.max(at(from), ...steps.filter((s) => s.atSeconds >= from && s.atSeconds <= to).map((s) => s.rps)),
        // Called once per arrival: a plain loop, no closure per call.
        segmentEnd: (t) => {
          for (const s of steps) if (s.atSeconds > t) return s.atSeconds;
          return Number.POSITIVE_INFINITY;
        },
      };
    }
    case 'spike': {
      const { baseRps, peakRps, atSeconds, durationSeconds } = spec;
      const end = atSeconds + durationSeconds;
      return {
        at: (t) => (t >= atSeconds && t < end ? peakRps : baseRps),
        max: (from, to) => (to >= atSeconds && from < end ? Math.max(peakRps, baseRps) : baseRps),
        segmentEnd: (t) => (t < atSeconds ? atSeconds : t < end ? end : Number.POSITIVE_INFINITY),
      };
    }
    case 'ramp': {
      const { fromRps, toRps, startSeconds, endSeconds } = spec;
      const at = (t: number): number => {
        if (t <= startSeconds) return fromRps;
        if (t >= endSeconds) return toRps;
        return fromRps + ((toRps - fromRps) * (t - startSeconds)) / (endSeconds - startSeconds);
      };
      return { at, max: (from, to) => Math.max(at(from), at(to)) };
    }
    case 'sine': {
      const { meanRps, amplitudeRps, periodSeconds, phaseSeconds } = spec;
      return {
        at: (t) => Math.max(0, meanRps + amplitudeRps * Math.sin((2 * Math.PI * (t - phaseSeconds)) / periodSeconds)),
        max: () => meanRps + Math.abs(amplitudeRps),
      };
    }
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
  };
}
