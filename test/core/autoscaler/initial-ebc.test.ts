import { describe, expect, it } from 'vitest';
import {
  applyScaleResult,
  initialExcessBurstCapacity,
  newDeciderStatus,
  sameSign,
  shouldNotifyPodAutoscaler,
  type DeciderStatus,
} from '../../../src/core/autoscaler/initial-ebc.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { ScaleResult } from '../../../src/core/autoscaler/types.js';

describe('initialExcessBurstCapacity', () => {
  it.each([
    // [TBC, total, initial scale, EBC]
    [-1, 100, 1, -1],
    [0, 100, 5, 0],
    [211, 100, 1, -111], // defaults
    [42, 25, 2, 8], // upstream example
    [200, 10, 1, -190],
    [211, 100, 0, -211],
    [211, 100, 3, 89],
    [10.5, 1, 0, -10], // truncation toward zero, not floor
    [0.5, 1, 1, 0], // 0.5 truncates to 0
    [100.25, 100, 1, 0], // −0.25 truncates to 0, not −0
  ])('TBC %d, total %d, initial scale %i → %i', (tbc, total, initial, want) => {
    const got = initialExcessBurstCapacity({ targetBurstCapacity: tbc, totalValue: total }, initial);
    expect(got).toBe(want);
    expect(Object.is(got, -0)).toBe(false);
  });

  it('starts a decider at DesiredScale -1', () => {
    expect(newDeciderStatus({ targetBurstCapacity: 211, totalValue: 100 }, 1)).toEqual({ desiredScale: -1, excessBurstCapacity: -111 });
  });

  it.each([
    ['TBC -2', -2, 100, 1],
    ['NaN TBC', Number.NaN, 100, 1],
    ['negative total', 211, -1, 1],
    ['fractional initial scale', 211, 100, 1.5],
    ['negative initial scale', 211, 100, -1],
  ])('rejects %s', (_l, tbc, total, initial) => {
    expect(() => initialExcessBurstCapacity({ targetBurstCapacity: tbc, totalValue: total }, initial)).toThrow(InvalidArgumentError);
  });
});

describe('sameSign', () => {
  it.each([
    [0, 5, true],
    [0, -1, false],
    [-1, -5, true],
    [-0, 0, true],
    [89, -11, false],
  ])('%d and %d → %s', (a, b, want) => {
    expect(sameSign(a, b)).toBe(want);
  });
});

describe('applyScaleResult / shouldNotifyPodAutoscaler', () => {
  const valid = (desiredPodCount: number, excessBurstCapacity: number): ScaleResult => ({ desiredPodCount, excessBurstCapacity, scaleValid: true });
  it.each([
    // [label, prev, result, notify, status after]
    ['first valid result changes DesiredScale', { desiredScale: -1, excessBurstCapacity: -111 }, valid(1, -212), true, { desiredScale: 1, excessBurstCapacity: -212 }],
    ['EBC moves but stays negative', { desiredScale: 1, excessBurstCapacity: -212 }, valid(1, -300), false, { desiredScale: 1, excessBurstCapacity: -300 }],
    ['EBC reaches 0: crosses to non-negative', { desiredScale: 3, excessBurstCapacity: -5 }, valid(3, 0), true, { desiredScale: 3, excessBurstCapacity: 0 }],
    ['EBC from 89 to 0: both non-negative', { desiredScale: 3, excessBurstCapacity: 89 }, valid(3, 0), false, { desiredScale: 3, excessBurstCapacity: 0 }],
    ['EBC from 89 to -11', { desiredScale: 3, excessBurstCapacity: 89 }, valid(3, -11), true, { desiredScale: 3, excessBurstCapacity: -11 }],
    ['DesiredScale down to 0', { desiredScale: 1, excessBurstCapacity: -111 }, valid(0, -211), true, { desiredScale: 0, excessBurstCapacity: -211 }],
    ['invalid result changes nothing', { desiredScale: 2, excessBurstCapacity: -11 }, { desiredPodCount: 9, excessBurstCapacity: 50, scaleValid: false }, false, { desiredScale: 2, excessBurstCapacity: -11 }],
  ] as Array<[string, DeciderStatus, ScaleResult, boolean, DeciderStatus]>)('%s', (_l, prev, result, notify, after) => {
    expect(applyScaleResult(prev, result)).toEqual({ status: after, notify });
    expect(shouldNotifyPodAutoscaler(prev, result)).toBe(notify);
  });

  it.each([
    ['a NaN EBC', { desiredScale: 1, excessBurstCapacity: 0 }, valid(1, Number.NaN)],
    ['a negative desired count', { desiredScale: 1, excessBurstCapacity: 0 }, valid(-1, 0)],
    ['a fractional previous desired scale', { desiredScale: 1.5, excessBurstCapacity: 0 }, valid(1, 0)],
  ] as Array<[string, DeciderStatus, ScaleResult]>)('rejects %s', (_l, prev, result) => {
    expect(() => applyScaleResult(prev, result)).toThrow(InvalidArgumentError);
  });
});
