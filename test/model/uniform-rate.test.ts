/**
 * Evenly spaced (uniform) open-loop arrivals under a rate that changes: the n-th request comes
 * where the rate's integral reaches n more since the first, as vegeta's pacers pace a varying
 * rate, so every window holds what the rate adds up to there, within one request.
 */
import { describe, expect, it } from 'vitest';
import { makeRate } from '../../src/model/rate.js';
import { World } from '../../src/model/world.js';
import { scenarioFromValue } from '../../src/scenario/load.js';
import { MemoryRecorder } from './world-fixture.js';

type Obj = Record<string, any>;

/** One Service with 5 pods that never scale away, and one uniform client per rate shape. */
function arrivals(rates: Record<string, Obj>, duration = '600s'): Record<string, number[]> {
  const value = {
    name: 'uniform-rate',
    duration,
    services: [
      {
        manifest: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          metadata: { name: 'hello' },
          spec: { template: { metadata: { annotations: { 'autoscaling.knative.dev/min-scale': '5' } }, spec: { containers: [{ image: 'app' }] } } },
        },
        initialPods: 5,
        app: { serviceTime: '10ms' },
      },
    ],
    clients: Object.entries(rates).map(([name, rate]) => ({ name, service: 'hello', open: { process: 'uniform', rate } })),
  };
  const rec = new MemoryRecorder();
  new World(scenarioFromValue(value, 's.yaml').world, rec).run();
  const out: Record<string, number[]> = {};
  for (const name of Object.keys(rates)) out[name] = rec.requests.filter((r) => r.clientName === name).map((r) => r.arrival).sort((a, b) => a - b);
  return out;
}

/** How many of `ts` fall in [from, to). */
const within = (ts: number[], from: number, to: number): number => ts.filter((t) => t >= from && t < to).length;

describe('uniform arrivals follow the integral of a changing rate', () => {
  const sine = (t: number): number => Math.max(0, 30 + 30 * Math.sin((2 * Math.PI * (t - 20)) / 200));
  /** ∫ of the sine above over [a, b] (it never goes below 0: amplitude = mean). */
  const sineIntegral = (a: number, b: number): number => 30 * (b - a) + ((30 * 200) / (2 * Math.PI)) * (Math.cos((2 * Math.PI * (a - 20)) / 200) - Math.cos((2 * Math.PI * (b - 20)) / 200));
  const r = arrivals({
    sine: { shape: 'sine', mean: 30, amplitude: 30, period: '200s', phase: '20s' },
    ramp: { shape: 'ramp', from: 0, to: 100, start: '100s', end: '300s' },
    step: { shape: 'step', steps: [{ at: '10s', rps: 5 }, { at: '100.5s', rps: 40 }, { at: '300s', rps: 0 }, { at: '400s', rps: 3 }] },
    floored: { shape: 'sine', mean: 10, amplitude: 20, period: '100s', phase: '7s' },
  });

  it('a sine from 0 to 60 rps sends its 18,000 requests in 600 s, each 10 s window within one of the integral', () => {
    // Spacing each gap by the rate at the previous send sent 5,876: past a trough, a rate near 0 gave a gap of minutes.
    expect(r.sine!.length).toBe(18000);
    for (let w = 0; w < 600; w += 10) expect(Math.abs(within(r.sine!, w, w + 10) - sineIntegral(w, w + 10))).toBeLessThanOrEqual(1);
    expect(sine(r.sine![1]!)).toBeGreaterThan(0);
  });

  it('a ramp from 0 at 100 s to 100 rps at 300 s: the first at 100 s, the second 2 s later (0.5 rps/s × 2² / 2 = 1), then ∫ per window', () => {
    const s = r.ramp!;
    expect(s[0]).toBe(100);
    expect(s[1]).toBeCloseTo(102, 9);
    // 100 s to 300 s adds up to 10,000; then 100 rps (the last requests are still in flight at the end).
    expect(within(s, 100, 300)).toBe(10000);
    expect(within(s, 300.005, 589.995)).toBe(28999);
    // 0.5 rps/s: [200, 210) adds up to 0.25 × (110² − 100²) = 525.
    expect(Math.abs(within(s, 200, 210) - 525)).toBeLessThanOrEqual(1);
  });

  it('a step to 0 rps stops the sends at its instant; a gap that spans a step between two rates takes part of each', () => {
    const s = r.step!;
    expect(within(s, 300, 400)).toBe(0);
    expect(s[0]).toBe(10);
    // 5 rps from 10 s: sends at 10, 10.2, …, 100.4; 0.1 s at 5 rps is half a request, the other half at 40 rps takes 12.5 ms.
    expect(s[452]).toBeCloseTo(100.4, 9);
    expect(s[453]).toBeCloseTo(100.5125, 9);
    expect(within(s, 400.1, 589.9)).toBe(569);
  });

  it('a sine floored at 0 sends nothing while it is at 0 and restarts at once where it turns positive', () => {
    const s = r.floored!;
    const rate = (t: number): number => 10 + 20 * Math.sin((2 * Math.PI * (t - 7)) / 100);
    expect(s.filter((t) => rate(t) < -1e-9)).toEqual([]);
    // ∫ over 600 s of max(0, 10 + 20 sin): 6 turns of 100 / (2π) × (10 (π + 2b) + 40 cos b), b = asin(1/2); plus one restart per turn at most.
    const b = Math.asin(0.5);
    const perTurn = (100 / (2 * Math.PI)) * (10 * (Math.PI + 2 * b) + 40 * Math.cos(b));
    expect(s.length).toBeGreaterThanOrEqual(Math.floor(6 * perTurn) - 1);
    expect(s.length).toBeLessThanOrEqual(Math.ceil(6 * perTurn) + 6);
  });
});

describe('uniform arrivals of a floored sine, directly from the rate', () => {
  /** The sends in [0, end) as the open-loop client makes them. */
  function sends(spec: { meanRps: number; amplitudeRps: number; periodSeconds: number; phaseSeconds: number }, end: number): number[] {
    const rate = makeRate({ shape: 'sine', ...spec });
    const out: number[] = [];
    for (let t = rate.firstPositive(0); t < end; t = rate.oneMore(t)) out.push(t);
    return out;
  }

  it('a rounding of the integral at the last digit does not stall the search: the 2nd send comes 1/33.9 s after the 1st, not at the zero stretch', () => {
    // 33.92 rps at 0, falling to 0 at 14.979 s; a search that chased 3e-15 of a request ran out of steps and answered 14.979 s.
    const s = sends({ meanRps: 1.1147856712341309, amplitudeRps: 39.73765052855015, periodSeconds: 94.18870258331299, phaseSeconds: 61.65282726287842 }, 400);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(0.0295002, 6);
    const rate = (t: number): number => 1.1147856712341309 + 39.73765052855015 * Math.sin((2 * Math.PI * (t - 61.65282726287842)) / 94.18870258331299);
    expect(s.filter((t) => rate(t) < -1e-6)).toEqual([]);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
  });
});
