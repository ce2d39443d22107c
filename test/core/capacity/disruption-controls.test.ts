import { describe, expect, it } from 'vitest';
import {
  caDrainability,
  DO_NOT_DISRUPT_KEY,
  doNotDisruptUntil,
  isLocalVolume,
  readDisruptionControls,
  SAFE_TO_EVICT_KEY,
  SAFE_TO_EVICT_LOCAL_VOLUMES_KEY,
  type DisruptionControls,
} from '../../../src/core/capacity/index.js';

const disk = (name: string) => ({ name, emptyDir: {} });

describe('readDisruptionControls', () => {
  it.each([
    ['nothing', {}, [], undefined, 0],
    ['safe-to-evict "true"', { [SAFE_TO_EVICT_KEY]: 'true' }, [], { safeToEvict: true, blockingLocalVolumes: [] }, 0],
    ['safe-to-evict "false"', { [SAFE_TO_EVICT_KEY]: 'false' }, [], { safeToEvict: false, blockingLocalVolumes: [] }, 0],
    ['safe-to-evict "no": ignored, said', { [SAFE_TO_EVICT_KEY]: 'no' }, [], undefined, 1],
    ['an emptyDir on disk blocks', {}, [disk('cache')], { blockingLocalVolumes: ['cache'] }, 0],
    ['an emptyDir in memory does not', {}, [{ name: 'tmp', emptyDir: { medium: 'Memory' } }], undefined, 0],
    ['a secret volume does not', {}, [{ name: 's', secret: { secretName: 'x' } }], undefined, 0],
    ['safe-to-evict-local-volumes names one of two', { [SAFE_TO_EVICT_LOCAL_VOLUMES_KEY]: 'cache' }, [disk('cache'), disk('scratch')], { blockingLocalVolumes: ['scratch'] }, 0],
    ['safe-to-evict-local-volumes names both', { [SAFE_TO_EVICT_LOCAL_VOLUMES_KEY]: 'cache,scratch' }, [disk('cache'), disk('scratch')], undefined, 0],
    ['do-not-disrupt "true"', { [DO_NOT_DISRUPT_KEY]: 'true' }, [], { blockingLocalVolumes: [], doNotDisruptSeconds: Number.POSITIVE_INFINITY }, 0],
    ['do-not-disrupt "1h30m"', { [DO_NOT_DISRUPT_KEY]: '1h30m' }, [], { blockingLocalVolumes: [], doNotDisruptSeconds: 5400 }, 0],
    ['do-not-disrupt "0s": not positive, ignored', { [DO_NOT_DISRUPT_KEY]: '0s' }, [], undefined, 1],
    ['do-not-disrupt "false": not a duration, ignored', { [DO_NOT_DISRUPT_KEY]: 'false' }, [], undefined, 1],
  ] as const)('%s', (_, annotations, volumes, want, ignored) => {
    const r = readDisruptionControls(annotations as Record<string, string>, volumes);
    expect(r.controls).toEqual(want);
    expect(r.ignored.length).toBe(ignored);
  });
});

describe('caDrainability (the drainability rules before the budget rule, in order)', () => {
  const c = (o: Partial<DisruptionControls>): DisruptionControls => ({ blockingLocalVolumes: [], ...o });
  it.each([
    ['no controls', undefined, true, 'undecided'],
    ['safe-to-evict "true" passes a pod with a local volume', c({ safeToEvict: true, blockingLocalVolumes: ['cache'] }), true, 'drainable'],
    ['safe-to-evict "false"', c({ safeToEvict: false }), true, 'NotSafeToEvictAnnotation'],
    ['a local volume', c({ blockingLocalVolumes: ['cache'] }), true, 'LocalStorageRequested'],
    ['a local volume, skip-nodes-with-local-storage=false', c({ blockingLocalVolumes: ['cache'] }), false, 'undecided'],
    ['do-not-disrupt only (Karpenter\'s, not read here)', c({ doNotDisruptSeconds: 60 }), true, 'undecided'],
  ] as const)('%s', (_, controls, skip, want) => {
    expect(caDrainability(controls, skip)).toBe(want);
  });
});

describe('doNotDisruptUntil', () => {
  it('holds for ever with "true", for the duration from the pod\'s start otherwise, never without', () => {
    expect(doNotDisruptUntil({ blockingLocalVolumes: [], doNotDisruptSeconds: Number.POSITIVE_INFINITY }, 40)).toBe(Number.POSITIVE_INFINITY);
    expect(doNotDisruptUntil({ blockingLocalVolumes: [], doNotDisruptSeconds: 600 }, 40)).toBe(640);
    expect(doNotDisruptUntil({ blockingLocalVolumes: ['x'] }, 40)).toBe(Number.NEGATIVE_INFINITY);
    expect(doNotDisruptUntil(undefined, 40)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('isLocalVolume', () => {
  it('hostPath and emptyDir on disk count; emptyDir in memory and other kinds do not', () => {
    expect(isLocalVolume({ hostPath: { path: '/var' } })).toBe(true);
    expect(isLocalVolume({ emptyDir: {} })).toBe(true);
    expect(isLocalVolume({ emptyDir: { medium: '' } })).toBe(true);
    expect(isLocalVolume({ emptyDir: { medium: 'Memory' } })).toBe(false);
    expect(isLocalVolume({})).toBe(false);
  });
});
