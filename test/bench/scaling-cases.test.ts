import { describe, expect, it } from 'vitest';
import {
  failureReason,
  fitPerUnit,
  GROWTH_CASES,
  growthTable,
  limitSpec,
  limitSteps,
  parseSpecKey,
  predictMB,
  scalingScenario,
  specKey,
  steadyInitialPods,
  unitsWithin,
  type ScalingRow,
} from '../../src/bench/scaling-cases.js';
import { scenarioFromValue } from '../../src/scenario/index.js';

describe('limitSteps: 1-2-5 steps', () => {
  it.each([
    [2000, 60000, [2000, 5000, 10000, 20000, 50000]],
    [20000, 250000, [20000, 50000, 100000, 200000]],
    [1500, 9000, [2000, 5000]],
    [1, 10, [1, 2, 5, 10]],
    [300, 100, []],
  ])('from %d up to %d', (from, upTo, want) => {
    expect(limitSteps(from, upTo)).toEqual(want);
  });
});

describe('fitPerUnit, predictMB, unitsWithin', () => {
  it('fits a line through sizes and peak RSS', () => {
    const fit = fitPerUnit([
      { units: 2000, peakRssMB: 1100 },
      { units: 5000, peakRssMB: 2600 },
      { units: 10000, peakRssMB: 5100 },
    ])!;
    expect(fit.mbPerUnit).toBeCloseTo(0.5, 9);
    expect(fit.fixedMB).toBeCloseTo(100, 6);
    expect(predictMB(fit, 20000)).toBeCloseTo(10100, 6);
    // (23552 − 100) / 0.5
    expect(unitsWithin(fit, 23552)).toBe(46904);
  });
  it('needs two different sizes', () => {
    expect(fitPerUnit([{ units: 5, peakRssMB: 100 }])).toBeUndefined();
    expect(fitPerUnit([{ units: 5, peakRssMB: 100 }, { units: 5, peakRssMB: 120 }])).toBeUndefined();
  });
  it('a flat line fits any number', () => {
    expect(unitsWithin({ mbPerUnit: 0, fixedMB: 100 }, 1000)).toBe(Infinity);
  });
});

describe('failureReason', () => {
  const end = (over: Partial<Parameters<typeof failureReason>[0]>) => ({ status: 0, signal: null, timedOut: false, stderr: '', ...over });
  it.each([
    [end({}), undefined],
    [end({ timedOut: true, status: null, signal: 'SIGKILL' }), 'over the wall-time cap of 1800 s per step'],
    [end({ status: null, signal: 'SIGXCPU' }), 'over the CPU-time cap of 600 s per step'],
    [end({ status: 134, stderr: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n' }), 'out of memory (V8 heap): FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
    [end({ status: 1, stderr: 'RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded\n    at x\n' }), 'out of WebAssembly memory (one instance addresses at most 4 GiB): RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded'],
    [
      end({ status: 2, stderr: 'scaling:k: services[0].initialPods: 200000 pods of a-00001 exceeds the limit of 100000 pods (raise with --max-pods)\n' }),
      "refused by knsim's pods cap (--max-pods): scaling:k: services[0].initialPods: 200000 pods of a-00001 exceeds the limit of 100000 pods (raise with --max-pods)",
    ],
    [end({ status: null, signal: 'SIGKILL' }), "killed (SIGKILL: the kernel's out-of-memory killer, most likely)"],
    [end({ status: 3, stderr: 'Error: something\n' }), 'exit 3: Error: something'],
    [end({ status: 1, stderr: 'file:///x.js:9\nRangeError: Map maximum size exceeded\n    at Map.set\n\nNode.js v20.20.2\n' }), 'exit 1: RangeError: Map maximum size exceeded'],
  ])('%#', (e, want) => {
    expect(failureReason(e, { cpuSeconds: 600, wallSeconds: 1800 })).toBe(want);
  });
});

describe('scenarios', () => {
  it('keys round-trip and bad keys are refused', () => {
    for (const c of GROWTH_CASES) expect(parseSpecKey(specKey(c.spec))).toEqual(c.spec);
    expect(() => parseSpecKey('services:10:0:60')).toThrow(/bad scaling case/);
    expect(() => parseSpecKey('pods:5')).toThrow(/bad scaling case/);
  });
  it('starts steady cases with pods for 70 % of CC 10 (steady-1h: 15 at 1,000 RPS)', () => {
    expect([1, 100, 1000, 10000].map(steadyInitialPods)).toEqual([1, 2, 15, 143]);
  });
  it('builds scenarios knsim loads: services share the total rate', () => {
    const loaded = scenarioFromValue(scalingScenario({ kind: 'services', count: 10, totalRps: 1000, durationSeconds: 3600 }), 'test');
    expect(loaded.world.services.map((s) => s.name)).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-5', 'svc-6', 'svc-7', 'svc-8', 'svc-9']);
    expect(loaded.world.durationSeconds).toBe(3600);
    const limit = limitSpec('services', 5000);
    expect(limit).toEqual({ kind: 'services', count: 5000, totalRps: 5000, durationSeconds: 300 });
    expect(limitSpec('pods', 50000)).toEqual({ kind: 'scale-up', rps: 5882 });
    const up = scenarioFromValue(scalingScenario({ kind: 'scale-up', rps: 500 }), 'test');
    expect(up.world.durationSeconds).toBe(20);
  });
});

describe('growthTable', () => {
  const row = (key: string, cpu: number, events: number): ScalingRow => ({
    key, services: 1, simulatedSeconds: 900, requests: 900_000, events, maxReadyPods: 15, cpuSeconds: cpu, wallSeconds: cpu + 0.1, peakRssMB: 90,
  });
  it('gives each row its ratio to its axis\'s first measured row and skips cases not run', () => {
    const rows = new Map([
      [specKey(GROWTH_CASES[0]!.spec), row('a', 0.5, 1_800_000)],
      [specKey(GROWTH_CASES[1]!.spec), row('b', 1.25, 7_200_000)],
    ]);
    const text = growthTable(GROWTH_CASES.slice(0, 3), (c) => rows.get(specKey(c.spec)));
    expect(text.split('\n')).toEqual([
      '| axis | case | requests | events | max pods | CPU s | wall s | peak RSS MB | CPU × first | events × first |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      '| duration | 15 min | 900,000 | 1,800,000 | 15 | 0.50 | 0.60 | 90 | 1.0× | 1.0× |',
      '| duration | 1 h | 900,000 | 7,200,000 | 15 | 1.25 | 1.35 | 90 | 2.5× | 4.0× |',
    ]);
  });
});
