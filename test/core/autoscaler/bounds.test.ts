import { describe, expect, it } from 'vitest';
import {
  activeThreshold,
  applyBounds,
  effectiveScaleBounds,
  type ScaleBoundsSettings,
} from '../../../src/core/autoscaler/bounds.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';

describe('applyBounds', () => {
  it.each([
    // [min, max, desired, want]
    [0, 0, 5, 5],
    [2, 0, 1, 2],
    [2, 0, 0, 2],
    [0, 8, 10, 8],
    [2, 8, 5, 5],
    [2, 8, 8, 8],
    [0, 0, 0, 0],
    [0, 0, -1, 0], // unknown while activating becomes min = 0
    [3, 0, -1, 3], // … or min
    [10, 5, 7, 10], // min above max: min wins, as upstream
    [0, 0, 1000, 1000], // max 0 = unlimited
  ])('min %i, max %i, desired %i → %i', (min, max, desired, want) => {
    expect(applyBounds(min, max, desired)).toBe(want);
  });

  it.each([
    ['NaN desired', 0, 0, Number.NaN, 'desired'],
    ['desired below -1', 0, 0, -2, 'desired'],
    ['fractional desired', 0, 0, 1.5, 'desired'],
    ['negative min', -1, 0, 1, 'min'],
    ['infinite max', 0, Number.POSITIVE_INFINITY, 1, 'max'],
  ])('rejects %s', (_l, min, max, desired, field) => {
    expect(() => applyBounds(min, max, desired)).toThrow(InvalidArgumentError);
    expect(() => applyBounds(min, max, desired)).toThrow(field);
  });
});

const BASE: ScaleBoundsSettings = { minScale: 0, maxScale: 0, initialScale: 1, reachable: true };

describe('effectiveScaleBounds (scaler.scale bound selection)', () => {
  it.each([
    // [label, settings, scaleTargetInitialized, min, max]
    ['defaults', {}, false, 0, 0],
    ['min-scale when reachable', { minScale: 2 }, true, 2, 0],
    ['min-scale ignored when unreachable', { minScale: 2, reachable: false }, true, 0, 0],
    ['max-scale passes through, also when unreachable', { maxScale: 8, reachable: false }, true, 0, 8],
    ['initial-scale 5 is a floor until initialized', { minScale: 2, initialScale: 5 }, false, 5, 0],
    ['initial-scale ignored once initialized', { minScale: 2, initialScale: 5 }, true, 2, 0],
    ['initial-scale ignored when unreachable', { initialScale: 5, reachable: false }, false, 0, 0],
    ['initial-scale 1 is never a floor', { initialScale: 1 }, false, 0, 0],
    ['initial-scale 0 is never a floor', { initialScale: 0 }, false, 0, 0],
    ['min-scale above initial-scale wins', { minScale: 7, initialScale: 5 }, false, 7, 0],
    ['annotation min above ConfigMap max is kept', { minScale: 10, maxScale: 5 }, true, 10, 5],
  ] as const)('%s', (_l, over, initialized, min, max) => {
    expect(effectiveScaleBounds({ ...BASE, ...over }, initialized)).toEqual({ min, max });
  });

  it.each([
    ['negative max', { ...BASE, maxScale: -1 }, 'settings.maxScale'],
    ['fractional initial scale', { ...BASE, initialScale: 1.5 }, 'settings.initialScale'],
    ['non-boolean reachable', { ...BASE, reachable: 'yes' as never }, 'settings.reachable'],
  ])('rejects %s', (_l, bad, field) => {
    expect(() => effectiveScaleBounds(bad, false)).toThrow(InvalidArgumentError);
    expect(() => effectiveScaleBounds(bad, false)).toThrow(field);
  });
});

describe('activeThreshold (minReady)', () => {
  it.each([
    ['defaults, not initialized', {}, false, 1],
    ['defaults, initialized', {}, true, 1],
    ['initial-scale 0 before initialization', { initialScale: 0 }, false, 0],
    ['initial-scale 0 after initialization', { initialScale: 0 }, true, 1],
    ['initial-scale 20, min 11', { minScale: 11, initialScale: 20 }, false, 20],
    ['initial-scale 20, min 11, initialized', { minScale: 11, initialScale: 20 }, true, 11],
    ['min 2 unreachable', { minScale: 2, reachable: false }, false, 1],
    // Only min is dropped when unreachable; initial-scale still counts here.
    ['initial-scale 3 unreachable', { initialScale: 3, reachable: false }, false, 3],
  ] as const)('%s → %i', (_l, over, initialized, want) => {
    expect(activeThreshold({ ...BASE, ...over }, initialized)).toBe(want);
  });

  it('rejects a non-boolean initialized flag', () => {
    expect(() => activeThreshold(BASE, 1 as never)).toThrow(InvalidArgumentError);
  });
});
