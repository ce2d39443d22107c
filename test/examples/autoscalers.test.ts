/**
 * The shipped example autoscalers (examples/autoscalers/): their decision rules with
 * hand-computed numbers, and each running in the simulator through the loader.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import predictive, { LEAD_SECONDS, forecast, linearFit } from '../../examples/autoscalers/predictive.js';
import surgePanic, { SURGE, isSurge } from '../../examples/autoscalers/surge-panic.js';
import type { AutoscalerInput, AutoscalerSettings, MetricSample } from '../../src/core/autoscaler/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { summarizeWorld } from '../../src/run/run-world.js';

const root = resolve(import.meta.dirname, '../..');

const settings: AutoscalerSettings = {
  metric: 'concurrency', target: 1.4, totalValue: 2, targetBurstCapacity: 211, stableWindowSeconds: 60, panicWindowSeconds: 6,
  panicThreshold: 2, maxScaleUpRate: 1000, maxScaleDownRate: 2, scaleDownDelaySeconds: 0, minScale: 0, maxScale: 0, initialScale: 1,
  activationScale: 0, enableScaleToZero: true, scaleToZeroGracePeriodSeconds: 30, containerConcurrency: 2, reachable: true,
};

/** Concurrency rising 0.1 per second over the 60 s before `now` (a linear ramp). */
function ramp(now: number): MetricSample[] {
  return Array.from({ length: 60 }, (_, i) => ({ timeSeconds: now - 60 + i, concurrency: 0.1 * (now - 60 + i), rps: (0.1 * (now - 60 + i)) / 0.2 }));
}

function input(over: Partial<AutoscalerInput>): AutoscalerInput {
  return { nowSeconds: 100, readyPods: 3, stable: { concurrency: 0, rps: 0 }, panic: { concurrency: 0, rps: 0 }, history: [], settings, previousDesiredScale: -1, poke: false, ...over };
}

const ctx = { className: 'x', revision: 'r', nowSeconds: 0, settings, existingPods: undefined, state: undefined };

describe('predictive', () => {
  it('fits a line exactly through points on one', () => {
    expect(linearFit([{ t: 0, v: 1 }, { t: 1, v: 3 }, { t: 2, v: 5 }])).toEqual({ intercept: 1, slope: 2 });
    expect(linearFit([{ t: 5, v: 4 }])).toEqual({ intercept: 4, slope: 0 });
  });

  it(`forecasts a ramp ${LEAD_SECONDS} s ahead and provisions for it, above the KPA's stable rule`, () => {
    const now = 100;
    const history = ramp(now);
    // On 0.1/s, 15 s past the last second (99) plus one: 0.1 × (100 + 15) = 11.5.
    expect(forecast(history, 'concurrency', now, LEAD_SECONDS)).toBeCloseTo(11.5, 9);
    // The window average is the value half a window back: 0.1 × 69.5 = 6.95 → the KPA's stable rule wants ceil(6.95 / 1.4) = 5.
    const stable = { concurrency: 6.95, rps: 34.75 };
    const d = predictive.create(ctx).decide(input({ nowSeconds: now, history, stable, panic: stable }));
    expect(d.desiredScale).toBe(Math.ceil(11.5 / 1.4)); // 9
    expect(d.inPanic).toBe(true);
  });

  it('scales down no faster than the stable rule when the trend falls', () => {
    const falling = ramp(100).map((s) => ({ ...s, concurrency: 10 - s.concurrency / 2 }));
    const stable = { concurrency: 6.5, rps: 30 };
    const d = predictive.create(ctx).decide(input({ history: falling, stable, panic: stable }));
    expect(d.desiredScale).toBe(Math.ceil(6.5 / 1.4)); // 5: the forecast (below) does not win
  });

  it('runs in the simulator as a class named in the scenario', () => {
    const s = summarizeWorld(loadScenario(join(root, 'examples/autoscalers/linear-ramp.yaml'), { classOverride: 'predictive.example.com', durationSeconds: 200 }).world);
    expect(s.overall.requests.ok).toBe(s.overall.requests.total);
    // About 20 in flight at the top at 1.4 per pod.
    expect(s.overall.maxReadyPods).toBeGreaterThanOrEqual(Math.ceil(20 / 1.4) - 2);
  });
});

describe('surge-panic', () => {
  it.each([
    { stable: 10, panic: 15, want: false },
    { stable: 10, panic: 15.01, want: true },
    { stable: 0, panic: 0, want: false },
    { stable: 0, panic: 0.5, want: true },
  ])(`panics when panic > (1 + ${SURGE}) × stable: stable $stable, panic $panic → $want`, ({ stable, panic, want }) => {
    expect(isSurge({ settings, stable: { concurrency: stable, rps: 0 }, panic: { concurrency: panic, rps: 0 } })).toBe(want);
  });

  it('in panic takes the larger rule and never scales down; the panic ends a stable window after the last surge', () => {
    const inst = surgePanic.create(ctx);
    // Surge at 100 s: stable 7 (5 pods), panic 14 (10 pods).
    const a = inst.decide(input({ nowSeconds: 100, readyPods: 5, stable: { concurrency: 7, rps: 0 }, panic: { concurrency: 14, rps: 0 } }));
    expect(a).toEqual({ desiredScale: 10, inPanic: true });
    // Calm at 130 s but still in panic: the load fell to 2.8 (2 pods) yet the scale holds at the previous 10.
    const calm = { stable: { concurrency: 2.8, rps: 0 }, panic: { concurrency: 2.8, rps: 0 } };
    expect(inst.decide(input({ nowSeconds: 130, readyPods: 10, previousDesiredScale: 10, ...calm }))).toEqual({ desiredScale: 10, inPanic: true });
    expect(inst.snapshot!()).toEqual({ panicSince: 100 });
    // 161 s is more than 60 s after the surge: out of panic, the stable rule (2) limited by the max scale-down rate (10 / 2 = 5).
    expect(inst.decide(input({ nowSeconds: 161, readyPods: 10, previousDesiredScale: 10, ...calm }))).toEqual({ desiredScale: 5, inPanic: false });
  });

  it('runs in the simulator on the ramp', () => {
    const s = summarizeWorld(loadScenario(join(root, 'examples/autoscalers/linear-ramp.yaml'), { classOverride: 'surge-panic.example.com', durationSeconds: 200 }).world);
    expect(s.overall.requests.ok).toBe(s.overall.requests.total);
    expect(s.overall.maxReadyPods).toBeGreaterThanOrEqual(10);
  });
});
