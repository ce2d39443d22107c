import { describe, expect, it } from 'vitest';
import { NoDataError, type MetricSource } from '../../../src/core/autoscaler/collection.js';
import { Decider } from '../../../src/core/autoscaler/decider.js';
import { DelayWindow } from '../../../src/core/autoscaler/delay-window.js';
import type { DeciderSpec, ScaleResult } from '../../../src/core/autoscaler/types.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

/** A settable metric source, like upstream's fake metric client. */
class FakeMetrics implements MetricSource {
  constructor(
    public stable = 0,
    public panic = 0,
    public error: Error | undefined = undefined,
  ) {}
  set(stable: number, panic: number): void {
    this.stable = stable;
    this.panic = panic;
  }
  stableAndPanicConcurrency(): { stable: number; panic: number } {
    if (this.error) throw this.error;
    return { stable: this.stable, panic: this.panic };
  }
  stableAndPanicRPS(): { stable: number; panic: number } {
    return this.stableAndPanicConcurrency();
  }
}

/** Upstream's test fixture: 75 % utilization, ×2 panic, ×10 rates, 60 s window. */
function spec(target: number, tbc: number, over: Partial<DeciderSpec> = {}): DeciderSpec {
  return {
    scalingMetric: 'concurrency',
    targetValue: target,
    totalValue: target / 0.75,
    targetBurstCapacity: tbc,
    panicThreshold: 2,
    maxScaleUpRate: 10,
    maxScaleDownRate: 10,
    stableWindowSeconds: 60,
    scaleDownDelaySeconds: 0,
    activationScale: 0,
    reachable: true,
    ...over,
  };
}

/** EBC as the decider computes it: floor(ready × total − TBC − panic). */
function ebc(target: number, tbc: number, panic: number, ready: number): number {
  return Math.floor(ready * (target / 0.75) - tbc - panic);
}

const T = 1000;

describe('Decider: single evaluations (upstream TestAutoscalerScale, re-expressed)', () => {
  const cases: Array<{
    label: string;
    target: number;
    tbc: number;
    stable: number;
    panic: number;
    ready: number;
    over?: Partial<DeciderSpec>;
    prePanic?: { maxPanicPods: number };
    want: ScaleResult;
  }> = [
    { label: 'no data at zero', target: 10, tbc: 100, stable: 0, panic: 0, ready: 1, want: { desiredPodCount: 0, excessBurstCapacity: ebc(10, 100, 0, 1), scaleValid: true } },
    { label: 'unlimited TBC gives EBC -1', target: 181, tbc: -1, stable: 21, panic: 26, ready: 1, want: { desiredPodCount: 1, excessBurstCapacity: -1, scaleValid: true } },
    { label: 'TBC 0 gives EBC 0', target: 10, tbc: 0, stable: 50, panic: 49, ready: 1, want: { desiredPodCount: 5, excessBurstCapacity: 0, scaleValid: true } },
    { label: 'stable, no change', target: 10, tbc: 100, stable: 50, panic: 50, ready: 1, want: { desiredPodCount: 5, excessBurstCapacity: ebc(10, 100, 50, 1), scaleValid: true } },
    { label: 'already scaled', target: 10, tbc: 100, stable: 50, panic: 50, ready: 5, want: { desiredPodCount: 5, excessBurstCapacity: ebc(10, 100, 50, 5), scaleValid: true } },
    { label: 'small up rate still allows +1 pod', target: 1, tbc: 1982, stable: 3, panic: 3.1, ready: 2, over: { maxScaleUpRate: 1.1 }, want: { desiredPodCount: 3, excessBurstCapacity: ebc(1, 1982, 3.1, 2), scaleValid: true } },
    { label: 'small down rate limits the drop', target: 10, tbc: 1982, stable: 1, panic: 1, ready: 100, over: { maxScaleDownRate: 1.1 }, want: { desiredPodCount: 90, excessBurstCapacity: ebc(10, 1982, 1, 100), scaleValid: true } },
    { label: 'unreachable has no down limit', target: 10, tbc: 1982, stable: 1, panic: 1, ready: 100, over: { maxScaleDownRate: 1.1, reachable: false }, want: { desiredPodCount: 1, excessBurstCapacity: ebc(10, 1982, 1, 100), scaleValid: true } },
    { label: 'panic doubles the pods', target: 10, tbc: 84, stable: 50, panic: 100, ready: 1, want: { desiredPodCount: 10, excessBurstCapacity: ebc(10, 84, 100, 1), scaleValid: true } },
    { label: 'in panic, stable larger than panic wins', target: 1, tbc: 100, stable: 50, panic: 30, ready: 5, prePanic: { maxPanicPods: 5 }, want: { desiredPodCount: 50, excessBurstCapacity: ebc(1, 100, 30, 5), scaleValid: true } },
    { label: 'in panic, panic larger than stable wins', target: 1, tbc: 100, stable: 20, panic: 30, ready: 5, prePanic: { maxPanicPods: 5 }, want: { desiredPodCount: 30, excessBurstCapacity: ebc(1, 100, 30, 5), scaleValid: true } },
    { label: 'zero ready pods use 1 for rates, 0 for EBC', target: 10, tbc: 81, stable: 1000, panic: 888, ready: 0, want: { desiredPodCount: 10, excessBurstCapacity: ebc(10, 81, 888, 0), scaleValid: true } },
  ];
  it.each(cases)('$label', (c) => {
    // A decider created with ready pods > 1 starts in panic: that is how we put it there.
    const d = new Decider(spec(c.target, c.tbc, c.over), { nowSeconds: T - 5, readyPods: c.prePanic ? c.prePanic.maxPanicPods : 1 });
    expect(d.inPanic).toBe(c.prePanic !== undefined);
    expect(d.scale({ nowSeconds: T, readyPods: c.ready, metrics: new FakeMetrics(c.stable, c.panic) })).toEqual(c.want);
  });
});

describe('Decider: sequences (upstream autoscaler tests, re-expressed)', () => {
  type Step = { at: number; ready: number; stable: number; panic: number; desired: number; inPanic?: boolean; panicTime?: number | undefined };
  const run = (d: Decider, m: FakeMetrics, steps: Step[], target: number, tbc: number): void => {
    for (const s of steps) {
      m.set(s.stable, s.panic);
      const r = d.scale({ nowSeconds: s.at, readyPods: s.ready, metrics: m });
      expect(r, `at ${s.at}`).toEqual({ desiredPodCount: s.desired, excessBurstCapacity: ebc(target, tbc, s.panic, s.ready), scaleValid: true });
      if (s.inPanic !== undefined) expect(d.inPanic, `panic at ${s.at}`).toBe(s.inPanic);
      if ('panicTime' in s) expect(d.panicTimeSeconds, `panic time at ${s.at}`).toBe(s.panicTime);
    }
  };

  it('unpanics one stable window after a slow increase', () => {
    const d = new Decider(spec(1, 98), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 10, stable: 11, panic: 25, desired: 25, inPanic: true, panicTime: T },
      { at: T + 30, ready: 40, stable: 30, panic: 41, desired: 41, inPanic: true, panicTime: T },
      { at: T + 62, ready: 55, stable: 50, panic: 56, desired: 50, inPanic: false, panicTime: undefined },
    ], 1, 98);
  });

  it('extends the panic window on every over-threshold tick', () => {
    const d = new Decider(spec(1, 98), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 10, stable: 11, panic: 25, desired: 25, panicTime: T },
      { at: T + 30, ready: 40, stable: 30, panic: 80, desired: 80, panicTime: T + 30 },
    ], 1, 98);
  });

  it('tracks exponential growth in panic and stabilises', () => {
    const d = new Decider(spec(1, 101), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 1, stable: 6, panic: 6, desired: 6, inPanic: true },
      { at: T + 1, ready: 6, stable: 36, panic: 36, desired: 36, panicTime: T + 1 },
      { at: T + 2, ready: 36, stable: 216, panic: 216, desired: 216, panicTime: T + 2 },
      { at: T + 2, ready: 216, stable: 1296, panic: 1296, desired: 1296, panicTime: T + 2 },
      { at: T + 3, ready: 1296, stable: 1296, panic: 1296, desired: 1296, panicTime: T + 2 },
    ], 1, 101);
  });

  it('holds the panic peak, then scales down once a stable window passed', () => {
    const d = new Decider(spec(10, 93), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 1, stable: 100, panic: 100, desired: 10, inPanic: true },
      { at: T + 1, ready: 10, stable: 100, panic: 1000, desired: 100, panicTime: T + 1 },
      { at: T + 31, ready: 10, stable: 1, panic: 1, desired: 100, inPanic: true },
      { at: T + 61, ready: 10, stable: 1, panic: 1, desired: 100, inPanic: true }, // 60 s exactly: strict <
      { at: T + 62, ready: 10, stable: 1, panic: 1, desired: 1, inPanic: false },
    ], 10, 93);
    expect(d.maxPanicPods).toBe(0);
  });

  it('rate-limits scale up (ceil) and scale down (floor) from the ready count', () => {
    const up = new Decider(spec(10, 61), { nowSeconds: T, readyPods: 1 });
    run(up, new FakeMetrics(), [
      { at: T, ready: 1, stable: 1000, panic: 1001, desired: 10 },
      { at: T + 2, ready: 10, stable: 1000, panic: 1001, desired: 100 },
    ], 10, 61);
    const down = new Decider(spec(10, 61), { nowSeconds: T, readyPods: 1 });
    run(down, new FakeMetrics(), [
      { at: T, ready: 100, stable: 1, panic: 1, desired: 10 },
      { at: T + 2, ready: 10, stable: 1, panic: 1, desired: 1 },
    ], 10, 61);
  });

  it('decreases in stable mode and scales to zero on no traffic', () => {
    const d = new Decider(spec(10, 98), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 8, stable: 100, panic: 100, desired: 10 },
      { at: T + 2, ready: 8, stable: 50, panic: 50, desired: 5 },
      { at: T + 4, ready: 1, stable: 1, panic: 0, desired: 1 },
      { at: T + 6, ready: 1, stable: 0, panic: 0, desired: 0 },
    ], 10, 98);
  });

  it('raises a non-zero count to the activation scale, beyond the up rate, but keeps zero', () => {
    const d = new Decider(spec(10, 75, { activationScale: 3, maxScaleUpRate: 1.5 }), { nowSeconds: T, readyPods: 1 });
    run(d, new FakeMetrics(), [
      { at: T, ready: 1, stable: 0, panic: 0, desired: 0 },
      { at: T + 2, ready: 1, stable: 1, panic: 0, desired: 3 }, // maxUp = ceil(1.5) = 2 < 3
    ], 10, 75);
  });

  it('applies an updated target without touching panic state', () => {
    const d = new Decider(spec(10, 77), { nowSeconds: T, readyPods: 1 });
    const m = new FakeMetrics(100, 101);
    expect(d.scale({ nowSeconds: T, readyPods: 1, metrics: m }).desiredPodCount).toBe(10);
    d.update({ ...spec(1, 71) });
    expect(d.scale({ nowSeconds: T + 2, readyPods: 10, metrics: m })).toEqual({ desiredPodCount: 100, excessBurstCapacity: ebc(1, 71, 101, 10), scaleValid: true });
  });

  it('uses RPS values for the rps metric', () => {
    const metrics: MetricSource = {
      stableAndPanicConcurrency: () => ({ stable: 1, panic: 1 }),
      stableAndPanicRPS: () => ({ stable: 100, panic: 99 }),
    };
    const d = new Decider(spec(10, 101, { scalingMetric: 'rps' }), { nowSeconds: T, readyPods: 1 });
    expect(d.scale({ nowSeconds: T, readyPods: 1, metrics })).toEqual({ desiredPodCount: 10, excessBurstCapacity: ebc(10, 101, 99, 1), scaleValid: true });
  });
});

describe('Decider: creation state', () => {
  it.each([
    [undefined, false, 0],
    [0, false, 0],
    [1, false, 1],
    [2, true, 2],
    [7, true, 7],
  ])('created with %s ready pods: inPanic=%s, maxPanicPods=%i', (ready, panic, max) => {
    const d = new Decider(spec(100, 11, { panicThreshold: 2.2 }), ready === undefined ? { nowSeconds: T } : { nowSeconds: T, readyPods: ready });
    expect(d.inPanic).toBe(panic);
    expect(d.maxPanicPods).toBe(max);
    expect(d.panicTimeSeconds).toBe(panic ? T : undefined);
  });

  it('a decider started in panic does not scale down for a stable window', () => {
    const d = new Decider(spec(10, 100), { nowSeconds: T, readyPods: 5 });
    const m = new FakeMetrics(0, 0);
    expect(d.scale({ nowSeconds: T + 2, readyPods: 5, metrics: m }).desiredPodCount).toBe(5);
    expect(d.scale({ nowSeconds: T + 60, readyPods: 5, metrics: m }).desiredPodCount).toBe(5);
    // Panic ends (60 s strictly passed); the down rate of 10 allows floor(5 / 10) = 0.
    expect(d.scale({ nowSeconds: T + 62, readyPods: 5, metrics: m }).desiredPodCount).toBe(0);
  });
});

describe('Decider: invalid results change nothing', () => {
  it('returns invalid when ready pods cannot be read or metrics throw, keeping panic state', () => {
    const d = new Decider(spec(10, 81), { nowSeconds: T, readyPods: 3 });
    const bad = new FakeMetrics(1000, 888, new Error('peaches'));
    const invalid = { desiredPodCount: 0, excessBurstCapacity: 0, scaleValid: false };
    expect(d.scale({ nowSeconds: T + 100, readyPods: undefined, metrics: new FakeMetrics(1, 1) })).toEqual(invalid);
    expect(d.scale({ nowSeconds: T + 100, readyPods: 3, metrics: bad })).toEqual(invalid);
    expect(d.scale({ nowSeconds: T + 100, readyPods: 3, metrics: new FakeMetrics(0, 0, new NoDataError()) })).toEqual(invalid);
    expect(d.inPanic).toBe(true);
    expect(d.panicTimeSeconds).toBe(T);
    expect(d.maxPanicPods).toBe(3);
  });

  it('asks a source that can tell whether it has data, and then reads nothing (no NoDataError thrown)', () => {
    const d = new Decider(spec(10, 81), { nowSeconds: T, readyPods: 3 });
    const asked: Array<[number, string]> = [];
    let reads = 0;
    const source = (has: boolean, metric: 'concurrency' | 'rps' = 'concurrency'): MetricSource => ({
      hasData: (now, m) => {
        asked.push([now, m]);
        return has;
      },
      stableAndPanicConcurrency: () => {
        reads++;
        if (metric !== 'concurrency') throw new Error('the wrong metric was read');
        return { stable: 95, panic: 95 };
      },
      stableAndPanicRPS: () => {
        reads++;
        if (metric !== 'rps') throw new Error('the wrong metric was read');
        return { stable: 95, panic: 95 };
      },
    });
    expect(d.scale({ nowSeconds: T + 100, readyPods: 3, metrics: source(false) })).toEqual({ desiredPodCount: 0, excessBurstCapacity: 0, scaleValid: false });
    expect(reads).toBe(0);
    expect(d.inPanic).toBe(true); // unchanged, as for a thrown NoDataError
    // With data, it reads as before: 95 / 10 → 10 pods (panic: 10 / 3 ≥ 2 extends it).
    expect(d.scale({ nowSeconds: T + 101, readyPods: 3, metrics: source(true) }).desiredPodCount).toBe(10);
    const rps = new Decider(spec(10, 81, { scalingMetric: 'rps' }), { nowSeconds: T, readyPods: 3 });
    expect(rps.scale({ nowSeconds: T + 102, readyPods: 3, metrics: source(true, 'rps') }).desiredPodCount).toBe(10);
    expect(asked).toEqual([
      [T + 100, 'concurrency'],
      [T + 101, 'concurrency'],
      [T + 102, 'rps'],
    ]);
    expect(reads).toBe(2);
  });

  it.each([
    ['NaN target', () => new Decider(spec(Number.NaN, 1), { nowSeconds: 0 })],
    ['zero target', () => new Decider(spec(0, 1), { nowSeconds: 0 })],
    ['negative window', () => new Decider(spec(1, 1, { stableWindowSeconds: -60 }), { nowSeconds: 0 })],
    ['unknown metric', () => new Decider(spec(1, 1, { scalingMetric: 'cpu' as never }), { nowSeconds: 0 })],
    ['negative panic threshold', () => new Decider(spec(1, 1, { panicThreshold: -1 }), { nowSeconds: 0 })],
    ['negative scale-up rate', () => new Decider(spec(1, 1, { maxScaleUpRate: -1 }), { nowSeconds: 0 })],
    ['zero scale-down rate (divided by)', () => new Decider(spec(1, 1, { maxScaleDownRate: 0 }), { nowSeconds: 0 })],
    ['negative delay', () => new Decider(spec(1, 1, { scaleDownDelaySeconds: -2 }), { nowSeconds: 0 })],
    ['infinite TBC', () => new Decider(spec(1, Number.POSITIVE_INFINITY), { nowSeconds: 0 })],
    ['zero window by update', () => new Decider(spec(1, 1), { nowSeconds: 0 }).update(spec(1, 1, { stableWindowSeconds: -1 }))],
    ['NaN now', () => new Decider(spec(1, 1), { nowSeconds: 0 }).scale({ nowSeconds: Number.NaN, readyPods: 1, metrics: new FakeMetrics() })],
    ['fractional ready pods', () => new Decider(spec(1, 1), { nowSeconds: 0 }).scale({ nowSeconds: 1, readyPods: 1.5, metrics: new FakeMetrics() })],
    ['NaN observation', () => new Decider(spec(1, 1), { nowSeconds: 0 }).scale({ nowSeconds: 1, readyPods: 1, metrics: new FakeMetrics(Number.NaN, 0) })],
  ])('rejects %s', (_l, f) => {
    expect(f).toThrow(InvalidArgumentError);
  });
});

describe('Decider: accepts every spec upstream’s decider runs with', () => {
  // Each row: a spec the ConfigMap or annotation validation would refuse but upstream's
  // decider takes (its own tests use several), and evaluations [time, ready, panic = stable, desired, EBC, in panic].
  const rows: Array<[string, Partial<DeciderSpec>, Array<[number, number, number, number, number, boolean]>]> = [
    [
      // upstream TestAutoscalerScaleDownDelay: the fields it does not set are zero, the stable window included
      'upstream’s scale-down-delay fixture (zero stable window, total, TBC and activation scale)',
      { targetValue: 10, totalValue: 0, targetBurstCapacity: 0, panicThreshold: 100, stableWindowSeconds: 0, scaleDownDelaySeconds: 300, activationScale: 0 },
      [
        [2, 0, 40, 4, 0, false],
        [300, 0, 0, 4, 0, false],
        [302, 0, 0, 0, 0, false],
      ],
    ],
    [
      'zero stable window: panic ends at the first evaluation below the threshold',
      { totalValue: 0, targetBurstCapacity: 0, stableWindowSeconds: 0 },
      [
        [2, 1, 40, 4, 0, true], // 4 pods for 1 ready: over 2×
        [4, 4, 30, 3, 0, false], // 3 < 2 × 4: out of panic at once (a 60 s window would hold 4)
        [6, 4, 90, 9, 0, true],
      ],
    ],
    ['TBC −2 works as −1: EBC −1', { targetBurstCapacity: -2 }, [[2, 1, 5, 1, -1, false]]],
    ['panic threshold 0: every evaluation panics', { panicThreshold: 0 }, [[2, 1, 30, 3, -1, true], [4, 3, 0, 3, -1, true]]],
    ['scale-up rate 0: never above 0 pods, even in panic', { maxScaleUpRate: 0 }, [[2, 0, 50, 0, -1, true]]],
    ['scale-up rate 1.1 still adds a pod (upstream’s fixture)', { maxScaleUpRate: 1.1 }, [[2, 2, 30, 3, -1, false]]],
  ];
  it.each(rows)('%s', (_l, over, steps) => {
    const d = new Decider(spec(10, -1, over), { nowSeconds: 0 });
    const m = new FakeMetrics();
    for (const [at, ready, obs, desired, ebcWant, panic] of steps) {
      m.set(obs, obs);
      const r = d.scale({ nowSeconds: at, readyPods: ready, metrics: m });
      expect([r.desiredPodCount, r.excessBurstCapacity, r.scaleValid, d.inPanic], `at ${at}`).toEqual([desired, ebcWant, true, panic]);
    }
  });
});

describe('Decider: scale-down delay', () => {
  const delaySpec = (over: Partial<DeciderSpec> = {}): DeciderSpec => ({
    ...spec(10, 0),
    maxScaleDownRate: 10,
    panicThreshold: 100,
    scaleDownDelaySeconds: 300,
    ...over,
  });

  it('holds the higher count until it has been out of the window for the whole delay', () => {
    const d = new Decider(delaySpec(), { nowSeconds: 0 });
    const m = new FakeMetrics();
    const steps: Array<[number, number, number]> = [
      // [time, observed, desired]
      [2, 40, 4],
      [300, 0, 4],
      [302, 0, 0],
      [540, 40, 4],
      [600, 30, 4],
      [660, 0, 4],
      [840, 0, 3], // the 4 scrolled out, the 3 from t=600 remains
      [900, 0, 0],
    ];
    for (const [at, obs, want] of steps) {
      m.set(obs, obs);
      expect(d.scale({ nowSeconds: at, readyPods: 0, metrics: m }).desiredPodCount, `at ${at}`).toBe(want);
    }
  });

  it('is skipped when the revision becomes unreachable', () => {
    const d = new Decider(delaySpec(), { nowSeconds: 0 });
    const m = new FakeMetrics(40, 40);
    expect(d.scale({ nowSeconds: 2, readyPods: 0, metrics: m }).desiredPodCount).toBe(4);
    m.set(0, 0);
    expect(d.scale({ nowSeconds: 60, readyPods: 0, metrics: m }).desiredPodCount).toBe(4);
    d.update(delaySpec({ reachable: false }));
    expect(d.scale({ nowSeconds: 62, readyPods: 0, metrics: m }).desiredPodCount).toBe(0);
  });

  it('with zero delay a later evaluation in the same slot wins (no window at all)', () => {
    const d = new Decider(delaySpec({ scaleDownDelaySeconds: 0 }), { nowSeconds: 0 });
    expect(d.scale({ nowSeconds: 0, readyPods: 0, metrics: new FakeMetrics(40, 40) }).desiredPodCount).toBe(4);
    expect(d.scale({ nowSeconds: 0.5, readyPods: 0, metrics: new FakeMetrics(20, 20) }).desiredPodCount).toBe(2);
  });

  it('a delay added by update() is not applied (the window exists only from construction)', () => {
    const d = new Decider(delaySpec({ scaleDownDelaySeconds: 0 }), { nowSeconds: 0 });
    d.update(delaySpec({ scaleDownDelaySeconds: 300 }));
    expect(d.scale({ nowSeconds: 2, readyPods: 0, metrics: new FakeMetrics(40, 40) }).desiredPodCount).toBe(4);
    expect(d.scale({ nowSeconds: 4, readyPods: 0, metrics: new FakeMetrics(0, 0) }).desiredPodCount).toBe(0);
  });
});

describe('DelayWindow', () => {
  it('keeps the larger of two records in one 2 s slot (a tick plus a poke)', () => {
    const w = new DelayWindow(10, 2);
    w.record(4, 3);
    w.record(5, 1);
    expect(w.current()).toBe(3);
    w.record(5.5, 7);
    expect(w.current()).toBe(7);
  });

  it.each([
    // records (time, value), then expected current
    [[[0, 5], [2, 3], [4, 4]], 5],
    [[[0, 5], [2, 3], [10, 1]], 3], // slot 0 expired (5 slots of 2 s), slot 1 not yet
    [[[0, 5], [2, 3], [12, 1]], 1],
    [[[0, 1], [2, 2], [4, 3]], 3],
  ] as Array<[Array<[number, number]>, number]>)('sliding max %#', (records, want) => {
    const w = new DelayWindow(10, 2);
    for (const [t, v] of records) w.record(t, v);
    expect(w.current()).toBe(want);
  });

  it('a window of 1.8e9 slots (scale-down-delay 1000000h) takes memory only for what it holds', () => {
    const w = new DelayWindow(3.6e9, 2);
    w.record(0, 5);
    w.record(2, 3);
    expect(w.current()).toBe(5);
    w.record(3.6e9, 1); // slot 0 leaves the window
    expect(w.current()).toBe(3);
  });

  it("a long run through a short window gives the ring's sliding max", () => {
    // The arrays drop their expired prefix as they go: compare with a brute-force max over the window.
    const w = new DelayWindow(20, 2);
    const seen: Array<[number, number]> = [];
    for (let k = 0; k < 2000; k++) {
      const t = k * 1.5;
      const v = (k * 7919) % 13;
      w.record(t, v);
      seen.push([Math.floor(t / 2), v]);
      const slot = Math.floor(t / 2);
      expect(w.current()).toBe(Math.max(...seen.filter(([s]) => slot - s < 10).map(([, x]) => x)));
    }
  });
});
