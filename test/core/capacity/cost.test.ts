import { describe, expect, it } from 'vitest';
import { nodeCost, podCost, splitNodePrice } from '../../../src/core/capacity/index.js';

const GIB = 1024 ** 3;

describe('cost (A12)', () => {
  it('node A 0–3600 s and node B 5–1620 s at $0.20/h cost $0.2897', () => {
    const total = nodeCost(0.2, 0, 3600) + nodeCost(0.2, 5, 1620);
    expect(total).toBeCloseTo(0.2 + (0.2 * 1615) / 3600, 12);
    expect(total.toFixed(4)).toBe('0.2897');
  });
  it('a 4-core/16 GiB node at $0.20/h splits into $0.025 per core-hour and $0.00625 per GiB-hour', () => {
    const r = splitNodePrice(0.2, 4000, 16 * GIB, 0.5);
    expect(r.cpuCoreHour).toBeCloseTo(0.025, 12);
    expect(r.memoryGiBHour).toBeCloseTo(0.00625, 12);
  });
  it.each([
    ['usage under request: request is charged', 500, 1 * GIB, 0.0375],
    ['cpu usage over request: usage is charged', 2000, 1 * GIB, 0.0625],
  ])('%s', (_l, useMillis, useBytes, want) => {
    const r = splitNodePrice(0.2, 4000, 16 * GIB, 0.5);
    const c = podCost({ requestMillis: 1000, usageMillis: useMillis, requestBytes: 2 * GIB, usageBytes: useBytes }, r, 3600);
    expect(c).toBeCloseTo(want, 12);
  });
  it('billing granularity and minimum', () => {
    expect(nodeCost(3.6, 0, 61, { granularitySeconds: 60, minimumSeconds: 0 })).toBeCloseTo(0.12, 12);
    expect(nodeCost(3.6, 0, 10, { granularitySeconds: 1, minimumSeconds: 60 })).toBeCloseTo(0.06, 12);
    // Per-second (the default) bills the exact lifetime: 0.5 s at $3.60/h is $0.0005, not a whole second's $0.001.
    expect(nodeCost(3.6, 0, 0.5)).toBeCloseTo(0.0005, 12);
  });
  it('refuses a NaN or negative amount, which podCost billed as $NaN', () => {
    const r = splitNodePrice(0.2, 4000, 16 * GIB, 0.5);
    expect(() => podCost({ requestMillis: NaN, usageMillis: 500, requestBytes: GIB, usageBytes: GIB }, r, 3600)).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message: 'requestMillis: must be a finite number, got NaN' }),
    );
    expect(() => podCost({ requestMillis: 500, usageMillis: 500, requestBytes: GIB, usageBytes: -1 }, r, 3600)).toThrow(
      expect.objectContaining({ name: 'InvalidArgumentError', message: 'usageBytes: must be ≥ 0, got -1' }),
    );
  });
  it('refuses a negative lifetime and a cpu share outside [0, 1]', () => {
    expect(() => nodeCost(1, 10, 5)).toThrow('lifetime');
    // An InvalidArgumentError with its field, like every other check in knsim/capacity (it was a bare RangeError).
    expect(() => splitNodePrice(1, 1000, GIB, 1.5)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', field: 'cpuShare', message: 'cpuShare: must be within [0, 1], got 1.5' }));
  });
});
